/**
 * The "Schedule" section: how often the detection runs and how far back it reads (src/ir/schedule.ts,
 * with the default ingestion lag; a profile's `ingestionLag` lengthens the lookback on that profile).
 */
import { DEFAULT_INGESTION_LAG, isoDuration, scheduleOf, type ScheduleEvery } from '../ir/schedule.js';
import { bullet, code, duration } from './markdown.js';

export function scheduleSection(detection: { readonly spanSeconds?: number; readonly schedule?: { readonly every?: ScheduleEvery } }): string {
  const s = scheduleOf(detection);
  const written = detection.schedule?.every !== undefined;
  const span = s.spanSeconds ? ` + chain span ${duration(s.spanSeconds)}` : '';
  return [
    '## Schedule',
    [
      bullet(`**Runs every** ${s.every}${written ? '' : ' (the default)'}: Splunk cron ${code(s.cron)}, Sentinel queryFrequency ${code(isoDuration(s.everySeconds))}.`),
      bullet(`**Looks back** ${duration(s.lookbackSeconds)} (${code(isoDuration(s.lookbackSeconds))}) = every ${s.every}${span} + ingestion lag ${duration(s.ingestionLagSeconds)}.`),
    ].join('\n'),
    `The ingestion lag is the default (${DEFAULT_INGESTION_LAG}), how late an event may arrive after its own time; a profile that sets ${code('ingestionLag')} lengthens the lookback there. ` +
      'Consecutive runs then see every result at least once; the packages `t1612 package` builds throttle (Splunk) or group (Sentinel) alerts on the result\'s dedup key, so a result alerts once.',
  ].join('\n\n');
}
