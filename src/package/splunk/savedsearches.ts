/**
 * default/savedsearches.conf: the scheduled searches of the detections a profile runs.
 *
 * Per rule:
 * - `[t1612 - <rule> - Rule]`: the compiled SPL as it is (every line, provenance comments included),
 *   with a risk action for every result, whatever its tier;
 * - `[t1612 - <rule> - Notable]`, when some tier alerts: the compiled SPL followed by
 *   `| where risk_action="alert"`, with the notable action. A notable only for the results of `alert`
 *   tiers cannot be said in one stanza: an alert action applies to every triggering result (with
 *   `alert.digest_mode = 0`, to each one), and savedsearches.conf has no per-result condition on an
 *   action, only on the whole search (`alert_condition`). A second search over the same results,
 *   narrowed to the alerting ones, is the documented form; it has no risk action, so no result
 *   scores twice.
 * Per correlation, one stanza `[t1612 - <correlation> - Correlation]`: a correlation's results share
 * its one action, so the notable (for `action: alert`) and the risk action sit in the same stanza.
 *
 * Every stanza (savedsearches.conf.spec, Splunk Enterprise 9.0, "Scheduling options", "Notification
 * options", "alert suppression/severity/expiration/tracking/viewing settings"; the alerting settings
 * as in "Configure alerts in savedsearches.conf",
 * https://docs.splunk.com/Documentation/Splunk/6.3.0/Alert/Configuringalertsinsavedsearches.conf):
 * - `enableSched = 1`, `cron_schedule`: run on src/ir/schedule.ts's cron (a step that divides the hour or the day);
 * - `realtime_schedule = 0`: continuous scheduling, which "never skips scheduled execution periods"
 *   (the default, real-time scheduling, "might skip some execution periods", and a skipped run is a
 *   window no run reads); `schedule_window = 0`: start each run as close to its time as possible;
 * - `dispatch.earliest_time = -<lookback>s`, `dispatch.latest_time = now`: each run reads back
 *   every + chain span + ingestion lag (src/ir/schedule.ts says why that misses nothing);
 * - `counttype = number of events`, `relation = greater than`, `quantity = 0`: trigger when the
 *   search returns any result;
 * - `alert.digest_mode = 0`: apply the actions to each result, not once per run;
 * - `alert.suppress = 1`, `alert.suppress.fields`, `alert.suppress.period = <lookback>s`: throttle
 *   per result on its dedup key ("List of fields to use when suppressing per-result alerts. This
 *   field *must* be specified if the digest mode is disabled and suppression is enabled"), for as
 *   long as a later run can see the same result again;
 * - `alert.track = 1`: list each triggered result under Triggered Alerts, so the searches are useful
 *   without Enterprise Security too;
 * - `description`: the detection's description.
 * The Enterprise Security settings are es.ts's.
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { scheduleOf, type Schedule } from '../../ir/schedule.js';
import type { SplProfile } from '../../backends/spl/profiles.js';
import type { ConfSetting, ConfStanza } from './conf.js';
import { notableDescription, type AlertView } from './alert.js';
import type { DetectionColumns } from './columns.js';
import { correlationDomain, correlationMaxScore, correlationSearchSettings, notableSettings, riskSettings, ruleDomain, ruleMaxScore, type Drilldown } from './es.js';

export const NOTABLE_WHERE = '| where risk_action="alert"';

export function ruleStanzaName(rule: RuleIR): string {
  return `t1612 - ${rule.name} - Rule`;
}

export function notableStanzaName(rule: RuleIR): string {
  return `t1612 - ${rule.name} - Notable`;
}

export function correlationStanzaName(c: CorrelationIR): string {
  return `t1612 - ${c.name} - Correlation`;
}

export function detectionSchedule(d: RuleIR | CorrelationIR, profile: SplProfile): Schedule {
  return scheduleOf(d, profile.ingestionLag);
}

function scheduling(schedule: Schedule, columns: DetectionColumns, description: string): ConfSetting[] {
  return [
    { key: 'description', value: description },
    { key: 'enableSched', value: '1' },
    { key: 'cron_schedule', value: schedule.cron },
    { key: 'realtime_schedule', value: '0' },
    { key: 'schedule_window', value: '0' },
    { key: 'dispatch.earliest_time', value: `-${schedule.lookbackSeconds}s` },
    { key: 'dispatch.latest_time', value: 'now' },
    { key: 'counttype', value: 'number of events' },
    { key: 'relation', value: 'greater than' },
    { key: 'quantity', value: '0' },
    { key: 'alert.digest_mode', value: '0' },
    { key: 'alert.suppress', value: '1' },
    { key: 'alert.suppress.fields', value: columns.dedupKey.join(',') },
    { key: 'alert.suppress.period', value: `${schedule.lookbackSeconds}s` },
    { key: 'alert.track', value: '1' },
  ];
}

/** What every stanza of a detection shares. */
export interface DetectionStanzaInput {
  readonly search: string;
  readonly columns: DetectionColumns;
  readonly view: AlertView;
  readonly drilldown: Drilldown;
  readonly profile: SplProfile;
}

function scheduleComment(schedule: Schedule, columns: DetectionColumns): string {
  return `Runs every ${schedule.every} over the last ${schedule.lookbackSeconds}s (every ${schedule.everySeconds}s + chain span ${schedule.spanSeconds}s + ingestion lag ${schedule.ingestionLagSeconds}s); throttled per ${columns.dedupKey.join(', ')} for as long.`;
}

export function ruleStanzas(rule: RuleIR, input: DetectionStanzaInput): ConfStanza[] {
  const schedule = detectionSchedule(rule, input.profile);
  const base = scheduling(schedule, input.columns, rule.description);
  const risk: ConfStanza = {
    name: ruleStanzaName(rule),
    comments: [`Rule ${rule.name} (${rule.id}): ${rule.title}. Risk for every result.`, scheduleComment(schedule, input.columns)],
    settings: [{ key: 'search', value: input.search }, ...base, ...correlationSearchSettings(ruleStanzaName(rule), rule), ...riskSettings(input.view, ruleMaxScore(rule))],
  };
  const alertTiers = rule.tiers.filter((t) => t.action === 'alert');
  if (alertTiers.length === 0) return [risk];
  const notable: ConfStanza = {
    name: notableStanzaName(rule),
    comments: [`Rule ${rule.name}: a notable for the results of its alert tiers (${alertTiers.map((t) => t.name).join(', ')}).`],
    settings: [
      { key: 'search', value: `${input.search}\n${NOTABLE_WHERE}` },
      ...base,
      ...correlationSearchSettings(notableStanzaName(rule), rule),
      ...notableSettings(input.view, notableDescription(rule.description, input.view), ruleDomain(rule), rule.severity, input.drilldown),
    ],
  };
  return [risk, notable];
}

export function correlationStanza(c: CorrelationIR, input: DetectionStanzaInput): ConfStanza {
  const schedule = detectionSchedule(c, input.profile);
  return {
    name: correlationStanzaName(c),
    comments: [`Correlation ${c.name} (${c.id}): ${c.title}. Risk${c.action === 'alert' ? ' and a notable' : ''} for every result.`, scheduleComment(schedule, input.columns)],
    settings: [
      { key: 'search', value: input.search },
      ...scheduling(schedule, input.columns, c.description),
      ...correlationSearchSettings(correlationStanzaName(c), c),
      ...riskSettings(input.view, correlationMaxScore(c)),
      ...(c.action === 'alert' ? notableSettings(input.view, notableDescription(c.description, input.view), correlationDomain(c), c.level, input.drilldown) : []),
    ],
  };
}

/** The comment heading savedsearches.conf: what its settings do. */
export const SAVEDSEARCHES_LEGEND = [
  '',
  'One stanza per rule (risk for every result) and, for a rule with alert tiers, one more for its notables',
  '(the same search narrowed to risk_action="alert"); one stanza per correlation. The search is the compiled',
  'query, every line (a line ending in a backslash continues on the next).',
  'Schedule: cron_schedule, dispatch.earliest_time = -<every + chain span + ingestion lag>s, latest now;',
  'realtime_schedule = 0 so no run is skipped. Each result triggers (alert.digest_mode = 0) and is throttled',
  'on its dedup key (alert.suppress.fields: group column(s) and last-stage time) for the lookback.',
  'Enterprise Security: action.risk (risk objects from the alert entities: Host system, User user, others',
  'other), action.notable (title and description with $column$ tokens, drilldown search), and the',
  'correlation search settings with ATT&CK annotations.',
  'To change a setting, override it in local/savedsearches.conf; an app update replaces default/ only.',
];
