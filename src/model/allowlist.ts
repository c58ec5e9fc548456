/**
 * Allowlists declared once: `<name>.allowlist.yml` files beside the rules, each a named list of
 * approved values with a reason, an owner and an optional expiry. Rules use them to suppress events
 * (`allowlists:`) or to test a value (`listed:`); every target reads the same entries (a Splunk
 * lookup, a KQL let list or Sentinel watchlist, Sigma filters).
 *
 * An expired entry still applies until someone removes it: output never depends on today's date
 * (the same rules give the same files on every machine, on every day). `validate` and `compile`
 * warn about it instead.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { parseAndValidate } from './load.js';

export type ListMatch = 'exact' | 'domain';

export interface AllowlistEntry {
  readonly value: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires?: string;
}

export interface Allowlist {
  readonly name: string;
  readonly description: string;
  readonly match: ListMatch;
  readonly entries: readonly AllowlistEntry[];
  /** Source file, as shown to users. */
  readonly file: string;
}

export const ALLOWLIST_SUFFIX = /\.allowlist\.ya?ml$/;

/** Load one list; `today` (YYYY-MM-DD) dates the expiry warnings. */
export function loadAllowlist(path: string, today: string): { list?: Allowlist; diagnostics: Diagnostic[] } {
  const parsed = parseAndValidate(path, 'allowlist');
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.doc || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const v = parsed.doc.value as { allowlist: string; description: string; match: ListMatch; entries: AllowlistEntry[] };
  const expected = (path.split(/[\\/]/).pop() ?? '').replace(ALLOWLIST_SUFFIX, '').replace(/-/g, '_');
  if (v.allowlist !== expected)
    diagnostics.push(diagnostic(parsed.file, parsed.doc.at('/allowlist'), 'error', 'allowlist', `allowlist name "${v.allowlist}" does not match its file name (expected "${expected}")`, `rename the file or set allowlist: ${expected}`));
  const seen = new Map<string, number>();
  v.entries.forEach((e, i) => {
    const key = e.value.toLowerCase();
    if (seen.has(key))
      diagnostics.push(diagnostic(parsed.file, parsed.doc!.at(`/entries/${i}/value`), 'error', 'allowlist', `duplicate entry "${e.value}" (entries ignore case; first at entries[${seen.get(key)}])`, 'keep one entry per value'));
    else seen.set(key, i);
  });
  v.entries.forEach((e, i) => {
    if (e.expires !== undefined && e.expires < today)
      diagnostics.push(diagnostic(parsed.file, parsed.doc!.at(`/entries/${i}/expires`), 'warning', 'allowlist-expired', `entry "${e.value}" of allowlist ${v.allowlist} expired on ${e.expires} (owner: ${e.owner}); it still applies until removed`, 'renew the approval with a new expires date, or remove the entry'));
  });
  return { list: { name: v.allowlist, description: v.description, match: v.match, entries: v.entries, file: parsed.file }, diagnostics };
}

/** Today's date (UTC), for expiry warnings only: never for output. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Does `value` match an entry? ASCII case is ignored (entries are ASCII by schema); a domain list
 * also accepts subdomains (`registry-1.docker.io` is under `docker.io`; `evildocker.io` is not).
 */
export function listMatches(list: { readonly match: ListMatch; readonly entries: readonly { readonly value: string }[] }, value: string): boolean {
  const v = value.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return list.entries.some((e) => {
    const n = e.value.toLowerCase();
    return v === n || (list.match === 'domain' && v.endsWith(`.${n}`));
  });
}
