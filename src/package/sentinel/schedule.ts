/**
 * When a detection runs on Sentinel: queryFrequency is src/ir/schedule.ts's `every` and queryPeriod
 * its lookback (every + chain span + the profile's ingestion lag), as ISO 8601 durations (ARM) and in
 * the Azure-Sentinel repository's short form (`5m`, `1h`, `1d`). Both must lie within Sentinel's
 * documented 5 minutes … 14 days, and the frequency must not exceed the period (limits.ts); a
 * detection outside is an error.
 */
import type { ProfileBase } from '../../backends/types.js';
import { isoDuration, scheduleOf, type Schedule } from '../../ir/schedule.js';
import { MAX_SCHEDULE_SECONDS, MIN_SCHEDULE_SECONDS } from './limits.js';

export interface SentinelSchedule {
  readonly schedule: Schedule;
  readonly queryFrequency: string;
  readonly queryPeriod: string;
  readonly problems: readonly string[];
}

/** Seconds in the largest of d, h, m, s that divides them: 300 → 5m, 4200 → 70m, 86400 → 1d. */
export function shortDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

export function sentinelSchedule(d: { readonly spanSeconds?: number; readonly schedule?: Parameters<typeof scheduleOf>[0]['schedule'] }, profile: ProfileBase): SentinelSchedule {
  const schedule = scheduleOf(d, profile.ingestionLag);
  const problems: string[] = [];
  const bounds = `Sentinel allows ${shortDuration(MIN_SCHEDULE_SECONDS)} to ${shortDuration(MAX_SCHEDULE_SECONDS)}`;
  for (const [what, s] of [['queryFrequency', schedule.everySeconds], ['queryPeriod', schedule.lookbackSeconds]] as const)
    if (s < MIN_SCHEDULE_SECONDS || s > MAX_SCHEDULE_SECONDS) problems.push(`${what} ${shortDuration(s)} is outside ${bounds}`);
  if (schedule.everySeconds > schedule.lookbackSeconds) problems.push('queryFrequency exceeds queryPeriod');
  return { schedule, queryFrequency: isoDuration(schedule.everySeconds), queryPeriod: isoDuration(schedule.lookbackSeconds), problems };
}
