/**
 * The query a Sentinel rule runs: the compiled KQL of the profile, unchanged, plus one appended
 * `extend`:
 *
 *     | extend t1612_severity = <the result's severity>, t1612_signals = <the signals that fired>
 *
 * - `t1612_severity`: alertSeverityColumnName needs a column holding Informational, Low, Medium or
 *   High; the compiled query outputs the tier's name (risk_tier) or the correlation's level, so the
 *   severity is computed from them (severity.ts).
 * - `t1612_signals` (rules only): a custom detail names one column, and the signals that fired are
 *   spread over one 0/1 `sig_<id>` column each; one comma-separated list of the ids that fired shows
 *   them as one detail and keeps a rule with many signals within the 20-detail limit.
 *
 * Neither filters or reorders results: the rule alerts on exactly what `t1612 compile` writes.
 *
 * Sentinel takes a query of at most 10,000 characters (limits.ts) and names user-defined functions
 * as the way past it. When the compiled query plus the extend is longer, the compiled query is
 * deployed as a workspace function (a Log Analytics saved search with a function alias, in the same
 * ARM template) and the rule's query calls it: `t1612_<name>` followed by the extend.
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { kqlColumn, kqlString } from '../../backends/kql/escape.js';
import { MAX_QUERY_LENGTH } from './limits.js';
import { SEVERITY_COLUMN, correlationSeverityExpression, ruleSeverityExpression } from './severity.js';
import { SIGNALS_COLUMN } from './details.js';

export interface WorkspaceFunction {
  /** The function's name in queries (its alias). */
  readonly alias: string;
  /** The compiled query, as the function's body. */
  readonly body: string;
}

export interface RuleQuery {
  readonly query: string;
  /** Present when the query calls a workspace function holding the compiled query. */
  readonly fn?: WorkspaceFunction;
  readonly problems: readonly string[];
}

/** The ids of the signals whose `sig_<id>` column is 1, comma-separated, in the rule's order. */
export function signalsExpression(rule: RuleIR): string {
  const parts = rule.signals.map((s) => `iff(${kqlColumn(`sig_${s.id}`)} == 1, dynamic([${kqlString(s.id)}]), dynamic([]))`);
  return `strcat_array(array_concat(${parts.join(', ')}), ", ")`;
}

/** The appended extend line. */
export function extendLine(d: RuleIR | CorrelationIR): string {
  if ('kind' in d) return `| extend ${SEVERITY_COLUMN} = ${correlationSeverityExpression()}`;
  const signals = d.signals.length > 0 ? `, ${SIGNALS_COLUMN} = ${signalsExpression(d)}` : '';
  return `| extend ${SEVERITY_COLUMN} = ${ruleSeverityExpression(d)}${signals}`;
}

/** The function alias of a detection: `t1612_` and its name with every other character as `_`. */
export function functionAlias(name: string): string {
  return `t1612_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function ruleQuery(d: RuleIR | CorrelationIR, compiledText: string, armFile: string): RuleQuery {
  const body = compiledText.replace(/\s+$/, '');
  const extend = extendLine(d);
  const inline = `${body}\n${extend}`;
  if (inline.length <= MAX_QUERY_LENGTH) return { query: inline, problems: [] };
  const alias = functionAlias(d.name);
  const query = `// ${d.name}: the compiled query is the workspace function ${alias} (deployed by ${armFile}), as it is longer than Sentinel's ${MAX_QUERY_LENGTH} characters.\n${alias}\n${extend}`;
  const problems = query.length > MAX_QUERY_LENGTH ? [`the rule query is ${query.length} characters (Sentinel allows at most ${MAX_QUERY_LENGTH})`] : [];
  return { query, fn: { alias, body }, problems };
}
