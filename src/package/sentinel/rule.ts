/**
 * One detection as a Sentinel Scheduled analytics rule, independent of how it is written out (ARM in
 * arm.ts, the Azure-Sentinel YAML in yaml.ts): every property, computed once from the IR and the
 * profile's compiled query. Every name the alert uses is checked to be a column the compiled query
 * outputs (src/package/outputs.ts); a name that is not, or a documented Sentinel limit a detection
 * exceeds, is an error at the detection's file and the rule is not built.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { LogsourceCategory } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { KqlProfile } from '../../backends/kql/profiles.js';
import { correlationColumns, lineageErrors, ruleColumns } from '../outputs.js';
import { sentinelRuleId } from './uuid.js';
import { SEVERITY_OF_LEVEL, riskOnly, type SentinelSeverity } from './severity.js';
import { sentinelTactics, sentinelTechniques } from './tactics.js';
import { entityMappings, type EntityMapping } from './entities.js';
import { customDetails } from './details.js';
import { alertDetailsOverride, type AlertDetailsOverride } from './message.js';
import { sentinelSchedule } from './schedule.js';
import { incidentConfiguration, suppression, type IncidentSettings } from './incident.js';
import { requiredDataConnectors, type DataConnector } from './connectors.js';
import { ruleQuery, type RuleQuery } from './query.js';

export interface SentinelRule {
  /** The detection's name (file names). */
  readonly name: string;
  /** Its source file. */
  readonly file: string;
  /** The analytics rule's resource name: a name-based UUID of the detection's id (uuid.ts). */
  readonly ruleId: string;
  readonly displayName: string;
  readonly description: string;
  readonly severity: SentinelSeverity;
  readonly enabled: boolean;
  readonly query: RuleQuery;
  readonly queryFrequency: string;
  readonly queryPeriod: string;
  readonly frequencySeconds: number;
  readonly periodSeconds: number;
  readonly triggerOperator: 'GreaterThan';
  readonly triggerThreshold: number;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly entityMappings: readonly EntityMapping[];
  readonly customDetails: readonly (readonly [string, string])[];
  readonly alertDetailsOverride: AlertDetailsOverride;
  readonly aggregationKind: 'AlertPerResult';
  readonly incidentConfiguration: IncidentSettings;
  readonly suppressionEnabled: boolean;
  readonly suppressionDuration: string;
  readonly requiredDataConnectors: readonly DataConnector[];
}

/** The log sources a detection's query reads on the profile. */
function categoriesOf(d: RuleIR | CorrelationIR, profile: KqlProfile): LogsourceCategory[] {
  const all = 'kind' in d ? d.stages.flatMap((s) => s.rules.map((r) => r.logsource.category)) : [d.logsource.category];
  return [...new Set(all)].filter((c) => profile.fields[c] !== undefined && profile.tables[c] !== undefined).sort();
}

export function sentinelRule(d: RuleIR | CorrelationIR, profile: KqlProfile, compiledText: string, armFile: string): { rule?: SentinelRule; diagnostics: Diagnostic[] } {
  const lookup = 'kind' in d ? correlationColumns(d, profile, compiledText, 'kql') : ruleColumns(d, profile, compiledText, 'kql');
  const lineage = lineageErrors(d, lookup, profile.id);
  if (lineage.length) return { diagnostics: lineage };

  const at = { line: 1, column: 1 };
  const diagnostics: Diagnostic[] = [];
  const error = (problem: string, hint: string) =>
    diagnostics.push(diagnostic(d.file, at, 'error', 'sentinel-limit', `${d.name} on Sentinel (profile ${profile.id}): ${problem}`, hint));

  const schedule = sentinelSchedule(d, profile);
  for (const p of schedule.problems) error(p, "set the detection's schedule.every so that every and every + span + ingestion lag lie within 5m and 14d");
  const { tactics, unknown } = sentinelTactics(d.attack.tactics);
  for (const t of unknown)
    diagnostics.push(diagnostic(d.file, at, 'warning', 'sentinel-tactic', `ATT&CK tactic ${t} has no Sentinel tactic; ${d.name} is packaged without it`, 'map the tactic in src/package/sentinel/tactics.ts'));
  const entities = entityMappings(d, lookup);
  for (const p of entities.problems) error(p, 'name fewer entities in alert.entities');
  const details = customDetails(d, lookup, profile.timeColumn);
  for (const p of details.problems) error(p, 'name fewer outputs in alert.details');
  const override = alertDetailsOverride(d, lookup);
  for (const p of override.problems) error(p, 'use at most three {name} tokens in alert.message');
  const incident = incidentConfiguration(schedule.schedule.lookbackSeconds, details.dedupKeys, !riskOnly(d));
  for (const p of incident.problems) error(p, "shorten the detection's schedule or chain windows");
  const query = ruleQuery(d, compiledText, armFile);
  for (const p of query.problems) error(p, 'shorten the rule');
  const categories = categoriesOf(d, profile);
  const connectors = requiredDataConnectors(categories, profile);
  for (const t of connectors.unknownTables)
    diagnostics.push(diagnostic(d.file, at, 'note', 'sentinel-connector', `no Sentinel data connector is known for table ${t}; ${d.name}'s requiredDataConnectors omit it`, 'list its connector in src/package/sentinel/connectors.ts'));
  if (diagnostics.some((x) => x.severity === 'error')) return { diagnostics };

  const off = suppression(schedule.schedule.lookbackSeconds);
  return {
    diagnostics,
    rule: {
      name: d.name,
      file: d.file,
      ruleId: sentinelRuleId(d.id),
      displayName: d.title,
      description: d.description.trim(),
      severity: SEVERITY_OF_LEVEL[d.severity],
      enabled: true,
      query,
      queryFrequency: schedule.queryFrequency,
      queryPeriod: schedule.queryPeriod,
      frequencySeconds: schedule.schedule.everySeconds,
      periodSeconds: schedule.schedule.lookbackSeconds,
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
      tactics,
      techniques: sentinelTechniques(d.attack.technique),
      entityMappings: entities.mappings,
      customDetails: details.details,
      alertDetailsOverride: override.override,
      aggregationKind: 'AlertPerResult',
      incidentConfiguration: incident.incident,
      suppressionEnabled: off.suppressionEnabled,
      suppressionDuration: off.suppressionDuration,
      requiredDataConnectors: connectors.connectors,
    },
  };
}
