/**
 * Publishing the Splunk package over Splunk's REST API, into one app's namespace
 * (`/servicesNS/nobody/<app>/…`: owner `nobody` makes the objects the app's, not a user's; REST API
 * User Manual, "Namespace"). Every request asks for JSON (`output_mode=json`: "You can use the
 * output_mode parameter … to return results in JSON format", REST API Reference, "Splunk responses to
 * REST operations") and sends the token as `Authorization: Bearer <token>` (Securing the Splunk
 * Platform, "Use authentication tokens").
 *
 * What is published is read back from the package files `t1612 package --target splunk` writes, so
 * the published search text is the package's, byte for byte:
 *
 * - Saved searches (default/savedsearches.conf), endpoint `saved/searches` (REST API Reference,
 *   "Search endpoint descriptions", saved/searches and saved/searches/{name}): a GET of the entity
 *   decides; create = POST to the collection with `name` and every setting, update = POST to the
 *   entity with only the settings that differ. Four .conf keys have other names as REST parameters
 *   (savedsearches.conf.spec vs the saved/searches POST parameters): `enableSched` → `is_scheduled`,
 *   `counttype` → `alert_type`, `relation` → `alert_comparator`, `quantity` → `alert_threshold`;
 *   `action.<name>` and `action.<name>.<param>` are parameters as they are.
 * - Macros (default/macros.conf), endpoint `configs/conf-macros` (REST API Reference, "Configuration
 *   endpoint descriptions", configs/conf-{file} and configs/conf-{file}/{stanza}; the documented way
 *   to create and edit a stanza of any .conf file; `admin/macros` is the UI's handler and is not in
 *   the reference). Create = POST with `name`, update = POST to the stanza with the keys that differ.
 *   Customer-owned macros are created only when absent and never updated: every `<rule>_filter`
 *   (the customer's tuning) and the profile's index/source macros (`t1612_<profile>_index` says
 *   "Change it to your index"): publishing must not put `index=main` back over the customer's index.
 * - Allowlists: one KV store collection per lookup the package ships (`t1612_<list>`), created with
 *   `storage/collections/config` (POST `name`), rows written with
 *   `storage/collections/data/<collection>/batch_save` (a JSON array; "documents … with a _key are
 *   updated, others inserted") in chunks of 1,000 (limits.conf [kvstore]
 *   max_documents_per_batch_save), each with `_key` = the entry's value, so a re-run overwrites and
 *   never duplicates; rows no longer in the allowlist are deleted (`…/data/<collection>/<_key>`):
 *   the collection mirrors the allowlist file (REST API Reference, "KV store endpoint descriptions").
 *
 * Lookups. The package's searches read the allowlists through CSV lookup definitions
 * (`lookup t1612_<list> …` in the `<rule>_allowlist` macros, with `case_sensitive_match = false`, as
 * the rules ignore ASCII case). A lookup file cannot be uploaded through REST: `lookup-table-files`
 * only moves a file that is already staged on the server's disk into place. Pointing the macros at KV
 * store lookups instead would change what the detections match: "KV Store lookup … Does not support
 * case-insensitive field lookups" (Knowledge Manager Manual, "Define a KV Store lookup in Splunk
 * Web"). So the published macros stay the package's, the CSV lookups ship with the packaged app
 * (install it once: it also carries metadata/default.meta, which exports the macros to Enterprise
 * Security's drilldowns), and the plan says so per lookup, checking the lookup definition is on the
 * server (`data/transforms/lookups/<name>`). The KV store collections are the published, REST-readable
 * copy of the allowlists.
 *
 * Prune (`--prune`): objects in the app (`acl.app`) that t1612 published and the package no longer
 * has: saved searches named `t1612 - …` (the package's naming), macros `t1612_<detection>_results`
 * and `<rule>_allowlist` macros whose definition reads a `t1612_` lookup, and KV store collections
 * named `t1612_…`. `_filter` and profile macros are never deleted (they are the customer's).
 */
import { parseConf } from '../backends/spl/conf.js';
import { parseCsv } from '../backends/csv.js';
import { APP_ID } from '../package/splunk/provenance.js';
import type { PackageFile } from '../package/types.js';
import { HttpError, type HttpClient } from './http.js';
import { byName, type Plan, type PlanItem } from './plan.js';

/** The saved-search prefix of every search the package writes (savedsearches.ts). */
export const SAVED_SEARCH_PREFIX = 't1612 - ';
/** savedsearches.conf key → saved/searches REST parameter, where they differ. */
export const SAVED_SEARCH_PARAM: Readonly<Record<string, string>> = { enableSched: 'is_scheduled', counttype: 'alert_type', relation: 'alert_comparator', quantity: 'alert_threshold' };
/** limits.conf [kvstore] max_documents_per_batch_save (default 1000). */
export const KV_BATCH = 1000;

export interface SplunkObject {
  readonly name: string;
  /** REST parameters in the package's order. */
  readonly settings: readonly (readonly [string, string])[];
}

export interface SplunkMacro extends SplunkObject {
  /** Created when absent, never updated or deleted. */
  readonly customerOwned: boolean;
}

export type KvRow = Readonly<Record<string, string>>;

export interface SplunkCollection {
  readonly name: string;
  /** Documents with `_key` = the entry's value. */
  readonly rows: readonly KvRow[];
}

export interface SplunkDesired {
  readonly savedSearches: readonly SplunkObject[];
  readonly macros: readonly SplunkMacro[];
  readonly collections: readonly SplunkCollection[];
  /** The CSV lookup definitions the package ships, and the macros that read each. */
  readonly lookups: readonly { readonly name: string; readonly readBy: readonly string[] }[];
}

function text(f: PackageFile): string {
  return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
}

/** What the package says the server should hold. `profileMacros`: the profile's index/source macros (customer-tuned). */
export function splunkDesired(files: readonly PackageFile[], profileMacros: readonly string[]): SplunkDesired {
  const file = (path: string) => files.find((f) => f.path === `${APP_ID}/${path}`);
  const stanzas = (path: string) => {
    const f = file(path);
    return f ? [...parseConf(text(f), path)].filter(([name, s]) => !(name === 'default' && s.size === 0)) : [];
  };
  const savedSearches = stanzas('default/savedsearches.conf').map(([name, s]) => ({ name, settings: [...s].map(([k, v]) => [SAVED_SEARCH_PARAM[k] ?? k, v] as const) }));
  const customer = new Set(profileMacros);
  const macros = stanzas('default/macros.conf').map(([name, s]) => ({ name, settings: [...s].map(([k, v]) => [k, v] as const), customerOwned: name.endsWith('_filter') || customer.has(name) }));
  const collections: SplunkCollection[] = [];
  for (const f of files) {
    const m = new RegExp(`^${APP_ID}/lookups/([^/]+)\\.csv$`).exec(f.path);
    if (!m) continue;
    const [header, ...rows] = parseCsv(text(f), f.path);
    if (!header) continue;
    const docs = new Map<string, KvRow>();
    for (const r of rows) {
      const doc: Record<string, string> = { _key: r[0] ?? '' };
      header.forEach((h, i) => (doc[h] = r[i] ?? ''));
      docs.set(doc._key!, doc);
    }
    collections.push({ name: m[1]!, rows: [...docs.values()] });
  }
  const lookups = stanzas('default/transforms.conf')
    .filter(([, s]) => s.has('filename'))
    .map(([name]) => ({ name, readBy: macros.filter((mc) => new RegExp(`\\blookup\\s+${name}\\b`).test(mc.settings.find(([k]) => k === 'definition')?.[1] ?? '')).map((mc) => mc.name) }));
  return { savedSearches: byName(savedSearches), macros: byName(macros), collections: byName(collections), lookups: byName(lookups) };
}

const TRUE = new Set(['1', 'true']);
const FALSE = new Set(['0', 'false']);
const boolOf = (s: string): boolean | undefined => (TRUE.has(s.toLowerCase()) ? true : FALSE.has(s.toLowerCase()) ? false : undefined);

/** A value we send (a string) against what a GET returns in JSON (Splunk answers flags as booleans, some numbers as numbers). */
export function sameSplunkValue(want: string, got: unknown): boolean {
  if (got === undefined || got === null) return want === '';
  if (typeof got === 'boolean') return boolOf(want) === got;
  if (typeof got === 'number') return want.trim() !== '' && Number(want) === got;
  if (typeof got !== 'string') return false;
  if (got === want) return true;
  const a = boolOf(got);
  return a !== undefined && a === boolOf(want);
}

interface Entry {
  readonly name: string;
  readonly acl?: { readonly app?: string };
  readonly content: Readonly<Record<string, unknown>>;
}

export interface SplunkTarget {
  /** https://host:8089 */
  readonly url: string;
  readonly app: string;
  readonly client: HttpClient;
}

const enc = encodeURIComponent;

class SplunkApi {
  readonly ns: string;
  constructor(private readonly t: SplunkTarget) {
    this.ns = `${t.url.replace(/\/+$/, '')}/servicesNS/nobody/${enc(t.app)}`;
  }

  url(path: string, query: Record<string, string> = {}): string {
    return `${this.ns}/${path}?${new URLSearchParams({ output_mode: 'json', ...query }).toString()}`;
  }

  async appExists(): Promise<boolean> {
    const r = await this.t.client.request({ method: 'GET', url: `${this.t.url.replace(/\/+$/, '')}/services/apps/local/${enc(this.t.app)}?output_mode=json`, ok: [404] });
    return r.status !== 404;
  }

  /** One entity, or undefined on 404. */
  async entity(collection: string, name: string): Promise<Entry | undefined> {
    const r = await this.t.client.request({ method: 'GET', url: this.url(`${collection}/${enc(name)}`), ok: [404] });
    if (r.status === 404) return undefined;
    const e = r.json<{ entry?: Entry[] }>().entry?.[0];
    if (!e) throw new HttpError(`GET ${collection}/${name}: 200 without an entry`, 200);
    return { ...e, content: e.content ?? {} };
  }

  /** Every entity of a collection (count=0: all, not the default 30). */
  async list(collection: string): Promise<Entry[]> {
    const r = await this.t.client.request({ method: 'GET', url: this.url(collection, { count: '0' }) });
    return (r.json<{ entry?: Entry[] }>().entry ?? []).map((e) => ({ ...e, content: e.content ?? {} }));
  }

  /** POST to the collection: 201, or false on 409 (it exists). */
  async create(collection: string, name: string, settings: readonly (readonly [string, string])[]): Promise<boolean> {
    const form = new URLSearchParams([['name', name], ...settings.map(([k, v]) => [k, v] as [string, string])]);
    const r = await this.t.client.request({ method: 'POST', url: this.url(collection), form, ok: [409] });
    return r.status !== 409;
  }

  async update(collection: string, name: string, settings: readonly (readonly [string, string])[]): Promise<void> {
    await this.t.client.request({ method: 'POST', url: this.url(`${collection}/${enc(name)}`), form: new URLSearchParams(settings.map(([k, v]) => [k, v] as [string, string])) });
  }

  /** DELETE; 404 counts as done (an earlier attempt may have deleted it). */
  async remove(path: string): Promise<void> {
    await this.t.client.request({ method: 'DELETE', url: this.url(path), ok: [404] });
  }

  async rows(collection: string): Promise<Record<string, unknown>[]> {
    const r = await this.t.client.request({ method: 'GET', url: this.url(`storage/collections/data/${enc(collection)}`) });
    const rows = r.json<unknown>();
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  }

  async batchSave(collection: string, rows: readonly KvRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += KV_BATCH)
      await this.t.client.request({ method: 'POST', url: this.url(`storage/collections/data/${enc(collection)}/batch_save`), json: rows.slice(i, i + KV_BATCH) });
  }
}

function differing(settings: readonly (readonly [string, string])[], content: Readonly<Record<string, unknown>>): (readonly [string, string])[] {
  return settings.filter(([k, v]) => !sameSplunkValue(v, content[k]));
}

function keysDetail(diff: readonly (readonly [string, string])[]): string {
  const keys = diff.map(([k]) => k);
  return keys.length <= 4 ? keys.join(', ') : `${keys.slice(0, 4).join(', ')} and ${keys.length - 4} more`;
}

/** A KV document as stored, compared field by field with ours (strings; `_user` and other `_` fields are Splunk's). */
function sameRow(want: KvRow, got: Record<string, unknown> | undefined): boolean {
  if (!got) return false;
  const ours = Object.keys(want).filter((k) => !k.startsWith('_'));
  const theirs = Object.keys(got).filter((k) => !k.startsWith('_'));
  return theirs.every((k) => ours.includes(k)) && ours.every((k) => String(got[k] ?? '') === want[k]);
}

/** The create/update/unchanged item of a saved search or macro. */
async function objectItem(api: SplunkApi, collection: string, kind: string, o: SplunkObject, customerOwned: boolean): Promise<PlanItem> {
  const current = await api.entity(collection, o.name);
  const updateTo = async () => {
    const now = await api.entity(collection, o.name);
    const diff = now ? differing(o.settings, now.content) : o.settings;
    if (diff.length) await api.update(collection, o.name, diff);
  };
  if (!current)
    return {
      action: 'create',
      kind,
      name: o.name,
      ...(customerOwned ? { detail: 'yours to tune: created only when absent' } : {}),
      // 409: an earlier attempt created it (its answer lost); then it is brought up to date like an update.
      apply: async () => {
        if (!(await api.create(collection, o.name, o.settings)) && !customerOwned) await updateTo();
      },
    };
  const diff = differing(o.settings, current.content);
  if (customerOwned) return { action: 'unchanged', kind, name: o.name, ...(diff.length ? { detail: 'yours: differs from the package, left as it is' } : {}) };
  if (!diff.length) return { action: 'unchanged', kind, name: o.name };
  return { action: 'update', kind, name: o.name, detail: keysDetail(diff), apply: () => api.update(collection, o.name, diff) };
}

async function collectionItem(api: SplunkApi, c: SplunkCollection): Promise<PlanItem> {
  const kind = 'kv collection';
  const exists = (await api.entity('storage/collections/config', c.name)) !== undefined;
  if (!exists)
    return {
      action: 'create',
      kind,
      name: c.name,
      detail: `${c.rows.length} row(s)`,
      apply: async () => {
        await api.create('storage/collections/config', c.name, []);
        await api.batchSave(c.name, c.rows);
      },
    };
  const stored = await api.rows(c.name);
  const byKey = new Map(stored.map((r) => [String(r._key), r]));
  const save = c.rows.filter((r) => !sameRow(r, byKey.get(r._key!)));
  const wanted = new Set(c.rows.map((r) => r._key));
  const drop = [...byKey.keys()].filter((k) => !wanted.has(k));
  if (!save.length && !drop.length) return { action: 'unchanged', kind, name: c.name, detail: `${c.rows.length} row(s)` };
  return {
    action: 'update',
    kind,
    name: c.name,
    detail: `${save.length} row(s) to save, ${drop.length} to delete`,
    apply: async () => {
      await api.batchSave(c.name, save);
      for (const k of drop) await api.remove(`storage/collections/data/${enc(c.name)}/${enc(k)}`);
    },
  };
}

/** Whether a macro in the app is one t1612 published (and may prune). */
export function isT1612Macro(name: string, definition: unknown): boolean {
  if (name.endsWith('_filter')) return false;
  return /^t1612_.+_results$/.test(name) || (name.endsWith('_allowlist') && typeof definition === 'string' && /^\s*lookup\s+t1612_/.test(definition));
}

async function pruneItems(api: SplunkApi, app: string, desired: SplunkDesired): Promise<PlanItem[]> {
  const inApp = (e: Entry) => e.acl?.app === app;
  const del = (kind: string, name: string, path: string): PlanItem => ({ action: 'delete', kind, name, detail: 'no longer in the package', apply: () => api.remove(path) });
  const searches = new Set(desired.savedSearches.map((s) => s.name));
  const macros = new Set(desired.macros.map((m) => m.name));
  const collections = new Set(desired.collections.map((c) => c.name));
  const items: PlanItem[] = [];
  for (const e of byName(await api.list('saved/searches')))
    if (inApp(e) && e.name.startsWith(SAVED_SEARCH_PREFIX) && !searches.has(e.name)) items.push(del('saved search', e.name, `saved/searches/${enc(e.name)}`));
  for (const e of byName(await api.list('configs/conf-macros')))
    if (inApp(e) && isT1612Macro(e.name, e.content.definition) && !macros.has(e.name)) items.push(del('macro', e.name, `configs/conf-macros/${enc(e.name)}`));
  for (const e of byName(await api.list('storage/collections/config')))
    if (inApp(e) && e.name.startsWith('t1612_') && !collections.has(e.name)) items.push(del('kv collection', e.name, `storage/collections/config/${enc(e.name)}`));
  return items;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Read the server and compare: the plan (nothing is written). */
export async function planSplunk(target: SplunkTarget, desired: SplunkDesired, opts: { prune: boolean }): Promise<Plan> {
  const api = new SplunkApi(target);
  if (!(await api.appExists()))
    throw new PlanError(
      `the Splunk app ${target.app} is not installed on ${new URL(target.url).origin}: install the packaged app once (t1612 package --target splunk; it also ships the allowlist lookup files and the sharing metadata), or set T1612_SPLUNK_APP to an app that exists`,
    );
  const items: PlanItem[] = [];
  // Dependencies first: the allowlist rows, the macros the searches call, then the searches.
  for (const c of desired.collections) items.push(await collectionItem(api, c));
  for (const m of desired.macros) items.push(await objectItem(api, 'configs/conf-macros', 'macro', m, m.customerOwned));
  for (const s of desired.savedSearches) items.push(await objectItem(api, 'saved/searches', 'saved search', s, false));
  if (opts.prune) items.push(...(await pruneItems(api, target.app, desired)));
  const notes: string[] = [];
  for (const l of desired.lookups) {
    const present = (await api.entity('data/transforms/lookups', l.name)) !== undefined;
    const readers = l.readBy.length ? ` (read by ${l.readBy.join(', ')})` : '';
    notes.push(
      present
        ? `lookup ${l.name}${readers} is a CSV file lookup, which REST cannot upload: it ships with the packaged app (install \`t1612 package --target splunk\` to change its rows); the KV store collection ${l.name} holds the published copy`
        : `lookup ${l.name}${readers} is NOT on the server: the searches that read it fail until the packaged app (\`t1612 package --target splunk\`) is installed, as REST cannot upload a lookup file`,
    );
  }
  return { target: 'splunk', endpoint: new URL(target.url).origin, scope: `app ${target.app}`, items, notes };
}
