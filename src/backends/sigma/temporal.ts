/**
 * Sigma's `temporal_ordered` correlation as this project reads it (semantics.md §3.5, G-corr: "all
 * referenced rules must fire within timespan with equal group-by values", "in the order of rules";
 * the window "should not be restricted to boundaries", so it slides):
 *
 * - A chain is stage events e1 … en (ek an event of the k-th referenced rule) with equal group
 *   values, t(e1) <= … <= t(en), and t(en) - t(e1) <= timespan. Ties are allowed and the same record
 *   may fill several stages [inferred: the spec says nothing of equal times; "in order" is read as
 *   "not earlier"]. The timespan bound is inclusive [inferred: the spec's "within"; the project's
 *   windows are inclusive too].
 * - The correlation gives one result per group and time t for which a chain ends at an event at t;
 *   its start is the latest t(e1) among the chains ending there.
 *
 * Events arrive already grouped (the caller reads group-by values); the search is per group.
 */

/** One record that fills one or more stages (0-based, in `rules` order) of one group. */
export interface StageEvent {
  readonly time: number;
  readonly stages: readonly number[];
  /** Equal keys = equal group-by values. */
  readonly group: string;
}

export interface TemporalChain {
  readonly group: string;
  /** Time of the latest first-stage event of a chain ending at `end`. */
  readonly start: number;
  readonly end: number;
}

/** A stage event that ends a partial chain (stages 1..k) starting at `start`, the latest such. */
interface Reach {
  readonly time: number;
  readonly start: number;
}

/**
 * Stage k's events that end a partial chain, given stage k-1's. A stage-k event at t may follow any
 * stage-(k-1) event at or before t; the one with the latest start is best, since a later start only
 * shortens the span. So one sweep in time order keeps the running latest start of the previous stage.
 */
function nextStage(previous: readonly Reach[], times: readonly number[], timespan: number): Reach[] {
  const out: Reach[] = [];
  let i = 0;
  let best = -Infinity;
  for (const t of times) {
    while (i < previous.length && previous[i]!.time <= t) best = Math.max(best, previous[i++]!.start);
    if (best !== -Infinity && t - best <= timespan) out.push({ time: t, start: best });
  }
  return out;
}

/** The chains of one group's events (any order) over `stageCount` stages. */
function groupChains(events: readonly StageEvent[], stageCount: number, timespan: number): Reach[] {
  const timesOf = (k: number) => events.filter((e) => e.stages.includes(k)).map((e) => e.time).sort((a, b) => a - b);
  let reach: Reach[] = timesOf(0).map((t) => ({ time: t, start: t }));
  for (let k = 1; k < stageCount && reach.length; k++) reach = nextStage(reach, timesOf(k), timespan);
  // Several last-stage events at one time give one result, with the latest start among them.
  const byEnd = new Map<number, number>();
  for (const r of reach) byEnd.set(r.time, Math.max(byEnd.get(r.time) ?? -Infinity, r.start));
  return [...byEnd].map(([time, start]) => ({ time, start }));
}

export function temporalOrderedChains(events: readonly StageEvent[], stageCount: number, timespan: number): TemporalChain[] {
  const byGroup = new Map<string, StageEvent[]>();
  for (const e of events) {
    let list = byGroup.get(e.group);
    if (!list) byGroup.set(e.group, (list = []));
    list.push(e);
  }
  return [...byGroup].flatMap(([group, list]) => groupChains(list, stageCount, timespan).map((r) => ({ group, start: r.start, end: r.time })));
}
