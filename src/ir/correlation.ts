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
 *   event at t: `end` is t and `start` the latest first-stage time of any chain ending there.
 *
 * Without an image join, that is the chain taking at every stage the latest event that can continue
 * a chain ending there: a later candidate is always at least as close to the next stage as an
 * earlier one and has the later start, so "a chain exists" and its start need only the latest valid
 * event per stage — which is what SPL's streamstats carries forward and what KQL keeps after each
 * join.
 *
 * Joined on the image (`joinOn: [image]`): a stage event is a (event, stage rule) pair, and its image
 * is what that rule's `imageKey` reads from the event (src/ir/image-key.ts; "" when it names none).
 * A chain's events that name an image all name the same one; events naming none join any. A stage
 * rule whose log source lacks a group-by field (k8s_audit has no Host) joins on the image alone: its
 * event must name an image, and continues, in any group, the chains whose earlier events name that
 * image (a pod created from the image a host built). The result is still one per group and
 * last-stage time, with the latest start of any chain ending there.
 *
 * Streaming forms: chains whose events name `x` (or nothing) are those of the plain problem over the
 * group's events that name `x` or nothing, so SPL copies each group's events that name no image into
 * every image the group's events name (or into one class `*` when they name none: eventstats values
 * + mvexpand) and carries the latest candidate per (group, image), taking the latest start over the
 * images; KQL's joins compare images pairwise and keep the latest start per (group, time, image).
 * An image-only stage needs prefixes that name the image, a second state per class, for which the
 * latest candidate no longer has the latest start; KQL keeps the latest start per state (exact; its
 * class, "" until an event names an image, carries "names the image"), and SPL's carry cannot, so
 * SPL drops such stage rules and says so, as does Sigma, which joins on no value a rule derives
 * (src/backends/telemetry.ts IMAGE_ONLY_STAGES).
 */
import { CANONICAL_FIELDS, type CanonicalField, type Level, type MetadataModel, type TierAction } from '../model/types.js';
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

/** Does a rule's log source carry every group-by field? A stage rule whose source does not (k8s_audit has no Host) joins on the image alone. */
export function carriesGroup(c: CorrelationIR, rule: RuleIR): boolean {
  const fields: readonly string[] = CANONICAL_FIELDS[rule.logsource.category];
  return c.groupBy.every((f) => fields.includes(f));
}

/** A stage event of the stream as the chain reads it. */
interface StageRow {
  readonly time: number;
  readonly stage: number;
  /** The group key (JSON of the group values), or undefined for a row that joins on the image alone. */
  readonly key: string | undefined;
  readonly group: Readonly<Record<string, string>>;
  /** The image the rule reads from the event ("" when none, or when images are not joined). */
  readonly image: string;
}

/** A chain prefix ending at a stage event: its time and its start, and whether one of its events names the class's image. */
interface Prefix {
  readonly time: number;
  readonly start: number;
}

/**
 * The reference meaning over a stream. `optsFor(category)` gives the profile's view of a category
 * (fields it carries, placeholders); a stage rule sees only events of its own log source. `images`
 * `ignore` drops the image join (the reading of a target that cannot join on it: Sigma), and with it
 * the stage rules that join on the image alone.
 *
 * The computation is a dynamic programme over (group, image class, "names the image"): for each
 * stage event, the latest start of every chain prefix ending there, from the prefixes of the
 * previous stage its window (or the total span) admits. Keeping every prefix still inside the
 * longest window, not only the latest, makes the latest start exact without relying on starts
 * growing with time.
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
  const rows: StageRow[] = [];
  for (const te of stream) {
    const opts = optsFor(te.category);
    if (!opts) continue;
    const imageOf = (r: RuleIR) => (joinImages ? imageKeyOf(r.imageKey.filter((src) => !opts.availableFields || opts.availableFields.has(src.field)), te.event, opts.placeholders) : '');
    const group: Record<string, string> = {};
    let complete = true;
    for (const f of c.groupBy) {
      if (opts.availableFields && !opts.availableFields.has(f)) complete = false;
      const v = te.event[f];
      if (typeof v !== 'string' || v === '' || (opts.placeholders ?? []).includes(v)) complete = false;
      else group[f] = v;
    }
    const key = complete ? JSON.stringify(c.groupBy.map((f) => group[f])) : undefined;
    c.stages.forEach((s, k) => {
      for (const r of s.rules) {
        if (r.logsource.category !== te.category || !compiledFor(r)?.evaluate(te.event).matched) continue;
        if (carriesGroup(c, r)) {
          if (key !== undefined) rows.push({ time: te.time, stage: k, key, group, image: imageOf(r) });
        } else if (joinImages) {
          // Joins on the image alone: without one it joins nothing.
          const image = imageOf(r);
          if (image !== '') rows.push({ time: te.time, stage: k, key: undefined, group: {}, image });
        }
      }
    });
  }
  // The images each group's events name: its classes (an event naming none is in each, or in `*`).
  const imagesOf = new Map<string, Set<string>>();
  const groupOf = new Map<string, Readonly<Record<string, string>>>();
  for (const r of rows) {
    if (r.key === undefined) continue;
    groupOf.set(r.key, r.group);
    if (r.image !== '') (imagesOf.get(r.key) ?? imagesOf.set(r.key, new Set()).get(r.key)!).add(r.image);
  }
  // Time order; at one instant, earlier stages first (an event at t may continue a chain at t).
  const ordered = [...rows].sort((a, b) => a.time - b.time || a.stage - b.stage);
  const reach = windows === 'per-stage' ? Math.max(0, ...c.stages.map((s) => s.withinSeconds ?? 0)) : c.spanSeconds;
  /** Per (group, class): per stage, the prefixes ending there (`any`), and those naming the class's image (`named`). */
  const state = new Map<string, { group: Readonly<Record<string, string>>; any: Prefix[][]; named: Prefix[][] }>();
  const classOf = (key: string, image: string, group: Readonly<Record<string, string>>) => {
    // A group's values are the same on every row of its key.
    const id = `${key}\u0000${image}`;
    let st = state.get(id);
    if (!st) state.set(id, (st = { group, any: c.stages.map(() => []), named: c.stages.map(() => []) }));
    return st;
  };
  /** The latest start of the prefixes in `from` that a stage-k event at `time` may continue. */
  const bestStart = (from: readonly Prefix[], k: number, time: number): number | undefined => {
    let best: number | undefined;
    for (const p of from) {
      const ok = windows === 'per-stage' ? time - p.time <= c.stages[k]!.withinSeconds! : time - p.start <= c.spanSeconds;
      if (ok && p.time <= time && (best === undefined || p.start > best)) best = p.start;
    }
    return best;
  };
  const add = (list: Prefix[], p: Prefix) => {
    // Prefixes the longest window no longer reaches are dropped (rows come in time order).
    while (list.length && p.time - list[0]!.time > reach) list.shift();
    list.push(p);
  };
  const out = new Map<string, ChainResult>();
  const last = c.stages.length - 1;
  for (const r of ordered) {
    const targets: { st: ReturnType<typeof classOf>; names: boolean; needsNamed: boolean }[] = [];
    if (r.key !== undefined) {
      const classes = r.image !== '' ? [r.image] : [...(imagesOf.get(r.key) ?? ['*'])];
      for (const cls of classes) targets.push({ st: classOf(r.key, cls, r.group), names: r.image !== '', needsNamed: false });
    } else {
      // An image-only event continues, in every group, the chains whose events name its image.
      for (const [key, set] of imagesOf) if (set.has(r.image)) targets.push({ st: classOf(key, r.image, groupOf.get(key)!), names: true, needsNamed: true });
    }
    for (const { st, names, needsNamed } of targets) {
      let anyStart: number | undefined;
      let namedStart: number | undefined;
      if (r.stage === 0) {
        anyStart = r.time;
        if (names) namedStart = r.time;
      } else if (needsNamed) {
        anyStart = namedStart = bestStart(st.named[r.stage - 1]!, r.stage, r.time);
      } else {
        anyStart = bestStart(st.any[r.stage - 1]!, r.stage, r.time);
        namedStart = names ? anyStart : bestStart(st.named[r.stage - 1]!, r.stage, r.time);
      }
      if (anyStart !== undefined) add(st.any[r.stage]!, { time: r.time, start: anyStart });
      if (namedStart !== undefined) add(st.named[r.stage]!, { time: r.time, start: namedStart });
      if (r.stage === last && anyStart !== undefined) {
        const id = `${JSON.stringify(st.group)}\u0000${r.time}`;
        const seen = out.get(id);
        if (!seen || anyStart > seen.start) out.set(id, { group: st.group, start: anyStart, end: r.time });
      }
    }
  }
  return sortChains([...out.values()]);
}
