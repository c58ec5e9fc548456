/**
 * Correlation rules: ordered stages of other rules on one group (a host), each within a window after
 * the previous stage's event. This file holds their IR, their lowering from the YAML model and the
 * reference meaning every target's emitted query must reproduce.
 *
 * The semantics (README, "Correlation semantics"):
 * - A stage event is a result of one of the stage's rules (matched, any tier), with non-empty values
 *   for every group-by field. The same event may fill several stages.
 * - A chain is stage events e1 … en with equal group values and, for k > 1,
 *   0 <= t(ek) - t(ek-1) <= within(k): sliding windows measured from the previous stage's event,
 *   bounds inclusive, several candidates allowed.
 * - The correlation gives one result per group and last-stage time t for which a chain ends at an
 *   event at t. It reports the chain that takes, at every stage, the latest event that can continue
 *   a chain ending there: its start is `start`, its last-stage time `end`.
 *
 * Because a later candidate is always at least as close to the next stage as an earlier one, "a chain
 * exists" needs only the latest valid event per stage — which is what SPL's streamstats carries
 * forward and what KQL's arg_max keeps after each join.
 *
 * Joined on the image (`joinOn: [image]`): a stage event is a (event, stage rule) pair, and its image
 * is what that rule's `imageKey` reads from the event (src/ir/image-key.ts; "" when it names none).
 * A chain's events that name an image all name the same one; events naming none join any. The
 * result is still one per group and last-stage time, with the latest start of any chain ending there.
 * The streaming form partitions the chains by image: chains whose events name `x` (or nothing) are
 * those of the plain problem over the group's events that name `x` or nothing, so each group's events
 * that name no image are copied into every image the group's events name (or into one class `*` when
 * they name none), the carry above runs per (group, image), and the result takes the latest start
 * over the images. SPL does exactly this (eventstats values + mvexpand); KQL's joins compare images
 * pairwise, which is the same set of chains.
 */
import type { CanonicalField, Level, MetadataModel, TierAction } from '../model/types.js';
import { detectionMetadata, type DetectionMetadata, type RuleIR } from './nodes.js';
import { compileRule, type CanonicalEvent, type EvaluateOptions } from './evaluate.js';
import { imageKeyOf } from './image-key.js';

export interface CorrelationModel extends MetadataModel {
  correlation: {
    groupBy: CanonicalField[];
    joinOn?: 'image'[];
    stages: { rules: string[]; within?: string; label?: string }[];
  };
  level: Level;
  action: TierAction;
}

export interface CorrelationStage {
  readonly label: string;
  readonly rules: readonly RuleIR[];
  /** Seconds after the previous stage's event (inclusive); absent on the first stage. */
  readonly withinSeconds?: number;
  /** As written (30m), for outputs. */
  readonly within?: string;
}

export interface CorrelationIR extends DetectionMetadata {
  readonly kind: 'correlation';
  readonly groupBy: readonly CanonicalField[];
  /** Stage events that name an image must name the same one (src/ir/image-key.ts). */
  readonly joinOnImage: boolean;
  readonly stages: readonly CorrelationStage[];
  readonly level: Level;
  readonly action: TierAction;
  /** Longest possible chain: the sum of the windows, in seconds. */
  readonly spanSeconds: number;
  readonly file: string;
}

/** `30s`, `10m`, `2h` → seconds. */
export function durationSeconds(d: string): number {
  const n = Number(d.slice(0, -1));
  return n * { s: 1, m: 60, h: 3600 }[d.slice(-1) as 's' | 'm' | 'h'];
}

export function lowerCorrelation(model: CorrelationModel, file: string, rules: ReadonlyMap<string, RuleIR>): CorrelationIR {
  const stages = model.correlation.stages.map((s, i): CorrelationStage => ({
    label: s.label ?? `stage${i + 1}`,
    rules: s.rules.map((r) => {
      const ir = rules.get(r);
      if (!ir) throw new Error(`internal: unknown stage rule ${r}`);
      return ir;
    }),
    ...(i > 0 && s.within ? { within: s.within, withinSeconds: durationSeconds(s.within) } : {}),
  }));
  return {
    kind: 'correlation',
    ...detectionMetadata(model),
    groupBy: model.correlation.groupBy,
    joinOnImage: (model.correlation.joinOn ?? []).includes('image'),
    stages,
    level: model.level,
    action: model.action,
    spanSeconds: stages.reduce((a, s) => a + (s.withinSeconds ?? 0), 0),
    file,
  };
}

/** An event of a stream: its log source category, its time (epoch seconds) and its fields. */
export interface TimedEvent {
  readonly category: string;
  readonly time: number;
  readonly event: CanonicalEvent;
}

export interface ChainResult {
  /** Group-by field → value. */
  readonly group: Readonly<Record<string, string>>;
  /** Epoch seconds of the first and last stage events of the reported chain. */
  readonly start: number;
  readonly end: number;
}

/** Stable order of results: by end time, then group values, then start. */
export function sortChains(results: ChainResult[]): ChainResult[] {
  const key = (r: ChainResult) => JSON.stringify(Object.entries(r.group).sort());
  return results.sort((a, b) => a.end - b.end || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) || a.start - b.start);
}

/**
 * How windows are read. `per-stage` is the model. `total-span` is the approximation of a target that
 * has one timespan for the whole chain (Sigma's temporal_ordered): every stage event must fall within
 * `spanSeconds` of the chain's first event, and stage windows are not checked. Every chain of the
 * model is also one of the approximation (its events are at most the sum of the windows apart).
 */
export type WindowReading = 'per-stage' | 'total-span';

/**
 * The reference meaning over a stream. `optsFor(category)` gives the profile's view of a category
 * (fields it carries, placeholders); a stage rule sees only events of its own log source. `images`
 * `ignore` drops the image join (the reading of a target that cannot join on it: Sigma).
 */
export function correlate(
  c: CorrelationIR,
  stream: readonly TimedEvent[],
  optsFor: (category: string) => EvaluateOptions | undefined = () => ({}),
  windows: WindowReading = 'per-stage',
  images: 'join' | 'ignore' = 'join',
): ChainResult[] {
  const joinImages = c.joinOnImage && images === 'join';
  const compiled = new Map<string, ReturnType<typeof compileRule> | null>();
  const compiledFor = (rule: RuleIR): ReturnType<typeof compileRule> | null => {
    let r = compiled.get(rule.name);
    if (r === undefined) {
      const opts = optsFor(rule.logsource.category);
      r = opts ? compileRule(rule, opts) : null;
      compiled.set(rule.name, r);
    }
    return r;
  };
  // Stage events: (event, stage, rule) with the event's group key and the image the rule reads.
  const rows: { time: number; stage: number; key: string; group: Record<string, string>; image: string }[] = [];
  for (const te of stream) {
    const opts = optsFor(te.category);
    if (!opts) continue;
    const group: Record<string, string> = {};
    let complete = true;
    for (const f of c.groupBy) {
      if (opts.availableFields && !opts.availableFields.has(f)) complete = false;
      const v = te.event[f];
      if (typeof v !== 'string' || v === '' || (opts.placeholders ?? []).includes(v)) complete = false;
      else group[f] = v;
    }
    if (!complete) continue;
    const key = JSON.stringify(c.groupBy.map((f) => group[f]));
    c.stages.forEach((s, k) => {
      for (const r of s.rules) {
        if (r.logsource.category !== te.category || !compiledFor(r)?.evaluate(te.event).matched) continue;
        const image = joinImages ? imageKeyOf(r.imageKey.filter((src) => !opts.availableFields || opts.availableFields.has(src.field)), te.event) : '';
        rows.push({ time: te.time, stage: k, key, group, image });
      }
    });
  }
  // The images each group's events name; an event naming none is copied into each (or into `*`).
  const imagesOf = new Map<string, Set<string>>();
  for (const r of rows) if (r.image !== '') (imagesOf.get(r.key) ?? imagesOf.set(r.key, new Set()).get(r.key)!).add(r.image);
  const expanded = rows.flatMap((r) => (r.image !== '' ? [r.image] : [...(imagesOf.get(r.key) ?? ['*'])]).map((image) => ({ ...r, image })));
  // Time order; at one instant, earlier stages first (an event at t may continue a chain at t).
  expanded.sort((a, b) => a.time - b.time || a.stage - b.stage);
  const latest = new Map<string, { time: number; start: number }[]>();
  const out = new Map<string, ChainResult>();
  for (const r of expanded) {
    const cls = `${r.key}\u0000${r.image}`;
    let per = latest.get(cls);
    if (!per) latest.set(cls, (per = []));
    let start: number | undefined;
    if (r.stage === 0) start = r.time;
    else {
      const prev = per[r.stage - 1];
      // The latest valid previous event also has the latest start (starts only grow with time), so
      // it is the best candidate under either reading.
      const ok = prev && (windows === 'per-stage' ? r.time - prev.time <= c.stages[r.stage]!.withinSeconds! : r.time - prev.start <= c.spanSeconds);
      if (ok) start = prev.start;
    }
    if (start === undefined) continue;
    per[r.stage] = { time: r.time, start };
    if (r.stage === c.stages.length - 1) {
      const id = `${r.key}\u0000${r.time}`;
      const seen = out.get(id);
      if (!seen || start > seen.start) out.set(id, { group: r.group, start, end: r.time });
    }
  }
  return sortChains([...out.values()]);
}
