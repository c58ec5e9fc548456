/**
 * What a rule does with its alerts: one alert per result, grouped into incidents by dedup key, and
 * no suppression.
 *
 * - eventGroupingSettings AlertPerResult ("Trigger an alert for each event"): each result is its own
 *   alert with its own entities and details. A run raises at most 150 alerts; past that the 150th
 *   summarises the rest (scheduled-rules-overview.md, "Event grouping").
 * - incidentConfiguration: overlapping runs (queryPeriod > queryFrequency, src/ir/schedule.ts) see a
 *   result again and alert on it again. Alert grouping (scheduled-rules-overview.md, "Alert
 *   grouping") adds alerts to an existing incident when "the selected entities and details match"
 *   (matchingMethod Selected) within its time frame: the package selects the dedup-key custom
 *   details (details.ts: group values and last-stage time) and sets the time frame
 *   (lookbackDuration) to the query period, the longest a result stays visible to later runs, so
 *   every alert of one result lands in one incident. The time frame must lie within 5 minutes …
 *   7 days (limits.ts). reopenClosedIncident is false (the default): an incident an analyst closed
 *   is not reopened; a later run that still sees the result opens a new one.
 *   A detection that only records risk (every tier `risk`, or a correlation with action risk) creates
 *   no incidents: its alerts are Informational records, as Splunk's risk-only results raise no notable.
 * - Suppression is off. Sentinel's suppression ("Stop running query after alert is generated")
 *   stops the whole rule for the duration after any alert, so the results of every other host or
 *   chain in that time would be lost; deduplication is the incident grouping above.
 *   suppressionDuration is a required property of the API even when off; it is set to the query
 *   period capped at Sentinel's 24 hours, the one value that would make sense if someone turned it on.
 */
import { isoDuration } from '../../ir/schedule.js';
import { MAX_GROUPING_SECONDS, MAX_SUPPRESSION_SECONDS, MIN_GROUPING_SECONDS } from './limits.js';
import { shortDuration } from './schedule.js';

export interface GroupingConfiguration {
  readonly enabled: boolean;
  readonly reopenClosedIncident: boolean;
  readonly lookbackDuration: string;
  readonly matchingMethod: 'Selected' | 'AllEntities';
  readonly groupByEntities: readonly string[];
  readonly groupByAlertDetails: readonly string[];
  readonly groupByCustomDetails: readonly string[];
}

export interface IncidentSettings {
  readonly createIncident: boolean;
  readonly groupingConfiguration: GroupingConfiguration;
}

export function incidentConfiguration(lookbackSeconds: number, dedupKeys: readonly string[], createIncident: boolean): { incident: IncidentSettings; problems: string[] } {
  const problems: string[] = [];
  if (lookbackSeconds < MIN_GROUPING_SECONDS || lookbackSeconds > MAX_GROUPING_SECONDS)
    problems.push(`alert grouping over the query period ${shortDuration(lookbackSeconds)} is outside Sentinel's ${shortDuration(MIN_GROUPING_SECONDS)} to ${shortDuration(MAX_GROUPING_SECONDS)}`);
  if (dedupKeys.length === 0) problems.push('no dedup key column (host or time) is output, so alerts of one result cannot be grouped into one incident');
  return {
    incident: {
      createIncident,
      groupingConfiguration: {
        enabled: true,
        reopenClosedIncident: false,
        lookbackDuration: isoDuration(lookbackSeconds),
        matchingMethod: dedupKeys.length > 0 ? 'Selected' : 'AllEntities',
        groupByEntities: [],
        groupByAlertDetails: [],
        groupByCustomDetails: dedupKeys,
      },
    },
    problems,
  };
}

export function suppression(lookbackSeconds: number): { readonly suppressionEnabled: false; readonly suppressionDuration: string } {
  return { suppressionEnabled: false, suppressionDuration: isoDuration(Math.min(lookbackSeconds, MAX_SUPPRESSION_SECONDS)) };
}
