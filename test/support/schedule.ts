/**
 * Scheduled runs of a compiled correlation over a stream whose events arrive late, as Splunk's
 * scheduler and Sentinel's run it: a run at time r reads the events whose time is in
 * [r - lookback, r) (Splunk's earliest is inclusive, latest exclusive) and that have arrived by r (time + delay <= r), and alerts on each result whose
 * dedup key it has not alerted on within the last `lookback` (Splunk throttling with
 * alert.suppress.period = lookback; on Sentinel, alerts of one key grouped into one incident).
 */
import type { ChainResult, TimedEvent } from '../../src/ir/correlation.js';
import type { Schedule } from '../../src/ir/schedule.js';

export interface LateEvent extends TimedEvent {
  /** Seconds after its own time at which the event can be searched. */
  readonly delay: number;
}

export interface Alert {
  readonly run: number;
  readonly key: string;
  readonly result: ChainResult;
}

/** The dedup key of a result: its group values and last-stage time (src/ir/schedule.ts says why not the start). */
export function dedupKey(r: ChainResult): string {
  return `${JSON.stringify(Object.entries(r.group).sort())}@${r.end}`;
}

/**
 * Runs at first, first + every, … through `until`; `query` is the compiled correlation run over the
 * events one run sees.
 */
export function runSchedule(stream: readonly LateEvent[], schedule: Schedule, first: number, until: number, query: (events: readonly TimedEvent[]) => readonly ChainResult[]): Alert[] {
  const alerts: Alert[] = [];
  const lastAlert = new Map<string, number>();
  for (let run = first; run <= until; run += schedule.everySeconds) {
    const seen = stream.filter((e) => e.time >= run - schedule.lookbackSeconds && e.time < run && e.time + e.delay <= run);
    for (const result of query(seen)) {
      const key = dedupKey(result);
      const prev = lastAlert.get(key);
      if (prev !== undefined && run - prev < schedule.lookbackSeconds) continue;
      lastAlert.set(key, run);
      alerts.push({ run, key, result });
    }
  }
  return alerts;
}
