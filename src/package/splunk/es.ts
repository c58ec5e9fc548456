/**
 * Splunk Enterprise Security settings of a saved search (savedsearches.conf), what each means, and
 * where that is documented.
 *
 * Correlation search (ES ≥ 4.6 keeps correlation searches in savedsearches.conf, "Upgrade correlation
 * searches in Splunk Enterprise Security", https://docs.splunk.com/Documentation/ES/7.0.0/Admin/Upgradecorrelationsearches):
 * - `action.correlationsearch.enabled = 1`: the stanza is an ES correlation search (listed in Content
 *   Management, its notables in Incident Review);
 * - `action.correlationsearch.label`: its name in ES;
 * - `action.correlationsearch.annotations`: JSON of framework → values. `mitre_attack` is a managed
 *   framework (technique ids); other keys are "unmanaged annotations … custom annotations" ("Add
 *   annotations to enrich correlation search results",
 *   https://docs.splunk.com/Documentation/ES/7.1.0/Usecases/AddAnnotations): the ATT&CK detection
 *   strategy (DET…) and analytics (AN…) go there.
 *
 * Notable event action ("notable" adaptive response; the keys as the splunk.es Ansible collection
 * maps them, https://docs.ansible.com/ansible/3/collections/splunk/es/adaptive_response_notable_event_module.html,
 * and as Splunk's contentctl writes them, splunk/contentctl output/templates/savedsearches_detections.j2):
 * - `action.notable = 1`: create a notable event per triggering result;
 * - `action.notable.param.rule_title` / `rule_description`: the notable's title and description;
 *   `$field$` tokens are filled from the result;
 * - `action.notable.param.security_domain`: one of access, endpoint, network, threat, identity, audit;
 * - `action.notable.param.severity`: informational, low, medium, high or critical;
 * - `action.notable.param.drilldown_searches`: JSON list of {name, search, earliest_offset,
 *   latest_offset}, the searches an analyst runs from the notable ("Investigate notables using
 *   drilldown searches", https://docs.splunk.com/Documentation/ES/7.3.0/Admin/Usedrilldownsearches);
 *   `$info_min_time$` / `$info_max_time$` are the triggering search's time range.
 *
 * Risk analysis action ("risk" adaptive response: "when the correlation search finds events, it
 * creates risk events in the risk index", https://docs.splunk.com/Documentation/ES/7.1.0/RBA/CreateRiskMessage):
 * - `action.risk = 1`;
 * - `action.risk.param._risk`: JSON list of {risk_object_field, risk_object_type, risk_score}, one
 *   per risk object: the result column naming it, its type (system, user or other: "Splunk
 *   Enterprise Security classifies a device as a system, a user as a user, and unrecognized devices
 *   or users as other", https://docs.splunk.com/Documentation/ES/7.2.0/RBA/Analyzerisk) and the score
 *   added to it;
 * - `action.risk.param._risk_message`: the risk event's message, with `$field$` tokens.
 *
 * The documented `_risk` score is a number per risk object, not a column, so a detection's score
 * there is its highest: a rule's is the sum of its signal weights (every weight is positive, so that
 * is the score of a result where every signal holds); a correlation's, the sum over its stages of the
 * highest score of a stage rule. Each result's own `risk_score` (a rule's sum of the weights that
 * hold) stays a column of the result.
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { CanonicalField, Level, LogsourceCategory } from '../../model/types.js';
import type { ConfSetting } from './conf.js';
import type { AlertEntity, AlertView } from './alert.js';

export type SecurityDomain = 'endpoint' | 'network' | 'threat';

// Kubernetes audit events are API activity on the cluster, which ES files under its threat domain
// (none of ES's access/endpoint/network/identity/audit domains is about workloads).
const DOMAIN: Readonly<Record<LogsourceCategory, SecurityDomain>> = { process_creation: 'endpoint', file_event: 'endpoint', network_connection: 'network', k8s_audit: 'threat' };

export function ruleDomain(rule: RuleIR): SecurityDomain {
  return DOMAIN[rule.logsource.category];
}

/** A chain over one domain's events is in that domain; a chain across domains is a threat. */
export function correlationDomain(c: CorrelationIR): SecurityDomain {
  const domains = new Set(c.stages.flatMap((s) => s.rules.map(ruleDomain)));
  return domains.size === 1 ? [...domains][0]! : 'threat';
}

export function ruleMaxScore(rule: RuleIR): number {
  return rule.signals.reduce((a, s) => a + s.weight, 0);
}

export function correlationMaxScore(c: CorrelationIR): number {
  return c.stages.reduce((a, s) => a + Math.max(...s.rules.map(ruleMaxScore)), 0);
}

function riskObjectType(field: CanonicalField): 'system' | 'user' | 'other' {
  return field === 'Host' ? 'system' : field === 'User' ? 'user' : 'other';
}

export function riskSettings(view: AlertView, score: number): ConfSetting[] {
  const objects = view.entities.map((e: AlertEntity) => ({ risk_object_field: e.column, risk_object_type: riskObjectType(e.field), risk_score: score }));
  return [
    { key: 'action.risk', value: '1' },
    { key: 'action.risk.param._risk', value: JSON.stringify(objects) },
    { key: 'action.risk.param._risk_message', value: view.message },
  ];
}

export interface Drilldown {
  readonly name: string;
  readonly search: string;
}

export function notableSettings(view: AlertView, description: string, domain: SecurityDomain, severity: Level, drilldown: Drilldown): ConfSetting[] {
  const searches = [{ name: drilldown.name, search: drilldown.search, earliest_offset: '$info_min_time$', latest_offset: '$info_max_time$' }];
  return [
    { key: 'action.notable', value: '1' },
    { key: 'action.notable.param.rule_title', value: view.message },
    { key: 'action.notable.param.rule_description', value: description },
    { key: 'action.notable.param.security_domain', value: domain },
    { key: 'action.notable.param.severity', value: severity },
    { key: 'action.notable.param.drilldown_searches', value: JSON.stringify(searches) },
  ];
}

export function correlationSearchSettings(label: string, d: Pick<RuleIR, 'attack'>): ConfSetting[] {
  const annotations = { mitre_attack: [d.attack.technique], mitre_attack_detection_strategy: [d.attack.strategy], mitre_attack_analytic: [...d.attack.analytics] };
  return [
    { key: 'action.correlationsearch.enabled', value: '1' },
    { key: 'action.correlationsearch.label', value: label },
    { key: 'action.correlationsearch.annotations', value: JSON.stringify(annotations) },
  ];
}
