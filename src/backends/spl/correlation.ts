/**
 * Correlation rules on Splunk: one search per correlation and profile,
 * `spl/<profile>/<correlation>.spl`, that reports exactly the chains of the reference meaning
 * (src/ir/correlation.ts `correlate`): per-stage sliding windows measured from the previous stage's
 * event, inclusive, 0 <= gap; the same event may fill several stages; one result per group and
 * last-stage time, whose start is the latest first-stage time of the chains ending there.
 *
 *     | multisearch
 *         [ search `<base>` | <rule core> | <tier, action> | `<rule>_filter` | eval t1612_stage=<k>, t1612_key_<F>=<F's field> ]
 *         … one subsearch per (stage, rule the profile runs) …
 *     | where isnotnull(t1612_key_<F>) AND t1612_key_<F>!=""
 *     | sort 0 _time, t1612_stage
 *     | eval t1612_v1=if(t1612_stage==1, _time, null())
 *     | streamstats last(t1612_v1) AS t1612_p1 by t1612_key_<F>
 *     | eval t1612_v2=if(t1612_stage==2 AND _time-t1612_p1<=<W2>, _time, null()), t1612_s2=if(isnotnull(t1612_v2), t1612_p1, null())
 *     | streamstats last(t1612_v2) AS t1612_p2, last(t1612_s2) AS t1612_ps2 by t1612_key_<F>
 *     | eval t1612_v3=if(t1612_stage==3 AND _time-t1612_p2<=<W3>, _time, null()), t1612_s3=if(isnotnull(t1612_v3), t1612_ps2, null())
 *     | where isnotnull(t1612_v<N>)
 *     | dedup t1612_key_<F>, _time
 *     | eval chain_start=t1612_s<N>, chain_end=_time, correlation=…, correlation_level=…, correlation_action=…
 *     | table _time, host, t1612_key_<F>, chain_start, chain_end, correlation, correlation_level, correlation_action
 *     | `<correlation>_filter`
 *
 * A profile that reads a stage rule's log source from a data model (source.ts, the bundled `cim`)
 * cannot use multisearch: tstats is a generating command, and multisearch runs `search` subsearches
 * of streaming commands only. There the stage searches are chained with `append` instead, and the
 * chain commands are the same:
 *
 *     | tstats … from datamodel=<dataset> by … | rename … | <rule core> | <tier, action> | `<rule>_filter` | eval t1612_stage=1, t1612_key_<F>=…
 *     | append [ | tstats … | rename … | <rule core> | <tier, action> | `<rule>_filter` | eval t1612_stage=<k>, t1612_key_<F>=… ]
 *       … one append per further (stage, rule) …
 *     | where isnotnull(t1612_key_<F>) AND t1612_key_<F>!=""
 *     | sort 0 _time, t1612_stage
 *       … as above …
 *     | table _time, t1612_key_<F>, chain_start, chain_end, correlation, correlation_level, correlation_action
 *
 * (no host column: the stage rows come from datasets whose host fields differ; t1612_key_Host is
 * it). A stage event there is a tstats row, a group of equal events within one second (core.ts), so
 * times are whole seconds: a chain is judged on the seconds of its events (events of one second
 * may follow each other in either order), and chain_start and chain_end are seconds.
 *
 * How it reproduces the model:
 * - A stage event is a result of a stage rule: each subsearch is the rule's own streaming core
 *   (core.ts, the same text as the rule's saved search up to its threshold), its tier and action
 *   (so the rule's `_filter` macro sees the fields it sees in the rule's search) and its `_filter`.
 *   An event that fills several stages, or matches several rules of a stage, comes out of several
 *   subsearches, each copy tagged with its stage.
 * - The group: `t1612_key_<F>` is the canonical group-by field F under the profile's name for F in
 *   the rule's log source, normalised as the core normalises (NULL and placeholders → ""); rows
 *   whose key is empty are in no chain.
 * - Time order, earlier stages first at one instant (an event at t may continue a chain at t):
 *   `sort 0 _time, t1612_stage` (`sort 0`: no 10,000-result cap, S-sort).
 * - Carrying the latest valid event per stage forward (the model's `per[stage]`): `t1612_v<k>` is
 *   the time of a row that is a valid stage-k event (stage k, and for k > 1 within W<k> of the latest
 *   valid stage k-1 event of its group, `t1612_p<k-1>`), `t1612_s<k>` its chain's start;
 *   `streamstats last(…) by <keys>` carries the latest non-null of each to every later row of the
 *   group. For k = 2 the start is `t1612_p1` itself (a first-stage event starts its chain). The gap
 *   is never negative: rows are in time order, so the carried time is at most `_time`.
 * - One result per group and last-stage time: `where isnotnull(t1612_v<N>)`, then `dedup <keys>,
 *   _time`. Rows equal in group, `_time` and stage read the same carried values, so the copy dedup
 *   keeps does not matter.
 *
 * Facts relied on (test/conformance/spl.test.ts pins each, as the evaluator encodes it):
 * - [doc] multisearch (Search Reference, multisearch): a generating command taking at least two
 *   subsearches `[search …]`, each holding streaming commands only (search, eval, where, lookup…).
 *   A correlation has at least two stages, each with at least one rule, so there are always two;
 *   and a rule's `_filter` macro must stay streaming to be usable here (the file's header says so).
 * - [inferred] streamstats `last(X)` ignores rows where X is NULL (stats functions aggregate the
 *   values present), so it yields the latest non-null X of the group, or NULL before any; with
 *   `current` left true the current row counts, which is harmless here (a row's own v<k-1> is NULL).
 * - [inferred] streamstats without `window=`/`time_window=` accumulates over every earlier row of
 *   the group (Search Reference: `window` default 0 = all events; its note that `max_stream_window`,
 *   10,000 events, applies when neither is set is read as bounding `window=`; confirm on a live
 *   Splunk before relying on chains across more than 10,000 stage events).
 * - [inferred] streamstats `by` and dedup compare group values as text, case-sensitively ("H1" and
 *   "h1" are two groups), as the model's group key does.
 * - [inferred] sort need not be stable: rows tied on (_time, t1612_stage) are of one stage at one
 *   instant, and every value computed from them is the same whichever comes first.
 * - [doc] dedup keeps the first row of each combination in search order, and drops rows where any
 *   of its fields is NULL (`keepempty=false`).
 * - [doc] append (Search Reference, append) adds the results of its subsearch, which may start with
 *   any generating command (tstats), after the current results; a subsearch returns at most 10,000
 *   results by default, so with append each stage after the first contributes at most 10,000 rows
 *   (groups of events per second) in the search's time range. The order of the rows does not matter:
 *   `sort 0` puts them in time order.
 * - The window test `_time-t1612_p1<=W` is NULL when no earlier stage event exists, and `if` takes
 *   its else branch on NULL (semantics.md §1.1 `eval x=a+b`, `if`).
 */
import type { CanonicalField } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { chainLine, provenanceLines } from '../provenance.js';
import { loadTemplate } from '../templates.js';
import { correlationTelemetry } from '../telemetry.js';
import type { RenderResult } from '../types.js';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { filterMacroName, normalisedValue, ruleCore, ruleFields, tierStages } from './core.js';
import { splArgField, splComment, splField, splString } from './escape.js';
import type { SplProfile } from './profiles.js';
import { sourceProblem, splSource } from './source.js';

const correlationTemplate = loadTemplate(new URL('./templates/correlation.spl.hbs', import.meta.url));
const queryTemplate = loadTemplate(new URL('./templates/query.spl.hbs', import.meta.url));

/** The field holding a row's value of group-by field `f` (canonical names are plain words). */
export function groupKeyField(f: CanonicalField): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(f)) throw new Error(`internal: group-by field ${JSON.stringify(f)} is not a plain word`);
  return `t1612_key_${f}`;
}

/** The header: the rule files' two provenance lines (src/backends/provenance.ts), naming the correlation, and how to read it. */
function header(c: CorrelationIR, stages: readonly (readonly RuleIR[])[], streaming: boolean): string[] {
  return [
    ...provenanceLines(c),
    chainLine(c, stages),
    streaming
      ? `Each stage search is a multisearch subsearch, which takes streaming commands only: keep the stage rules' _filter macros streaming (search, where, eval).`
      : `Stage searches read with tstats cannot run in a multisearch (streaming subsearches only), so each one after the first is an append subsearch (at most 10,000 rows each). A row is a group of equal events within one second, so chains are judged on whole seconds.`,
  ].map(splComment);
}

/** One stage rule's commands after its base: its core, tier and action, its `_filter`, then the stage and group keys. */
function stageCommands(c: CorrelationIR, rule: RuleIR, stage: number, profile: SplProfile): { base: string; commands: string[] } {
  const fields = ruleFields(rule, profile);
  const core = ruleCore(rule, profile);
  const keys = c.groupBy.map((f) => {
    const name = fields[f];
    // correlationTelemetry keeps only the rules whose log source carries every group-by field.
    if (!name) throw new Error(`internal: ${rule.name} on ${profile.id} lacks group-by field ${f}`);
    return `${groupKeyField(f)}=${normalisedValue(splField(name), profile.placeholders)}`;
  });
  return { base: core.base, commands: [...core.stages, ...tierStages(rule), `\`${filterMacroName(rule.name)}\``, `eval t1612_stage=${stage}, ${keys.join(', ')}`] };
}

/** A stage rule's whole search as a subsearch's text: `search <base macro> | …`, or `| tstats … | …`. */
function stageSearch(c: CorrelationIR, rule: RuleIR, stage: number, profile: SplProfile): string {
  const { base, commands } = stageCommands(c, rule, stage, profile);
  return `${base.startsWith('|') ? base : `search ${base}`} | ${commands.join(' | ')}`;
}

/** The first stage rule whose log source the profile cannot write a query for, as an error on the correlation. */
export function correlationProblem(c: CorrelationIR, stages: readonly (readonly RuleIR[])[], profile: SplProfile): Diagnostic | undefined {
  for (const rule of stages.flat()) {
    const p = sourceProblem(rule, profile);
    if (p) return diagnostic(c.file, { line: 1, column: 1 }, 'error', 'profile', p.message.replace(/; rule .*$/, `; correlation ${c.name} cannot be compiled there`), p.hint);
  }
  return undefined;
}

export function renderSplCorrelation(c: CorrelationIR, profile: SplProfile): RenderResult {
  const telemetry = correlationTelemetry(c, 'spl', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  const problem = correlationProblem(c, telemetry.stages, profile);
  if (problem) return { files: [], diagnostics: [problem] };
  const staged = telemetry.stages.flatMap((rules, k) => rules.map((rule) => ({ rule, stage: k + 1 })));
  // The schema asks for two stages or more, and correlationTelemetry for a rule in each.
  if (staged.length < 2) throw new Error(`internal: correlation ${c.name} has ${staged.length} stage search(es); it needs two or more`);
  const streaming = staged.every(({ rule }) => splSource(profile, rule.logsource.category).kind === 'search');

  const time = splField(profile.timeField);
  const keys = c.groupBy.map(groupKeyField);
  const by = keys.join(', ');
  const n = c.stages.length;
  const stages: string[] = [
    `where ${keys.map((k) => `isnotnull(${k}) AND ${k}!=""`).join(' AND ')}`,
    `sort 0 ${splArgField(profile.timeField)}, t1612_stage`,
    `eval t1612_v1=if(t1612_stage==1, ${time}, null())`,
  ];
  for (let k = 2; k <= n; k++) {
    stages.push(k === 2 ? `streamstats last(t1612_v1) AS t1612_p1 by ${by}` : `streamstats last(t1612_v${k - 1}) AS t1612_p${k - 1}, last(t1612_s${k - 1}) AS t1612_ps${k - 1} by ${by}`);
    const within = c.stages[k - 1]!.withinSeconds;
    if (within === undefined || !Number.isSafeInteger(within) || within < 0) throw new Error(`internal: stage ${k} of ${c.name} has no window in seconds`);
    const start = k === 2 ? 't1612_p1' : `t1612_ps${k - 1}`;
    stages.push(`eval t1612_v${k}=if(t1612_stage==${k} AND ${time}-t1612_p${k - 1}<=${within}, ${time}, null()), t1612_s${k}=if(isnotnull(t1612_v${k}), ${start}, null())`);
  }
  stages.push(
    `where isnotnull(t1612_v${n})`,
    `dedup ${by}, ${splArgField(profile.timeField)}`,
    `eval chain_start=t1612_s${n}, chain_end=${time}, correlation=${splString(c.name)}, correlation_level=${splString(c.level)}, correlation_action=${splString(c.action)}`,
    `table ${[profile.timeField, ...(streaming && profile.hostField !== undefined ? [profile.hostField] : []), ...keys, 'chain_start', 'chain_end', 'correlation', 'correlation_level', 'correlation_action'].join(', ')}`,
    `\`${filterMacroName(c.name)}\``,
  );
  const path = `spl/${profile.id}/${c.name}.spl`;
  if (streaming) {
    const subsearches = staged.map(({ rule, stage }) => stageSearch(c, rule, stage, profile));
    return { files: [{ path, content: correlationTemplate({ header: header(c, telemetry.stages, true), subsearches, stages }) }], diagnostics: telemetry.notes };
  }
  // The first stage search is the main search; every other one is appended.
  const first = stageCommands(c, staged[0]!.rule, staged[0]!.stage, profile);
  const appends = staged.slice(1).map(({ rule, stage }) => `append [ ${stageSearch(c, rule, stage, profile)} ]`);
  const content = queryTemplate({ header: header(c, telemetry.stages, false), base: first.base, stages: [...first.commands, ...appends, ...stages] });
  const seconds = diagnostic(
    c.file,
    { line: 1, column: 1 },
    'warning',
    'approximation',
    `spl profile ${profile.id} reads the stage events of ${c.name} from tstats rows, whose _time is their second (span=1s), so chains are judged on whole seconds: events within one second may follow each other in either order, and a window is measured between seconds`,
    'expected for data-model profiles; streams whose events fall on whole seconds (the correlation tests) are judged exactly',
  );
  return { files: [{ path, content }], diagnostics: [...telemetry.notes, seconds] };
}
