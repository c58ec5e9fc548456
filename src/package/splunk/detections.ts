/**
 * From the compiled queries of a profile to the saved-search stanzas and drilldown macros of every
 * detection the profile runs, and the problems found on the way:
 * - a detection with no compiled query on the profile (the SPL target skipped it, and said why when
 *   compiling) is left out, with a note naming it;
 * - a name of a detection's `alert` that its compiled query does not output is an error
 *   (`lineageErrors`, src/package/outputs.ts): the package is not written;
 * - a title, description or message holding `$` is a warning: Splunk reads `$name$` in the notable's
 *   title and the risk message as a token;
 * - a value a .conf file cannot hold (conf.ts) is an error at the detection.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { EmittedFile } from '../../backends/types.js';
import type { SplProfile } from '../../backends/spl/profiles.js';
import { lineageErrors } from '../outputs.js';
import { alertView, hasDollar } from './alert.js';
import { correlationQueryColumns, ruleQueryColumns, type DetectionColumns } from './columns.js';
import { ConfValueError, settingLines, type ConfStanza } from './conf.js';
import { drilldown } from './drilldown.js';
import type { ResultsMacro } from './macros.js';
import { correlationStanza, ruleStanzas } from './savedsearches.js';

export interface PackagedDetections {
  readonly stanzas: readonly ConfStanza[];
  readonly results: readonly ResultsMacro[];
  readonly diagnostics: readonly Diagnostic[];
}

const at = { line: 1, column: 1 };

/** The compiled query of a detection on the profile, without the file's final line break. */
export function compiledQuery(compiled: ReadonlyMap<string, string>, profileId: string, name: string): string | undefined {
  return compiled.get(`spl/${profileId}/${name}.spl`)?.replace(/\n+$/, '');
}

function dollarWarnings(d: RuleIR | CorrelationIR): Diagnostic[] {
  const texts: [string, string][] = [['title', d.title], ['description', d.description], ...(d.alert.message !== undefined ? [['alert message', d.alert.message] as [string, string]] : [])];
  return texts
    .filter(([, t]) => hasDollar(t))
    .map(([what]) => diagnostic(d.file, at, 'warning', 'splunk-token', `the ${what} of ${d.name} contains "$", which Splunk reads as the start of a $name$ token in the notable title and description and the risk message`, 'leave "$" out of it'));
}

/** Each stanza's values as a .conf file can hold them, or the error saying which cannot be. */
function confProblems(d: RuleIR | CorrelationIR, stanzas: readonly ConfStanza[]): Diagnostic[] {
  try {
    for (const s of stanzas) for (const { key, value } of s.settings) settingLines(key, value);
    return [];
  } catch (e) {
    if (!(e instanceof ConfValueError)) throw e;
    return [diagnostic(d.file, at, 'error', 'splunk-conf', `${d.name} cannot be written to savedsearches.conf: ${e.message}`, 'remove the line break, backslash or blanks from that text')];
  }
}

function keyProblem(d: RuleIR | CorrelationIR, columns: DetectionColumns, time: string, profileId: string): Diagnostic[] {
  return columns.dedupKey.length >= 2 && columns.dedupKey[columns.dedupKey.length - 1] === time
    ? []
    : [diagnostic(d.file, at, 'error', 'splunk-throttle', `${d.name}'s compiled query on profile ${profileId} does not output its dedup key (group and ${time}; it outputs ${columns.columns.join(', ')})`, 'report this: the SPL target writes those columns')];
}

function skipped(d: RuleIR | CorrelationIR, kind: string, profileId: string): Diagnostic {
  return diagnostic(d.file, at, 'note', 'package-skip', `spl profile ${profileId} does not run ${kind} ${d.name}, so the Splunk package leaves it out`, 'see the compile warning for why, or package another profile');
}

export function packageDetections(rules: readonly RuleIR[], correlations: readonly CorrelationIR[], profile: SplProfile, compiledFiles: readonly EmittedFile[]): PackagedDetections {
  const compiled = new Map(compiledFiles.map((f) => [f.path, f.content]));
  const stanzas: ConfStanza[] = [];
  const results: ResultsMacro[] = [];
  const diagnostics: Diagnostic[] = [];
  const byName = <T extends { name: string }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const rule of byName(rules)) {
    const search = compiledQuery(compiled, profile.id, rule.name);
    if (search === undefined) {
      diagnostics.push(skipped(rule, 'rule', profile.id));
      continue;
    }
    const columns = ruleQueryColumns(rule, profile, search);
    const problems = [...lineageErrors(rule, columns, profile.id), ...keyProblem(rule, columns, profile.timeField, profile.id)];
    diagnostics.push(...problems, ...dollarWarnings(rule));
    if (problems.length) continue;
    const view = alertView(rule, columns, ['Host', 'User']);
    const own = ruleStanzas(rule, { search, columns, view, drilldown: drilldown(rule.name, view, profile.timeField), profile });
    const confErrors = confProblems(rule, own);
    diagnostics.push(...confErrors);
    if (confErrors.length) continue;
    stanzas.push(...own);
    if (own.length > 1) results.push({ detection: rule.name, search });
  }

  for (const c of byName(correlations)) {
    const search = compiledQuery(compiled, profile.id, c.name);
    if (search === undefined) {
      diagnostics.push(skipped(c, 'correlation', profile.id));
      continue;
    }
    const columns = correlationQueryColumns(c, profile, search);
    const problems = [...lineageErrors(c, columns, profile.id), ...keyProblem(c, columns, 'chain_end', profile.id)];
    diagnostics.push(...problems, ...dollarWarnings(c));
    if (problems.length) continue;
    const view = alertView(c, columns, c.groupBy);
    const own = [correlationStanza(c, { search, columns, view, drilldown: drilldown(c.name, view, columns.columns.includes('chain_end') ? 'chain_end' : undefined), profile })];
    const confErrors = confProblems(c, own);
    diagnostics.push(...confErrors);
    if (confErrors.length) continue;
    stanzas.push(...own);
    if (c.action === 'alert') results.push({ detection: c.name, search });
  }
  return { stanzas, results, diagnostics };
}
