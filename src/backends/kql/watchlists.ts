/**
 * Allowlists as KQL reads them (semantics.md §2.6, K-wl): a `let` at the top of the query, or, in a
 * profile whose allowlists live in Microsoft Sentinel watchlists, `_GetWatchlist('<name>')` with the
 * watchlist's CSV written beside the queries (`kql/<profile>/watchlists/<name>.csv`, to upload with
 * SearchKey as the search key).
 *
 * A watchlist is an exact-value table, so only `exact` lists are read from one; a `domain` list
 * (an entry or any subdomain of it) is always a `let` regex.
 */
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

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or starts or ends with a blank. */
function csvField(value: string): string {
  return /[",]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A list as the CSV a Sentinel watchlist is created from: one row per entry, the value as written.
 * Watchlist uploads take no line breaks inside a field, so a multi-line reason or owner is joined
 * with spaces (values cannot hold one: the allowlist schema allows printable ASCII only).
 */
export function watchlistCsv(list: Allowlist): string {
  const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ');
  const rows = list.entries.map((e) => [e.value, oneLine(e.reason), oneLine(e.owner), e.expires ?? '']);
  return [[...WATCHLIST_CSV_HEADER], ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, LF or CRLF records) into records by header. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const close = quotedEnd(text, i);
      field = text.slice(i + 1, close).replace(/""/g, '"');
      i = close + 1;
      if (i < text.length && !/[,\r\n]/.test(text[i]!)) throw new Error(`CSV: text after a closing quote at offset ${i}`);
    } else if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || record.length) endRecord();
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((r, n) => {
    if (r.length !== header.length) throw new Error(`CSV: record ${n + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]!]));
  });
}

/** The index of the quote that closes the quoted field opening at `open`. */
function quotedEnd(text: string, open: number): number {
  let j = open + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) throw new Error(`CSV: unclosed quote at offset ${open}`);
    if (text[q + 1] !== '"') return q;
    j = q + 2;
  }
}
