/**
 * Custom details (key → output column) shown with each alert, and the dedup key that groups a
 * result's alerts into one incident.
 *
 * A rule's alerts carry: Score (`risk_score`), Tier (`risk_tier`), Signals (`t1612_signals`, the
 * signals that fired, appended by query.ts), Host and EventTime (its dedup key), then the rule's
 * `alert.details`. A correlation's carry its group-by fields and ChainEnd (its dedup key),
 * ChainStart and Level, then its `alert.details`. Keys are the names in PascalCase (letters and
 * digits only); a detail whose column is already shown is not repeated. At most 20 custom details
 * (limits.ts).
 *
 * The dedup key (test/support/schedule.ts, src/ir/schedule.ts) is a result's group values and its
 * last-stage time: for a plain rule its host and time, for a correlation its group column(s) and
 * chain_end. Overlapping runs (lookback > frequency) see a result again; the incident settings group
 * alerts whose dedup-key custom details match into one incident (incident.ts).
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { ColumnLookup } from '../outputs.js';
import { MAX_CUSTOM_DETAILS } from './limits.js';

/** The column of the signals that fired (query.ts). */
export const SIGNALS_COLUMN = 't1612_signals';

export interface CustomDetails {
  /** Key → column, in the order shown. */
  readonly details: readonly (readonly [string, string])[];
  /** The keys of the dedup key (group values, then the time). */
  readonly dedupKeys: readonly string[];
  readonly problems: readonly string[];
}

/** `risk_score` → RiskScore, `DestinationIp` → DestinationIp. */
export function detailKey(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

export function customDetails(d: RuleIR | CorrelationIR, lookup: ColumnLookup, timeColumn: string): CustomDetails {
  const details: [string, string][] = [];
  const dedupKeys: string[] = [];
  const add = (key: string, column: string | undefined, dedup = false): void => {
    if (!column) return;
    const same = details.find(([k, c]) => k === key || c === column);
    if (same) {
      if (dedup && !dedupKeys.includes(same[0])) dedupKeys.push(same[0]);
      return;
    }
    details.push([key, column]);
    if (dedup) dedupKeys.push(key);
  };
  const has = (column: string) => (lookup.columns.includes(column) ? column : undefined);
  if ('kind' in d) {
    for (const f of d.groupBy) add(detailKey(f), lookup.column(f), true);
    add('ChainEnd', has('chain_end'), true);
    add('ChainStart', has('chain_start'));
    add('Level', has('correlation_level'));
  } else {
    add('Score', has('risk_score'));
    add('Tier', has('risk_tier'));
    if (d.signals.length > 0) add('Signals', SIGNALS_COLUMN);
    add('Host', lookup.column('Host'), true);
    add('EventTime', has(timeColumn), true);
  }
  for (const name of d.alert.details) add(detailKey(name), lookup.column(name));
  const problems = details.length > MAX_CUSTOM_DETAILS ? [`${details.length} custom details (Sentinel allows at most ${MAX_CUSTOM_DETAILS} per rule)`] : [];
  return { details, dedupKeys, problems };
}
