/**
 * `arm/<name>.json`: an ARM deployment template of one Scheduled analytics rule, in the form
 * Sentinel exports rules (import-export-analytics-rules.md): a `workspace` parameter and a resource
 * of type Microsoft.OperationalInsights/workspaces/providers/alertRules named
 * `<workspace>/Microsoft.SecurityInsights/<rule id>`, kind Scheduled, API 2023-02-01. The rule id is
 * name-based (uuid.ts), so deploying again updates the rule.
 *
 * When the compiled query is longer than Sentinel's 10,000 characters (query.ts), the template also
 * deploys it as a workspace function (Microsoft.OperationalInsights/workspaces/savedSearches with a
 * function alias; etag `*` so a redeploy overwrites it), and the rule depends on it.
 *
 * requiredDataConnectors is not a property of a rule in the alertRules API (only of rule templates),
 * so it goes in the template's metadata with the generator and the source file. ARM evaluates a
 * string that starts with `[` and ends with `]` as an expression; such a value of the rule's own
 * text is written with `[[`, ARM's escape for a literal bracket.
 */
import type { JsonValue } from './json.js';
import { stableJson } from './json.js';
import { ALERT_RULES_API_VERSION, ARM_SCHEMA, SAVED_SEARCHES_API_VERSION } from './limits.js';
import type { SentinelRule } from './rule.js';

/** Escape literal strings that ARM would read as expressions, everywhere in a value. */
export function armLiteral(value: JsonValue): JsonValue {
  if (typeof value === 'string') return /^\[[\s\S]*\]$/.test(value) ? `[${value}` : value;
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(armLiteral);
  if (value !== null && typeof value === 'object') {
    const obj = value as { readonly [key: string]: JsonValue };
    return Object.fromEntries(Object.keys(obj).map((k) => [k, armLiteral(obj[k]!)]));
  }
  return value;
}

/** An ARM string literal inside an expression: single-quoted, quotes doubled. */
function armString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export const WORKSPACE_PARAMETER: JsonValue = {
  workspace: { type: 'string', metadata: { description: 'The name of the Log Analytics workspace Microsoft Sentinel runs on' } },
};

/** The rule's properties (ScheduledAlertRuleProperties, API 2023-02-01). */
export function ruleProperties(rule: SentinelRule): JsonValue {
  return armLiteral({
    displayName: rule.displayName,
    description: rule.description,
    severity: rule.severity,
    enabled: rule.enabled,
    query: rule.query.query,
    queryFrequency: rule.queryFrequency,
    queryPeriod: rule.queryPeriod,
    triggerOperator: rule.triggerOperator,
    triggerThreshold: rule.triggerThreshold,
    suppressionDuration: rule.suppressionDuration,
    suppressionEnabled: rule.suppressionEnabled,
    tactics: [...rule.tactics],
    techniques: [...rule.techniques],
    entityMappings: rule.entityMappings.map((m) => ({ entityType: m.entityType, fieldMappings: m.fieldMappings.map((f) => ({ identifier: f.identifier, columnName: f.columnName })) })),
    customDetails: Object.fromEntries(rule.customDetails.map(([k, c]) => [k, c])),
    alertDetailsOverride: { ...rule.alertDetailsOverride },
    eventGroupingSettings: { aggregationKind: rule.aggregationKind },
    incidentConfiguration: {
      createIncident: rule.incidentConfiguration.createIncident,
      groupingConfiguration: {
        ...rule.incidentConfiguration.groupingConfiguration,
        groupByEntities: [...rule.incidentConfiguration.groupingConfiguration.groupByEntities],
        groupByAlertDetails: [...rule.incidentConfiguration.groupingConfiguration.groupByAlertDetails],
        groupByCustomDetails: [...rule.incidentConfiguration.groupingConfiguration.groupByCustomDetails],
      },
    },
  });
}

export function armTemplate(rule: SentinelRule, generator: string): string {
  const resources: JsonValue[] = [];
  const dependsOn: string[] = [];
  if (rule.query.fn) {
    const { alias, body } = rule.query.fn;
    resources.push({
      type: 'Microsoft.OperationalInsights/workspaces/savedSearches',
      apiVersion: SAVED_SEARCHES_API_VERSION,
      name: `[concat(parameters('workspace'), '/', ${armString(alias)})]`,
      etag: '*',
      properties: armLiteral({ category: 't1612', displayName: alias, functionAlias: alias, query: body, version: 2 }),
    });
    dependsOn.push(`[resourceId('Microsoft.OperationalInsights/workspaces/savedSearches', parameters('workspace'), ${armString(alias)})]`);
  }
  resources.push({
    type: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
    apiVersion: ALERT_RULES_API_VERSION,
    name: `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', ${armString(rule.ruleId)})]`,
    kind: 'Scheduled',
    ...(dependsOn.length ? { dependsOn } : {}),
    properties: ruleProperties(rule),
  });
  return stableJson({
    $schema: ARM_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: armLiteral({
      generator,
      source: rule.file,
      detection: rule.name,
      requiredDataConnectors: rule.requiredDataConnectors.map((c) => ({ connectorId: c.connectorId, dataTypes: [...c.dataTypes] })),
    }),
    parameters: WORKSPACE_PARAMETER,
    resources,
  });
}
