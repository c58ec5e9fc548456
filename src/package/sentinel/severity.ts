/**
 * Severities on Sentinel. Sentinel's AlertSeverity has four values (Informational, Low, Medium,
 * High; alertRules API 2023-02-01) and no Critical, so t1612's levels map as:
 *
 *     critical → High   (Sentinel's highest)
 *     high → High, medium → Medium, low → Low, informational → Informational
 *
 * A result whose tier's action is `risk` ("record a risk event only": schema/rule.schema.json,
 * "informational in Sentinel") is Informational whatever its level.
 *
 * Per-alert severity (alertDetailsOverride.alertSeverityColumnName) needs a column holding one of
 * those four words; the compiled query outputs the tier's name (`risk_tier`) or the correlation's
 * level (`correlation_level`), not a Sentinel severity, so the package appends one `extend` that
 * computes `t1612_severity` from them (query.ts).
 */
import type { Level } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { kqlString } from '../../backends/kql/escape.js';

export type SentinelSeverity = 'Informational' | 'Low' | 'Medium' | 'High';

export const SEVERITY_OF_LEVEL: Readonly<Record<Level, SentinelSeverity>> = {
  critical: 'High',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  informational: 'Informational',
};

/** The column the appended extend writes, named by alertSeverityColumnName. */
export const SEVERITY_COLUMN = 't1612_severity';

const ORDER: readonly SentinelSeverity[] = ['High', 'Medium', 'Low', 'Informational'];

/** The severity of a tier's results on Sentinel. */
export function tierSeverity(tier: { readonly level: Level; readonly action: 'alert' | 'risk' }): SentinelSeverity {
  return tier.action === 'risk' ? 'Informational' : SEVERITY_OF_LEVEL[tier.level];
}

/** Does every result of the detection record risk only (no tier alerts)? */
export function riskOnly(d: RuleIR | CorrelationIR): boolean {
  return 'kind' in d ? d.action === 'risk' : d.tiers.every((t) => t.action === 'risk');
}

/**
 * The KQL expression of a rule's per-result severity: the severity of the result's tier, read from
 * `risk_tier` (tier names are the compiled query's values). The default tier's severity is the
 * `case` default; a rule whose tiers all have one severity gets that literal.
 */
export function ruleSeverityExpression(rule: RuleIR): string {
  const byTier = rule.tiers.map((t) => ({ name: t.name, severity: tierSeverity(t) }));
  const fallback = tierSeverity(rule.tiers.find((t) => t.isDefault) ?? rule.tiers[rule.tiers.length - 1]!);
  const branches = ORDER.filter((s) => s !== fallback)
    .map((s) => ({ severity: s, names: byTier.filter((t) => t.severity === s).map((t) => t.name) }))
    .filter((b) => b.names.length > 0)
    .map((b) => `risk_tier in (${b.names.map(kqlString).join(', ')}), ${kqlString(b.severity)}`);
  return branches.length === 0 ? kqlString(fallback) : `case(${branches.join(', ')}, ${kqlString(fallback)})`;
}

/**
 * The KQL expression of a correlation's per-result severity, read from the result's own
 * `correlation_action` and `correlation_level` columns with the mapping above.
 */
export function correlationSeverityExpression(): string {
  const levels = (Object.keys(SEVERITY_OF_LEVEL) as Level[]).sort();
  const branches = ORDER.filter((s) => s !== 'Informational')
    .map((s) => ({ severity: s, levels: levels.filter((l) => SEVERITY_OF_LEVEL[l] === s) }))
    .map((b) => `correlation_level in (${b.levels.map(kqlString).join(', ')}), ${kqlString(b.severity)}`);
  return `case(correlation_action == "risk", "Informational", ${branches.join(', ')}, "Informational")`;
}
