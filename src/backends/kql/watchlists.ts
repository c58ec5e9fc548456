/**
 * Allowlists as KQL reads them (semantics.md §2.6, K-wl): a `let` at the top of the query, or, in a
 * profile whose allowlists live in Microsoft Sentinel watchlists, `_GetWatchlist('<name>')` with the
 * watchlist's CSV written beside the queries (`kql/<profile>/watchlists/<name>.csv`, to upload with
 * SearchKey as the search key).
 *
 * A watchlist is an exact-value table, so only `exact` lists are read from one; a `domain` list
 * (an entry or any subdomain of it) is always a `let` regex.
 */
import { csvText } from '../csv.js';
import type { Allowlist, ListMatch } from '../../model/allowlist.js';
import type { ListRef } from '../../ir/nodes.js';
import { literal } from '../../ir/helpers.js';
import { allowlistName } from './dialect.js';
import { kqlString, kqlVerbatim } from './escape.js';
import type { KqlColumns } from './rows.js';

export type AllowlistSource = 'let' | 'watchlist';

/** Sentinel's watchlist function: `_GetWatchlist(alias)` returns the items as a table. */
export const WATCHLIST_FUNCTION = '_GetWatchlist';

/**
 * The columns `_GetWatchlist` is declared with for Kusto.Language: the item id, its last update,
 * the search key and the whole item as a property bag (K-wl; the CSV's own columns come on top in
 * Sentinel, but are per watchlist and never read by the emitted queries).
 */
export const WATCHLIST_COLUMNS: KqlColumns = [['_DTItemId', 'string'], ['LastUpdatedTimeUTC', 'datetime'], ['SearchKey', 'string'], ['WatchlistItem', 'dynamic']];

/** The CSV columns, in order; SearchKey holds the entry's value. */
export const WATCHLIST_CSV_HEADER = ['SearchKey', 'reason', 'owner', 'expires'] as const;

/** Where a watchlist's CSV lies relative to its profile's query folder. */
export function watchlistRelativePath(name: string): string {
  return `watchlists/${name}.csv`;
}

/** Whether a list is read through a watchlist under this source (domain lists never are). */
export function readsWatchlist(match: ListMatch, source: AllowlistSource): boolean {
  return source === 'watchlist' && match === 'exact';
}

/**
 * A regex (Rust syntax) that holds exactly when a value is an entry or ends with "." + an entry,
 * ignoring ASCII case only: letters are two-letter classes (`[dD]`), so no engine's case folding is
 * involved (no `(?i)`, which would also fold the Kelvin sign to k). `(?:[^.]*\.)*` is any prefix
 * that ends with a dot (or none), so `x.docker.io` and `docker.io` match and `evildocker.io` does
 * not; `[^.]` also reads line breaks, and `\z` is the very end (no final-newline allowance).
 */
export function domainListRegex(values: readonly string[]): string {
  return String.raw`^(?:[^.]*\.)*(?:${values.map((v) => literal(v, true)).join('|')})\z`;
}

/** The `let` statement that binds a list for the query. */
export function allowlistLet(list: ListRef, source: AllowlistSource): string {
  const name = allowlistName(list.name);
  if (list.match === 'domain') return `let ${name} = ${kqlVerbatim(domainListRegex(list.values))};`;
  if (readsWatchlist(list.match, source)) return `let ${name} = ${WATCHLIST_FUNCTION}(${kqlString(list.name)}) | project SearchKey;`;
  return `let ${name} = dynamic([${list.values.map(kqlString).join(', ')}]);`;
}


/**
 * A list as the CSV a Sentinel watchlist is created from: one row per entry, the value as written.
 * Watchlist uploads take no line breaks inside a field, so a multi-line reason or owner is joined
 * with spaces (values cannot hold one: the allowlist schema allows printable ASCII only).
 */
export function watchlistCsv(list: Allowlist): string {
  const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ');
  const rows = list.entries.map((e) => [e.value, oneLine(e.reason), oneLine(e.owner), e.expires ?? '']);
  return csvText([[...WATCHLIST_CSV_HEADER], ...rows]);
}

