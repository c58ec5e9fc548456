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
 */
import type { CanonicalField, Level, MetadataModel, TierAction } from '../model/types.js';
import { detectionMetadata, type DetectionMetadata, type RuleIR } from './nodes.js';
import { compileRule, type CanonicalEvent, type EvaluateOptions } from './evaluate.js';

export interface CorrelationModel extends MetadataModel {
  correlation: {
    groupBy: CanonicalField[];
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
 * (fields it carries, placeholders); a stage rule sees only events of its own log source.
 */
export function correlate(
  c: CorrelationIR,
  stream: readonly TimedEvent[],
  optsFor: (category: string) => EvaluateOptions | undefined = () => ({}),
  windows: WindowReading = 'per-stage',
): ChainResult[] {
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
  // Which stages each event fills, and its group key.
  const rows: { time: number; stages: number[]; key: string; group: Record<string, string> }[] = [];
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
    const stages: number[] = [];
    c.stages.forEach((s, k) => {
      if (s.rules.some((r) => r.logsource.category === te.category && compiledFor(r)?.evaluate(te.event).matched)) stages.push(k);
    });
    if (stages.length) rows.push({ time: te.time, stages, key: JSON.stringify(c.groupBy.map((f) => group[f])), group });
  }
  // Time order; at one instant, earlier stages first (an event at t may continue a chain at t).
  const expanded = rows.flatMap((r) => r.stages.map((k) => ({ ...r, stage: k })));
  expanded.sort((a, b) => a.time - b.time || a.stage - b.stage);
  const latest = new Map<string, { time: number; start: number }[]>();
  const out = new Map<string, ChainResult>();
  for (const r of expanded) {
    let per = latest.get(r.key);
    if (!per) latest.set(r.key, (per = []));
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
    if (r.stage === c.stages.length - 1) out.set(`${r.key}\u0000${r.time}`, { group: r.group, start, end: r.time });
  }
  return sortChains([...out.values()]);
}
