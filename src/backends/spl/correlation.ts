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
 * Joined on the image (`joinOn: [image]`, `c.joinOnImage`; a correlation without it is written as
 * above, unchanged), each stage search also reads the image its rule names, and the chain runs per
 * group and image class:
 *
 *     … | eval t1612_stage=<k>, t1612_key_<F>=…, t1612_image=if(match(<F1>, "<R1>"), replace(<F1>, "(?:<R1>)[^\n]*(?:\n[^\n]*)*", "\1"), if(match(<F2>, "<R2>"), …, ""))
 *     | where isnotnull(t1612_key_<F>) AND t1612_key_<F>!=""
 *     | eval t1612_image=if(t1612_image=="", null(), t1612_image)
 *     | eventstats values(t1612_image) AS t1612_images by t1612_key_<F>
 *     | eval t1612_class=coalesce(t1612_image, t1612_images, "*")
 *     | mvexpand t1612_class
 *     | sort 0 _time, t1612_stage
 *       … the carry as above, every streamstats by t1612_key_<F>, t1612_class …
 *     | where isnotnull(t1612_v<N>)
 *     | eventstats max(t1612_s<N>) AS t1612_start by t1612_key_<F>, _time
 *     | dedup t1612_key_<F>, _time
 *     | eval chain_start=t1612_start, chain_end=_time, …
 *       … table and _filter as above (the same columns) …
 *
 * On a data-model profile the same commands follow the stage rows, and each tstats search also
 * groups by the rule's image-key fields (core.ts `extra`), so its rows carry them.
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
 * - Carrying the latest valid event per stage forward (the model's latest prefix per stage, whose
 *   start is the latest: starts only grow with time without an image-only stage): `t1612_v<k>` is
 *   the time of a row that is a valid stage-k event (stage k, and for k > 1 within W<k> of the latest
 *   valid stage k-1 event of its group, `t1612_p<k-1>`), `t1612_s<k>` its chain's start;
 *   `streamstats last(…) by <keys>` carries the latest non-null of each to every later row of the
 *   group. For k = 2 the start is `t1612_p1` itself (a first-stage event starts its chain). The gap
 *   is never negative: rows are in time order, so the carried time is at most `_time`.
 * - One result per group and last-stage time: `where isnotnull(t1612_v<N>)`, then `dedup <keys>,
 *   _time`. Rows equal in group, `_time` and stage read the same carried values, so the copy dedup
 *   keeps does not matter.
 *
 * And joined on the image (the model's rows (event, stage, rule) with the image that rule reads,
 * src/ir/correlation.ts):
 * - The image a row names under its rule (image-key.ts `imageKeyOf`: group 1 of the first source
 *   whose regex matches its field, else ""): the rule's sources whose field the profile maps for the
 *   rule's log source (`ruleFields`, the model's `availableFields`), in order, as nested `if`s
 *   ending in `""`. R is the source's portable regex rendered for PCRE (anchored at the start, one
 *   group; PCRE and ECMAScript take the same match of such patterns, image-key.ts). `match` finds
 *   R as `exec` does; `(?:R)` followed by `[^\n]*(?:\n[^\n]*)*` (every character, line breaks
 *   included: the rest of the field) then matches the whole field in one match whose group 1 is R's
 *   (the rest matches any suffix, so the first match of the whole is R's first match), and replace
 *   with `\1` leaves that group. The field is read as the core left it: normalised when the rule
 *   reads it, else through `normalisedValue`, so a NULL field reads as "" (the model skips it; no
 *   pattern's group can be empty, so "" names no image either way).
 * - Classes: "" becomes NULL; `values()` gives each group the distinct images its rows name; a row
 *   naming an image gets it, a row naming none every image of its group (a multivalue), or `*` when
 *   the group names none; mvexpand makes one row per class. These are the model's (group, class)
 *   rows, rows of one event and class that came from two rules of one stage included.
 * - The carry per (group, class) is the chain above over each class's rows; the model's latest
 *   start per class is the latest candidate's (without an image-only stage rule, which SPL does not
 *   run: correlationTelemetry leaves a rule whose log source lacks a group-by field out of its stage,
 *   with a note).
 * - One result per group and last-stage time: several classes may end a chain at one (group,
 *   `_time`); `eventstats max(t1612_s<N>)` over them is the model's latest start, and dedup keeps one
 *   row (they all read the same maximum).
 * - Row growth: a row naming no image becomes one row per image its group (host) names, at least one;
 *   a row naming an image stays one. The carry sorts (rows naming an image) + (rows naming none) ×
 *   max(1, distinct images named on the host in the search's time range) rows, and mvexpand holds a
 *   chunk's expansion in memory (see below).
 * - A placeholder value (`-` on sysmon_linux, `unknown` on cim) in an image-key field reads as ""
 *   here, as the core reads it. The model reads the event's text, so the two differ only for a
 *   pattern that matches a placeholder by itself; the bundled image keys (a flag or a subcommand
 *   before the image) match none.
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
 *
 * Facts the image join adds (each pinned in test/conformance/spl.test.ts too):
 * - [doc] replace(X, Y, Z) (Search Reference, Text functions, S-text: "a string formed by
 *   substituting string Z for every occurrence of regex string Y in string X. The third argument Z
 *   can also reference groups that are matched in the regex", example `replace(date,
 *   "^(\d{1,2})/(\d{1,2})/", "\2/\1/")`); Y is PCRE (S-re). [inferred] Occurrences are found left
 *   to right without overlapping, each search starting where the previous match ended, so after the
 *   one match that ends at the end of X the pattern, anchored with `^`, cannot match again; a group
 *   that took no part is "". match(X, "re") is an unanchored PCRE search (S-cond, semantics.md §1.1).
 * - [doc] null() is NULL (S-cond), so `if(t1612_image=="", null(), t1612_image)` erases "" (S-eval).
 * - [doc] eventstats (Search Reference, eventstats): "Generates summary statistics from fields in your
 *   events and saves those statistics in a new field", per by-group, on every event of the group;
 *   "Only those events that have fields pertinent to the aggregation are used", so values() and
 *   max() read the rows where their field is not NULL. [inferred] Its by-clause groups as streamstats
 *   does (text, case-sensitive). [inferred] It holds every row of the search until it has seen the
 *   last (it is not streaming), within the search's memory limits (limits.conf `max_mem_usage_mb`),
 *   which are not checked here: one group per host (values) and per host and second (max).
 * - [doc] values(X) returns the distinct values of X as a multivalue, in lexicographical order
 *   (Multivalue stats and chart functions, S-mv; semantics.md §1.4). [inferred] Distinct means equal
 *   text (case-sensitive, as the model's images); the order does not matter here (classes never
 *   meet, and `sort 0` follows). [inferred] No cap on the number of values is assumed (list()
 *   documents one of 100; a cap on values() would drop classes of a host naming more images).
 * - [inferred] A multivalue with one value is that value (Multivalue eval functions, mvcount: "If
 *   the field contains a single value, this function returns 1"), so a group naming one image gets
 *   that image as its class, and mvexpand of a single value leaves the row as it is.
 * - [inferred] coalesce(X, …) returns the first argument that is not NULL (S-cond), a multivalue
 *   whole (not stated). Should a live Splunk disagree, a form built from documented behaviour only is
 *   `eventstats values(t1612_image) AS t1612_class by … | fillnull value="*" t1612_class | mvexpand
 *   t1612_class | where isnull(t1612_image) OR t1612_class==t1612_image`, at the cost of expanding
 *   the rows that name an image too.
 * - [doc] mvexpand <field> (Search Reference, mvexpand): "Expands the values of a multivalue field
 *   into separate events, one event for each value"; "The other fields are unchanged"; `limit`
 *   defaults to 0 (no limit); a distributable streaming command. Its memory is limited: by default
 *   500 MB per chunk of results (limits.conf `max_mem_usage_mb`), beyond which "the chunk is
 *   truncated and a warning message is emitted" — a host naming many images multiplies its rows
 *   that name none (row growth above). It cannot be applied to internal fields (`_…`): t1612_class
 *   is not one.
 * - [doc] max(X) processes values as numbers when it can ("The only exceptions are the max and min
 *   functions. These functions process values as numbers if possible", Statistical and charting
 *   functions); the starts are epoch seconds.
 * Pages (besides semantics.md's S- keys): eventstats
 * https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/eventstats ;
 * mvexpand https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/mvexpand ;
 * values() https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/statistical-and-charting-functions/multivalue-stats-and-chart-functions ;
 * max()/min() as numbers https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions ;
 * replace() https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions
 * (its wording as Splunk's quick reference gives it) ; mvcount
 * https://docs.splunk.com/Documentation/Splunk/7.1.5/SearchReference/MultivalueEvalFunctions .
 */
import type { CanonicalField } from '../../model/types.js';
import { allFieldsRead, type RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { ImageKeyCapture } from '../../ir/image-key.js';
import { PortableRegex } from '../../ir/regex.js';
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

/**
 * The rest of a field after an anchored pattern: any run of characters, line breaks included (`.` is
 * `[^\n]` in the portable subset). A repeated character class rather than a repeated group
 * (`(?:.|\n)*`), so PCRE does not keep one backtracking frame per character of the field.
 */
const REST_OF_FIELD = '.*(?:\\n.*)*';

/** The image-key sources a profile can read for a rule: those whose field it maps for the rule's log source (the model's `availableFields`). */
export function imageSources(rule: RuleIR, profile: SplProfile): ImageKeyCapture[] {
  const fields = ruleFields(rule, profile);
  return rule.imageKey.filter((s) => fields[s.field] !== undefined);
}

/**
 * The image a stage row names under its rule (src/ir/image-key.ts `imageKeyOf`), as an eval
 * expression: for each source in order, `if(match(F, "<R>"), replace(F, "(?:<R>)<rest>", "\1"), …)`,
 * ending in `""`. R is anchored at the start of F, so the one match of R followed by the rest of the
 * field is the whole of F, and replace leaves group 1. F is the field as the core left it: normalised
 * when the rule reads it (never NULL), else normalised here (NULL and placeholders read as "").
 */
export function imageExpression(rule: RuleIR, profile: SplProfile): string {
  const fields = ruleFields(rule, profile);
  const read = new Set<CanonicalField>(allFieldsRead(rule));
  let expr = '""';
  for (const s of imageSources(rule, profile).reverse()) {
    const name = splField(fields[s.field]!);
    const value = read.has(s.field) ? name : normalisedValue(name, profile.placeholders);
    if (!s.regex.source.startsWith('^')) throw new Error(`internal: image key ${s.origin} of ${rule.name} is not anchored at the start of ${s.field}`);
    const whole = PortableRegex.trusted(`(?:${s.regex.source})${REST_OF_FIELD}`, false);
    expr = `if(match(${value}, ${splString(s.regex.render('pcre', false))}), replace(${value}, ${splString(whole.render('pcre', false))}, ${splString('\\1')}), ${expr})`;
  }
  return expr;
}

/** One stage rule's commands after its base: its core, tier and action, its `_filter`, then the stage and group keys (and the image, joined on it). */
function stageCommands(c: CorrelationIR, rule: RuleIR, stage: number, profile: SplProfile): { base: string; commands: string[] } {
  const fields = ruleFields(rule, profile);
  // Joined on the image, a data-model search carries the image-key fields through tstats.
  const core = ruleCore(rule, profile, c.joinOnImage ? imageSources(rule, profile).map((s) => s.field) : []);
  const keys = c.groupBy.map((f) => {
    const name = fields[f];
    // correlationTelemetry keeps only the rules whose log source carries every group-by field.
    if (!name) throw new Error(`internal: ${rule.name} on ${profile.id} lacks group-by field ${f}`);
    return `${groupKeyField(f)}=${normalisedValue(splField(name), profile.placeholders)}`;
  });
  if (c.joinOnImage) keys.push(`t1612_image=${imageExpression(rule, profile)}`);
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
  const stages: string[] = [`where ${keys.map((k) => `isnotnull(${k}) AND ${k}!=""`).join(' AND ')}`];
  if (c.joinOnImage)
    // Each row's image class: its own image, or every image its group names (one row each), or "*".
    stages.push(
      'eval t1612_image=if(t1612_image=="", null(), t1612_image)',
      `eventstats values(t1612_image) AS t1612_images by ${by}`,
      'eval t1612_class=coalesce(t1612_image, t1612_images, "*")',
      'mvexpand t1612_class',
    );
  // The carry runs per group, and joined on the image per (group, image class).
  const carryBy = c.joinOnImage ? `${by}, t1612_class` : by;
  stages.push(`sort 0 ${splArgField(profile.timeField)}, t1612_stage`, `eval t1612_v1=if(t1612_stage==1, ${time}, null())`);
  for (let k = 2; k <= n; k++) {
    stages.push(k === 2 ? `streamstats last(t1612_v1) AS t1612_p1 by ${carryBy}` : `streamstats last(t1612_v${k - 1}) AS t1612_p${k - 1}, last(t1612_s${k - 1}) AS t1612_ps${k - 1} by ${carryBy}`);
    const within = c.stages[k - 1]!.withinSeconds;
    if (within === undefined || !Number.isSafeInteger(within) || within < 0) throw new Error(`internal: stage ${k} of ${c.name} has no window in seconds`);
    const start = k === 2 ? 't1612_p1' : `t1612_ps${k - 1}`;
    stages.push(`eval t1612_v${k}=if(t1612_stage==${k} AND ${time}-t1612_p${k - 1}<=${within}, ${time}, null()), t1612_s${k}=if(isnotnull(t1612_v${k}), ${start}, null())`);
  }
  stages.push(`where isnotnull(t1612_v${n})`);
  // Joined on the image, one group and time may end chains of several classes: the latest start wins.
  if (c.joinOnImage) stages.push(`eventstats max(t1612_s${n}) AS t1612_start by ${by}, ${splArgField(profile.timeField)}`);
  stages.push(
    `dedup ${by}, ${splArgField(profile.timeField)}`,
    `eval chain_start=${c.joinOnImage ? 't1612_start' : `t1612_s${n}`}, chain_end=${time}, correlation=${splString(c.name)}, correlation_level=${splString(c.level)}, correlation_action=${splString(c.action)}`,
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
