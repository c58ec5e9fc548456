/**
 * Correlation rules on KQL: one query per correlation and profile, `kql/<profile>/<correlation>.kql`,
 * that reports exactly the chains of the reference meaning (src/ir/correlation.ts `correlate`):
 * per-stage sliding windows measured from the previous stage's event, inclusive, 0 <= gap; the same
 * event may fill several stages; one result per (group values, last-stage time), whose start is the
 * latest first-stage time of the chains ending there.
 *
 *     let <allowlist lets of every stage rule, once each>;
 *     let t1612_stage<k> = union
 *         (<Table> | <rule core> | project t1612_key_<F> = <F's column>, t1612_time = <time column>),
 *         … one leg per rule of stage k the profile runs (a single rule: no union) …;
 *     t1612_stage1
 *     | where isnotempty(t1612_key_<F>)
 *     | project t1612_key_<F>, t1612_t1 = t1612_time
 *     | distinct t1612_key_<F>, t1612_t1
 *     | join kind=inner (t1612_stage2 | project t1612_key_<F>, t1612_t2 = t1612_time) on t1612_key_<F>
 *     | where t1612_t2 between (t1612_t1 .. (t1612_t1 + <W2>))
 *     | summarize t1612_start = max(t1612_t1) by t1612_key_<F>, t1612_t2
 *     | join kind=inner (t1612_stage3 | project t1612_key_<F>, t1612_t3 = t1612_time) on t1612_key_<F>
 *     | where t1612_t3 between (t1612_t2 .. (t1612_t2 + <W3>))
 *     | summarize arg_max(t1612_t2, t1612_start) by t1612_key_<F>, t1612_t3
 *     | project <time column> = t1612_t<N>, <F's column> = t1612_key_<F>, chain_start = t1612_start,
 *         chain_end = t1612_t<N>, correlation = "<name>", correlation_level = "<level>", correlation_action = "<action>"
 *     | order by <time column> desc
 *
 * Why each step is exact:
 * - A stage event is a result of a stage rule: each leg is the rule's own core (core.ts, the same
 *   text as the rule's query up to `where risk_score >= <threshold>`; tiers never filter), over the
 *   profile's table for the rule's log source. An event matching several rules of a stage comes out
 *   of several legs, and an event of several stages is in several lets; duplicates only repeat
 *   (key, time) pairs, which `distinct` and `summarize … by` collapse.
 * - The group: `t1612_key_<F>` is the canonical group-by field F under the profile's column for F in
 *   the rule's log source, with the profile's placeholders read as "" (as the core reads them).
 *   Stage 1 keeps non-empty keys only; later stages join on key equality with them, so an empty key
 *   never joins. Key equality is `==`: case-sensitive, as the model's group key.
 * - Stage k > 1: `join kind=inner` gives every (stage k-1 row, stage k event) pair of one group
 *   (the default `innerunique` would dedup the left side on the key and lose candidates: semantics.md
 *   §2.6), and `between (t .. (t + W))` keeps exactly the pairs with 0 <= gap <= W, both bounds
 *   included (between is `>= and <=`), equal instants included (the same event may fill both stages).
 * - The start: after stage 2, `max(t1612_t1)` over the valid predecessors of (group, t2) is the
 *   latest first-stage time of the chains ending at t2: the model's start by definition. For
 *   k >= 3, `arg_max(t1612_t<k-1>, t1612_start)` takes the latest valid stage k-1 event; it also has
 *   the largest start, because starts never decrease with a stage event's time (the latest
 *   predecessor of a later event is at least as late: induction over stages), so this is again the
 *   latest first-stage time of every chain ending there — the model carries the same value through
 *   the latest valid event of each stage. Ties of arg_max cannot matter: every `summarize … by
 *   key, t<k>` leaves one row per (group, t<k>), so rows tied on (group, t<k>, t<k-1>) after the next
 *   join are copies of one row (one per duplicate stage-k event) with the same start.
 * - One result per (group, last-stage time): the last `summarize … by key, t<N>`.
 * - Windows are read from the IR as written (`30m`, `10s`, `2h`: KQL timespan literals of the same
 *   unit); datetime + timespan is a datetime.
 *
 * Joined on the image (`joinOn: [image]`, src/ir/correlation.ts): a stage event is an (event, stage
 * rule) pair with the image that rule reads, and a chain's events that name an image must all name
 * the same one (events naming none join any). Only such correlations change form:
 *
 *     let t1612_stage<k> = … | project t1612_key_<F> = …, t1612_time = …, t1612_image = <image of the rule>;
 *     t1612_stage1
 *     | where isnotempty(t1612_key_<F>)
 *     | project t1612_key_<F>, t1612_t1 = t1612_time, t1612_class = t1612_image
 *     | distinct t1612_key_<F>, t1612_t1, t1612_class
 *     | join kind=inner (t1612_stage2 | project t1612_key_<F>, t1612_t2 = t1612_time, t1612_image) on t1612_key_<F>
 *     | where t1612_t2 between (t1612_t1 .. (t1612_t1 + <W2>)) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)
 *     | extend t1612_class = iff(t1612_image == "", t1612_class, t1612_image)
 *     | summarize t1612_start = max(t1612_t1) by t1612_key_<F>, t1612_t2, t1612_class
 *     | join kind=inner (t1612_stage3 | project t1612_key_<F>, t1612_t3 = t1612_time, t1612_image) on t1612_key_<F>
 *     | where t1612_t3 between (t1612_t2 .. (t1612_t2 + <W3>)) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)
 *     | summarize t1612_start = max(t1612_start) by t1612_key_<F>, t1612_t3
 *     | project … (as above)
 *
 * - The image of a leg: for each of the rule's image-key sources whose field the profile has for the
 *   rule's log source (the model drops the others too), `extract(@"<R>", 1, <column>)` with R the
 *   source's regex rendered for Rust (the engine `matches regex` uses) and the column read as the
 *   group key reads it (placeholders as ""); several sources are combined by `coalesce` (for strings
 *   the first non-empty one), none is `""`. extract gives "" when the regex does not match (a string
 *   is never null in KQL), and group 1 of a source is never empty when it matches (every source ends
 *   in the repository, whose group ends in a `+` of one character class: image-key.ts), so the first
 *   non-empty group is the group of the first source that matches: `imageKeyOf`.
 * - The chain is a dynamic programme over states (group, stage-k time, class), where the class is
 *   the image the chain's events name so far ("" when none does). Whether a stage-(k+1) event
 *   (time t, image i) extends a chain depends only on the chain's state: the window from its stage-k
 *   time, and `i == "" or class == "" or class == i` (its named images stay one image); the new class
 *   is `iff(i == "", class, i)`. The pairs the `where` keeps thus extend exactly the chains of the
 *   model (all named images agree, unnamed events join any). Per state, `max(start)` over its
 *   predecessors' maxima is, by induction over stages, the latest first-stage time of any chain
 *   reaching that state (stage 1: the state's own time; `distinct` collapses duplicate rows).
 *   The last stage needs no class: `max(start) by group, t<N>` over every compatible pair is the
 *   latest start of any chain ending at (group, t<N>), the model's result. Unlike the form above, no
 *   stage keeps only its latest predecessor (arg_max): a later predecessor of another class may not
 *   be compatible with what follows, so every (time, class) state is kept.
 *
 * Image-only stage rules (src/ir/correlation.ts: a rule whose log source has no group-by field,
 * k8s_audit's pod creates on sentinel's AKSAuditAdmin, in a later stage of a chain joined on the
 * image) change the form of their stage k only:
 *
 *     let t1612_stage<k>_image = <the image-only rules' legs> | project t1612_time = …, t1612_image = …;
 *     let t1612_chain<k-1> = <the chain up to stage k-1, as above>;
 *     union
 *         (t1612_chain<k-1>
 *         | join kind=inner (t1612_stage<k> | project key, t1612_t<k> = t1612_time, t1612_image) on key
 *         | where <window> and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)
 *         | extend t1612_class = iff(…)                      (k < N)
 *         | project key, t1612_t<k>, t1612_class, t1612_start),
 *         (t1612_chain<k-1>
 *         | join kind=inner (t1612_stage<k>_image | where isnotempty(t1612_image)
 *             | project t1612_class = t1612_image, t1612_t<k> = t1612_time) on t1612_class
 *         | where <window>
 *         | project key, t1612_t<k>, t1612_class, t1612_start)
 *     | summarize t1612_start = max(t1612_start) by key, t1612_t<k>, t1612_class      (by key, t1612_t<N> at the last stage)
 *
 * (the first branch only when the stage also has rules with the group; `t1612_start` is `t1612_t1`
 * at stage 2). Why it is exact:
 * - The model's state is (group, time, class, named): whether some event of the prefix names the
 *   class's image. Here a prefix's class is the image its events name, and "" until one does, so
 *   `named` is `class != ""`: the state (group, time, class) already carries it, and a grouped event
 *   naming i sets it by setting the class to i (the `iff`).
 * - An image-only event (time t, image i, no group) continues exactly the prefixes that name i: its
 *   leg keeps events naming an image (`isnotempty`: one naming none joins nothing), and the join on
 *   the class pairs it with every stage-(k-1) state whose class is i, in every group; the window is
 *   the stage's, as for any event. The continued prefix keeps its group and its class (i).
 * - Both kinds of continuation of one state are pairs of (state, stage-k event); their union is
 *   every pair, and `max(start)` per new state (or per (group, t<N>) at the end) is, as above, the
 *   latest first-stage time of any chain reaching it: one result per (group, last-stage time), the
 *   latest start. The prefix is a `let` because both branches read it (a let is computed once).
 *
 * The output names the group by the profile's column for F (`DeviceName` for Host) when every stage
 * rule's log source maps F to that column and no other canonical field maps to it in the profile;
 * otherwise the column keeps its name `t1612_key_<F>`. The KQL evaluator reads results back by the
 * same rule (evaluate.ts `compileCorrelation`).
 */
import type { CanonicalField } from '../../model/types.js';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { RuleIR } from '../../ir/nodes.js';
import { carriesGroup, type CorrelationIR } from '../../ir/correlation.js';
import { IMAGE_REPOSITORY } from '../../ir/image-key.js';
import { chainLine, provenanceLines } from '../provenance.js';
import { loadTemplate } from '../templates.js';
import { correlationTelemetry } from '../telemetry.js';
import type { RenderResult } from '../types.js';
import { kqlColumn, kqlComment, kqlString, kqlVerbatim } from './escape.js';
import { kqlRuleCore, normalisedColumn, type KqlRuleCore } from './core.js';
import { kqlFieldColumn } from './column-path.js';
import type { KqlProfile } from './profiles.js';

const correlationTemplate = loadTemplate(new URL('./templates/correlation.kql.hbs', import.meta.url));

/** The columns every correlation result has besides its group columns (and the profile's time column). */
export const CORRELATION_COLUMNS = ['chain_start', 'chain_end', 'correlation', 'correlation_level', 'correlation_action'] as const;

/** The column holding a row's value of group-by field `f` inside the query. */
export function groupKeyColumn(f: CanonicalField): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(f)) throw new Error(`internal: group-by field ${JSON.stringify(f)} is not a plain word`);
  return `t1612_key_${f}`;
}

/** The canonical fields a profile maps to `column` in any of its log sources (a path field: to the column its path is read into). */
export function canonicalFieldsOfColumn(profile: Pick<KqlProfile, 'fields'>, column: string): CanonicalField[] {
  const out = new Set<CanonicalField>();
  for (const map of Object.values(profile.fields)) for (const [f, c] of Object.entries(map ?? {})) if (c !== undefined && kqlFieldColumn(c) === column) out.add(f as CanonicalField);
  return [...out];
}

/** The output column of group-by field `f`: its column in every stage rule's log source, when that names F unambiguously. */
function groupOutputColumn(f: CanonicalField, rules: readonly RuleIR[], profile: KqlProfile): string {
  const columns = new Set(rules.map((r) => {
    const value = profile.fields[r.logsource.category]?.[f];
    return value === undefined ? undefined : kqlFieldColumn(value);
  }));
  const [column] = columns;
  const reserved = new Set<string>([profile.timeColumn, ...CORRELATION_COLUMNS]);
  if (columns.size === 1 && column !== undefined && !reserved.has(column) && !column.startsWith('t1612_')) {
    const named = canonicalFieldsOfColumn(profile, column);
    if (named.length === 1 && named[0] === f) return column;
  }
  return groupKeyColumn(f);
}

/** A KQL timespan literal for a window as written (`30m`). */
function timespan(within: string | undefined, seconds: number | undefined, where: string): string {
  if (within !== undefined && /^[0-9]+[smh]$/.test(within)) return within;
  if (seconds !== undefined && Number.isSafeInteger(seconds) && seconds >= 0) return `${seconds}s`;
  throw new Error(`internal: ${where} has no window`);
}

/** The header: provenance (src/backends/provenance.ts), the correlation, and the chain it reports. */
function header(c: CorrelationIR, stages: readonly (readonly RuleIR[])[]): string[] {
  return [...provenanceLines(c), chainLine(c, stages)].map(kqlComment);
}

/** Continuation lines of a multi-line operator, indented under `pad`. */
function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

/**
 * The image a stage rule's event names (src/ir/image-key.ts `imageKeyOf`, over the sources whose
 * field the profile has): `extract` of each source's group 1 from its column (a string column read
 * as the core reads it: placeholders as ""; a field held at a path inside a dynamic column is the
 * string column the core extends it to; a column of another type through `tostring`, which the
 * evaluator implements for strings and dynamic strings only, so such a profile's agreement is
 * reported unsupported, not guessed), the first non-empty one (`coalesce`), or `""` without sources.
 */
function imageExpression(rule: RuleIR, core: KqlRuleCore, profile: KqlProfile): string {
  const reads = rule.imageKey.flatMap((s) => {
    const column = core.fields[s.field];
    if (!column) return [];
    // First non-empty = first matching only because a source's group 1 never matches empty: every
    // source ends in IMAGE_REPOSITORY, whose group ends in a `+` (see the header).
    if (!s.regex.source.endsWith(IMAGE_REPOSITORY)) throw new Error(`internal: image key source ${s.origin} of ${rule.name} does not end in the repository`);
    // extract reads a string (Kusto.Language: KS107 otherwise); a column of another type holds no
    // placeholder. A path field is already a string column (core.ts extends it).
    const text = (core.columnTypes.get(column) ?? 'string') === 'string' ? normalisedColumn(kqlColumn(column), profile) : `tostring(${kqlColumn(column)})`;
    return [`extract(${kqlVerbatim(s.regex.render('rust', false))}, 1, ${text})`];
  });
  if (!reads.length) return '""';
  // One source a line (stagePipeline indents continuation lines under the operator).
  return reads.length === 1 ? reads[0]! : `coalesce(\n    ${reads.join(',\n    ')})`;
}

/**
 * One stage rule's pipeline: its core, then its group keys (none for an image-only rule), time (and
 * image). Lines joined under `pad`.
 */
function stagePipeline(c: CorrelationIR, rule: RuleIR, core: KqlRuleCore, profile: KqlProfile, pad: string): string {
  const keys = carriesGroup(c, rule)
    ? c.groupBy.map((f) => {
        const column = core.fields[f];
        // correlationTelemetry keeps only the rules whose log source carries every group-by field, or image-only ones.
        if (!column) throw new Error(`internal: ${rule.name} on ${profile.id} lacks group-by field ${f}`);
        return `${groupKeyColumn(f)} = ${normalisedColumn(kqlColumn(column), profile)}`;
      })
    : [];
  const image = c.joinOnImage ? [`t1612_image = ${imageExpression(rule, core, profile)}`] : [];
  const ops = [...core.stages, `project ${[...keys, `t1612_time = ${kqlColumn(profile.timeColumn)}`, ...image].join(', ')}`];
  return [core.table, ...ops.map((op) => `| ${indent(op, pad)}`)].join(`\n${pad}`);
}

/** `let <name> = <the legs' pipelines, a union of several>;` */
function stageLet(c: CorrelationIR, name: string, legs: readonly { rule: RuleIR; core: KqlRuleCore }[], profile: KqlProfile): string {
  if (legs.length === 1) return `let ${name} = ${stagePipeline(c, legs[0]!.rule, legs[0]!.core, profile, '    ')};`;
  return `let ${name} = union\n${legs.map((l) => `    (${stagePipeline(c, l.rule, l.core, profile, '    ')})`).join(',\n')};`;
}

export function renderKqlCorrelation(c: CorrelationIR, profile: KqlProfile): RenderResult {
  const telemetry = correlationTelemetry(c, 'kql', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  const notes: Diagnostic[] = [...telemetry.notes];
  // A rule the profile's telemetry carries may still not render (a watchlist its schema set lacks).
  const stages: { rule: RuleIR; core: KqlRuleCore }[][] = [];
  for (const [k, rules] of telemetry.stages.entries()) {
    const label = c.stages[k]!.label;
    const kept: { rule: RuleIR; core: KqlRuleCore }[] = [];
    for (const rule of rules) {
      const core = kqlRuleCore(rule, profile);
      if ('unsupported' in core)
        notes.push(diagnostic(c.file, { line: 1, column: 1 }, 'note', 'unsupported-profile', `${core.unsupported.message.replace(/; rule .*$/, '')}, so stage ${label} of ${c.name} runs without rule ${rule.name} there`, 'expected when the profile cannot read what the rule needs'));
      else kept.push({ rule, core });
    }
    if (!kept.length)
      return {
        files: [],
        diagnostics: [diagnostic(c.file, { line: 1, column: 1 }, 'warning', 'unsupported-profile', `kql profile ${profile.id} can run no rule of stage ${label}; correlation ${c.name} is skipped there`, "map the stage rules' fields in the profile or use another profile")],
      };
    stages.push(kept);
  }

  // Allowlist lets: every stage rule's, once each (one list has one text on a profile).
  const lets = new Map<string, string>();
  for (const { core } of stages.flat())
    for (const text of core.lets) {
      const name = /^let ([A-Za-z0-9_]+) =/.exec(text)?.[1];
      if (!name) throw new Error(`internal: not a let statement: ${text}`);
      const seen = lets.get(name);
      if (seen !== undefined && seen !== text) throw new Error(`internal: two texts for ${name} in ${c.name}`);
      lets.set(name, text);
    }
  // Per stage, its grouped legs (`t1612_stage<k>`) and its image-only legs (`t1612_stage<k>_image`).
  const stageLets: string[] = [];
  const imageOnlyAt = stages.map((legs) => legs.some((l) => !carriesGroup(c, l.rule)));
  stages.forEach((legs, k) => {
    const grouped = legs.filter((l) => carriesGroup(c, l.rule));
    const imageOnly = legs.filter((l) => !carriesGroup(c, l.rule));
    // correlationTelemetry keeps image-only rules only in later stages of chains joined on the image (the checks require both).
    if (imageOnly.length && (k === 0 || !c.joinOnImage)) throw new Error(`internal: image-only rule ${imageOnly[0]!.rule.name} in stage ${k + 1} of ${c.name}`);
    if (grouped.length) stageLets.push(stageLet(c, `t1612_stage${k + 1}`, grouped, profile));
    if (imageOnly.length) stageLets.push(stageLet(c, `t1612_stage${k + 1}_image`, imageOnly, profile));
  });

  const keys = c.groupBy.map(groupKeyColumn);
  const by = keys.join(', ');
  const n = c.stages.length;
  /** The chain so far: its source (a let, a pipeline or a union) and the operators after it. */
  let source = 't1612_stage1';
  let ops: string[] = [`where ${keys.map((k) => `isnotempty(${k})`).join(' and ')}`];
  const chainLets: string[] = [];
  if (!c.joinOnImage) {
    ops.push(`project ${by}, t1612_t1 = t1612_time`, `distinct ${by}, t1612_t1`);
    for (let k = 2; k <= n; k++) {
      const window = timespan(c.stages[k - 1]!.within, c.stages[k - 1]!.withinSeconds, `stage ${k} of ${c.name}`);
      const prev = `t1612_t${k - 1}`;
      const cur = `t1612_t${k}`;
      ops.push(
        `join kind=inner (t1612_stage${k} | project ${by}, ${cur} = t1612_time) on ${by}`,
        `where ${cur} between (${prev} .. (${prev} + ${window}))`,
        k === 2 ? `summarize t1612_start = max(${prev}) by ${by}, ${cur}` : `summarize arg_max(${prev}, t1612_start) by ${by}, ${cur}`,
      );
    }
  } else {
    // The dynamic programme over (group, stage time, image class) of the header.
    ops.push(`project ${by}, t1612_t1 = t1612_time, t1612_class = t1612_image`, `distinct ${by}, t1612_t1, t1612_class`);
    for (let k = 2; k <= n; k++) {
      const window = timespan(c.stages[k - 1]!.within, c.stages[k - 1]!.withinSeconds, `stage ${k} of ${c.name}`);
      const prev = `t1612_t${k - 1}`;
      const cur = `t1612_t${k}`;
      const start = k === 2 ? prev : 't1612_start';
      const classes = k < n ? ', t1612_class' : '';
      const groupedJoin = [
        `join kind=inner (t1612_stage${k} | project ${by}, ${cur} = t1612_time, t1612_image) on ${by}`,
        `where ${cur} between (${prev} .. (${prev} + ${window})) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)`,
        ...(k < n ? ['extend t1612_class = iff(t1612_image == "", t1612_class, t1612_image)'] : []),
      ];
      const hasGrouped = stages[k - 1]!.some((l) => carriesGroup(c, l.rule));
      if (!imageOnlyAt[k - 1]) {
        ops.push(...groupedJoin, `summarize t1612_start = max(${start}) by ${by}, ${cur}${classes}`);
        continue;
      }
      // An image-only stage event (no group column) continues the prefixes whose class is its image:
      // the join is on the class, and the prefix keeps its group and class. The prefix is read by
      // each kind of leg, so it becomes a let, and the two kinds of continuation are one union.
      const prefix = `t1612_chain${k - 1}`;
      chainLets.push(`let ${prefix} = ${[source, ...ops.map((op) => `| ${op}`)].join('\n    ')};`);
      const project = `project ${by}, ${cur}${classes}, ${start === 't1612_start' ? start : `t1612_start = ${start}`}`;
      const branches = [
        ...(hasGrouped ? [[prefix, ...groupedJoin, project]] : []),
        [
          prefix,
          `join kind=inner (t1612_stage${k}_image | where isnotempty(t1612_image) | project t1612_class = t1612_image, ${cur} = t1612_time) on t1612_class`,
          `where ${cur} between (${prev} .. (${prev} + ${window}))`,
          project,
        ],
      ].map(([first, ...rest]) => [first!, ...rest.map((op) => `| ${op}`)].join('\n    '));
      source = branches.length === 1 ? branches[0]! : `union\n${branches.map((b) => `    (${b})`).join(',\n')}`;
      ops = [`summarize t1612_start = max(t1612_start) by ${by}, ${cur}${classes}`];
    }
  }
  // The group's output name comes from the rules that have the group (an image-only rule has none).
  const runnable = stages.flat().map((s) => s.rule).filter((r) => carriesGroup(c, r));
  const time = kqlColumn(profile.timeColumn);
  const last = `t1612_t${n}`;
  const groupColumns = c.groupBy.map((f) => {
    const out = groupOutputColumn(f, runnable, profile);
    return out === groupKeyColumn(f) ? out : `${kqlColumn(out)} = ${groupKeyColumn(f)}`;
  });
  ops.push(
    `project ${[`${time} = ${last}`, ...groupColumns, 'chain_start = t1612_start', `chain_end = ${last}`, `correlation = ${kqlString(c.name)}`, `correlation_level = ${kqlString(c.level)}`, `correlation_action = ${kqlString(c.action)}`].join(', ')}`,
    `order by ${time} desc`,
  );
  const content = correlationTemplate({ header: header(c, stages.map((s) => s.map((l) => l.rule))), lets: [...[...lets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, text]) => text), ...stageLets, ...chainLets], source, stages: ops });
  return { files: [{ path: `kql/${profile.id}/${c.name}.kql`, content }], diagnostics: notes };
}
