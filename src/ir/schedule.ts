/**
 * When a detection runs and how far back it reads, so that consecutive runs can neither miss nor
 * double a result (issue #6 §1).
 *
 * - `every`: how often it runs (the rule's `schedule.every`, default 5m). The values are those both
 *   schedulers state exactly: a Splunk cron step that divides the hour or the day, and a Sentinel
 *   queryFrequency of at least 5 minutes.
 * - `lookback` = every + span + ingestion lag. `span` is the detection's full chain span (the sum of
 *   its windows; 0 for a plain rule); the ingestion lag (the profile's `ingestionLag`, default 5m) is
 *   how late an event may arrive after its own time.
 *
 * Why that is enough: a result is complete once its last event has arrived, at most `lag` after its
 * end time. The first run at or after that moment (at most `every` later) reads back to
 * run - lookback <= end + lag + every - lookback = end - span <= start, so it sees every event of
 * the result. Later runs may see it again; the result's dedup key (the detection, its group values
 * and its first event's time) is throttled for `lookback` on Splunk and groups alerts into one
 * incident on Sentinel, so it alerts once. test/agreement/schedule.test.ts runs consecutive windows
 * over streams with late events and checks exactly that.
 */
import { durationSeconds } from './correlation.js';

/** Durations a schedule may use: Splunk cron steps (dividing 60 minutes or 24 hours), each >= 5m (Sentinel's minimum). */
export const SCHEDULE_EVERY = ['5m', '10m', '15m', '20m', '30m', '1h', '2h', '3h', '4h', '6h', '8h', '12h', '24h'] as const;
export type ScheduleEvery = (typeof SCHEDULE_EVERY)[number];

export const DEFAULT_EVERY: ScheduleEvery = '5m';
export const DEFAULT_INGESTION_LAG = '5m';

export interface Schedule {
  readonly every: ScheduleEvery;
  readonly everySeconds: number;
  /** The chain's full span (sum of its windows); 0 for a plain rule. */
  readonly spanSeconds: number;
  readonly ingestionLagSeconds: number;
  /** every + span + lag. */
  readonly lookbackSeconds: number;
  /** Splunk `cron_schedule` (minute hour day month weekday). */
  readonly cron: string;
}

export function scheduleOf(detection: { readonly spanSeconds?: number; readonly schedule?: { readonly every?: ScheduleEvery } }, ingestionLag: string = DEFAULT_INGESTION_LAG): Schedule {
  const every = detection.schedule?.every ?? DEFAULT_EVERY;
  const everySeconds = durationSeconds(every);
  const spanSeconds = detection.spanSeconds ?? 0;
  const ingestionLagSeconds = durationSeconds(ingestionLag);
  return { every, everySeconds, spanSeconds, ingestionLagSeconds, lookbackSeconds: everySeconds + spanSeconds + ingestionLagSeconds, cron: cronOf(everySeconds) };
}

/** A cron step that divides the hour or the day: every 5 minutes, every 2 hours, daily at midnight. */
export function cronOf(seconds: number): string {
  const minutes = seconds / 60;
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = minutes / 60;
  return hours === 24 ? '0 0 * * *' : hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
}

/** An ISO 8601 duration as Sentinel's queryFrequency and queryPeriod take it: PT5M, PT1H30M, P1DT2H. */
export function isoDuration(seconds: number): string {
  if (seconds === 0) return 'PT0S';
  const d = Math.floor(seconds / 86400);
  let rest = seconds % 86400;
  const h = Math.floor(rest / 3600);
  rest %= 3600;
  const m = Math.floor(rest / 60);
  const s = rest % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}
