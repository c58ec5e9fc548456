/**
 * alertDetailsOverride: the alert's name and description from the detection's `alert.message`, whose
 * `{name}` tokens become Sentinel's `{{column}}` parameters (the output column that shows `name` on
 * the profile, src/package/outputs.ts), and the per-alert severity column (severity.ts).
 *
 * Sentinel allows at most three parameters each in the Alert Name Format and the Alert Description
 * Format (limits.ts); a message with more is an error at the detection's file. A detection without a
 * message gets `<title>: {risk_tier} on {Host} by {User}` (a correlation: `<title> ({<group>})`),
 * keeping the names its query outputs and at most three of them. The description format is the
 * message followed by the detection's description.
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { ColumnLookup } from '../outputs.js';
import { MAX_FORMAT_PARAMETERS } from './limits.js';
import { SEVERITY_COLUMN } from './severity.js';

export interface AlertDetailsOverride {
  readonly alertDisplayNameFormat: string;
  readonly alertDescriptionFormat: string;
  readonly alertSeverityColumnName: string;
}

/** Static text in a format: no braces, so it cannot be read as a parameter. */
function plain(text: string): string {
  return text.replace(/[{}]/g, '');
}

/** The detection's message in canonical names (`{Host}`), as written or the default. */
export function alertMessage(d: RuleIR | CorrelationIR, lookup: ColumnLookup): string {
  if (d.alert.message !== undefined) return d.alert.message;
  const names = 'kind' in d ? [...d.groupBy] : ['risk_tier', 'Host', 'User'];
  const shown = names.filter((n) => lookup.column(n) !== undefined).slice(0, MAX_FORMAT_PARAMETERS);
  const title = plain(d.title);
  if ('kind' in d) return shown.length ? `${title} (${shown.map((n) => `{${n}}`).join(', ')})` : title;
  let m = shown.includes('risk_tier') ? `${title}: {risk_tier}` : title;
  if (shown.includes('Host')) m += ' on {Host}';
  if (shown.includes('User')) m += ' by {User}';
  return m;
}

/** `{name}` → `{{column}}`; names without a column stay as written (outputs.ts reports them). */
export function sentinelFormat(message: string, lookup: ColumnLookup): { format: string; parameters: number } {
  let parameters = 0;
  const format = message.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const column = lookup.column(name);
    if (!column) return whole;
    parameters++;
    return `{{${column}}}`;
  });
  return { format, parameters };
}

export function alertDetailsOverride(d: RuleIR | CorrelationIR, lookup: ColumnLookup): { override: AlertDetailsOverride; problems: string[] } {
  const message = alertMessage(d, lookup);
  const name = sentinelFormat(message, lookup);
  const description = `${name.format}\n\n${plain(d.description.trim())}`;
  const problems =
    name.parameters > MAX_FORMAT_PARAMETERS
      ? [`alert.message has ${name.parameters} parameters; Sentinel allows at most ${MAX_FORMAT_PARAMETERS} in the alert name and description formats`]
      : [];
  return { override: { alertDisplayNameFormat: name.format, alertDescriptionFormat: description, alertSeverityColumnName: SEVERITY_COLUMN }, problems };
}
