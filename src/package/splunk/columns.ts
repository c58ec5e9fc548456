/**
 * The output columns of a compiled SPL query that the package names: where each name of a
 * detection's `alert` is shown (src/package/outputs.ts `ruleColumns` / `correlationColumns`), and the
 * columns of its dedup key, which Splunk throttles on (`alert.suppress.fields`).
 *
 * The dedup key (src/ir/schedule.ts; test/support/schedule.ts `dedupKey`) is the detection's group
 * values and its last-stage time:
 * - a rule: its host and the result's time (`_time`, the profile's time field);
 * - a correlation: its group-by field(s) and `chain_end`. The group is the `t1612_key_<F>` column,
 *   which is the chain's group value by construction (src/backends/spl/correlation.ts: `where
 *   isnotnull(t1612_key_<F>)`, `dedup t1612_key_<F>, _time`); `correlationColumns` shows `Host` in
 *   the last stage row's `host` where the query outputs one, which is right for display, but the
 *   key column is what the chain is grouped by, so throttling uses it when the query outputs it.
 *
 * A profile that reads a log source from a data model renames `<Dataset>.<field>` to `<field>`
 * before any output (src/backends/spl/source.ts); outputs.ts looks names up under that name too.
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { SplProfile } from '../../backends/spl/profiles.js';
import { groupKeyField } from '../../backends/spl/correlation.js';
import { correlationColumns, ruleColumns, type ColumnLookup } from '../outputs.js';

export interface DetectionColumns extends ColumnLookup {
  /** The columns Splunk throttles on: the group value(s), then the last-stage time. */
  readonly dedupKey: readonly string[];
}

export function ruleQueryColumns(rule: RuleIR, profile: SplProfile, text: string): DetectionColumns {
  const lookup = ruleColumns(rule, profile, text, 'spl');
  const host = lookup.column('Host');
  // A rule whose results carry no host column (a log source without one): the whole row is its group.
  const group = host !== undefined ? [host] : lookup.columns.filter((c) => c !== profile.timeField);
  return { ...lookup, dedupKey: [...group, profile.timeField].filter((c) => lookup.columns.includes(c)) };
}

export function correlationQueryColumns(c: CorrelationIR, profile: SplProfile, text: string): DetectionColumns {
  const lookup = correlationColumns(c, profile, text, 'spl');
  const group = c.groupBy.map((f) => (lookup.columns.includes(groupKeyField(f)) ? groupKeyField(f) : lookup.column(f))).filter((x): x is string => x !== undefined);
  return { ...lookup, dedupKey: [...group, 'chain_end'].filter((x) => lookup.columns.includes(x)) };
}
