/**
 * Output-field lineage for packages (issue #6 §3): the columns a compiled query outputs, read from
 * its text (SPL's last `table`, KQL's last `project`), and the column each name of a detection's
 * `alert` (and each entity, detail or message token a package writes) is shown in on a profile. A
 * name no column of the compiled query carries is an error at the detection's `alert` line, so a
 * package never names a column the query does not output.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { RuleIR } from '../ir/nodes.js';
import type { CorrelationIR } from '../ir/correlation.js';
import type { ProfileBase, TargetId } from '../backends/types.js';
import type { LogsourceCategory } from '../model/types.js';
import { kqlFieldColumn } from '../backends/kql/column-path.js';
import { splSourceIfReadable } from '../backends/spl/source.js';
import type { SplProfile } from '../backends/spl/profiles.js';

/** Split a column list at top-level commas (outside parentheses and quotes). */
function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = '';
  for (let i = 0; i < list.length; i++) {
    const ch = list[i]!;
    if (quote) {
      if (ch === '\\') {
        cur += ch + (list[++i] ?? '');
        continue;
      }
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The columns a compiled query outputs, in order. */
export function compiledOutputColumns(text: string, target: TargetId): string[] {
  const lines = text.split('\n');
  const command = target === 'spl' ? '| table ' : '| project ';
  const line = [...lines].reverse().find((l) => l.startsWith(command));
  if (!line) return [];
  return splitTopLevel(line.slice(command.length)).map((c) => (target === 'kql' ? (c.split(/\s*=\s*/)[0] ?? c).trim() : c));
}

/**
 * The columns a profile's fields are output as, for one log source: SPL's as its source reads them
 * (a data-model field, Processes.dest, renamed without its dataset prefix: src/backends/spl/source.ts),
 * KQL's paths into a dynamic column (User.username) read into their own string column
 * (src/backends/kql/column-path.ts); otherwise the fields themselves.
 */
function outputFields(profile: ProfileBase, category: LogsourceCategory, target: TargetId): Readonly<Record<string, string | undefined>> {
  const fields = (profile.fields[category] ?? {}) as Readonly<Record<string, string | undefined>>;
  if (target === 'spl') {
    const source = splSourceIfReadable(profile as SplProfile, category);
    return source ? (source.fields as Readonly<Record<string, string | undefined>>) : fields;
  }
  if (target === 'kql') return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === undefined ? v : kqlFieldColumn(v)]));
  return fields;
}

/** Where a name of a rule's results is shown on a profile: candidates in order of preference. */
function candidates(name: string, categories: readonly LogsourceCategory[], profile: ProfileBase, target: TargetId, group: boolean): string[] {
  const mapped = categories.map((c) => outputFields(profile, c, target)[name]).filter((x): x is string => typeof x === 'string');
  const host = name === 'Host' ? [((profile as { hostField?: string }).hostField ?? 'host')] : [];
  return [...new Set([...mapped, ...host, ...(group ? [`t1612_key_${name}`] : []), name])];
}

export interface ColumnLookup {
  /** The output column showing `name`, or undefined when the compiled query outputs none. */
  column(name: string): string | undefined;
  readonly columns: readonly string[];
}

export function ruleColumns(rule: RuleIR, profile: ProfileBase, compiledText: string, target: TargetId): ColumnLookup {
  const columns = compiledOutputColumns(compiledText, target);
  const set = new Set(columns);
  return { columns, column: (name) => candidates(name, [rule.logsource.category], profile, target, false).find((c) => set.has(c)) };
}

export function correlationColumns(c: CorrelationIR, profile: ProfileBase, compiledText: string, target: TargetId): ColumnLookup {
  const columns = compiledOutputColumns(compiledText, target);
  const set = new Set(columns);
  const categories = [...new Set(c.stages.flatMap((s) => s.rules.map((r) => r.logsource.category)))];
  return { columns, column: (name) => (c.groupBy.includes(name as never) ? candidates(name, categories, profile, target, true) : [name]).find((x) => set.has(x)) };
}

/** Every name of a detection's `alert` that the compiled query on this profile does not output, as errors at the detection's file. */
export function lineageErrors(d: RuleIR | CorrelationIR, lookup: ColumnLookup, profileId: string): Diagnostic[] {
  const names = [...[...(d.alert.message ?? '').matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!), ...d.alert.entities, ...d.alert.details];
  return [...new Set(names)]
    .filter((n) => lookup.column(n) === undefined)
    .map((n) =>
      diagnostic(d.file, d.alert.position ?? { line: 1, column: 1 }, 'error', 'output-lineage', `${n} is not a column of ${d.name}'s compiled query on profile ${profileId} (it outputs ${lookup.columns.join(', ')})`, 'map the field in the profile, or remove it from alert'),
    );
}
