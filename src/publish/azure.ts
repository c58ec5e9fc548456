/**
 * Publishing the Sentinel package through Azure Resource Manager's REST API, into one Log Analytics
 * workspace. Every request carries `api-version` (required by ARM) and `Authorization: Bearer
 * <token>`; bodies are JSON. The objects are read back from the package files `t1612 package --target
 * sentinel` writes (arm/<name>.json, watchlists/<alias>.json): each resource's `properties`, with
 * ARM's `[[` escape of a literal leading bracket undone (arm.ts), are what is PUT, so the published
 * queries are the package's.
 *
 * Endpoints (azure-rest-api-specs, specification/securityinsights/…/stable/2023-02-01/AlertRules.json
 * and Watchlists.json; specification/operationalinsights/…/stable/2020-08-01/SavedSearches.json):
 * - Analytics rules: `{workspace}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}`,
 *   api-version 2023-02-01, as in the ARM templates. GET (404 = absent), PUT `{kind, properties}`
 *   (200 updated, 201 created), DELETE (200 or 204), list with `nextLink` paging.
 * - Workspace functions some rules call (query.ts): `{workspace}/savedSearches/{alias}`, api-version
 *   2020-08-01. "The ETag of the saved search. To override an existing saved search, use "*" or specify
 *   the current Etag": a create sends `*` (as the template does), an update the etag its GET returned.
 * - Watchlists: `{workspace}/providers/Microsoft.SecurityInsights/watchlists/{alias}` (required
 *   displayName, source, provider, itemsSearchKey), then each item at
 *   `…/watchlistItems/{watchlistItemId}` ("The watchlist item id (GUID)") with `itemsKeyValue`. The
 *   bulk form (`rawContent`, "the raw content that represents to watchlist items to create") is not
 *   used: sent again it would create the items again, and its upload runs asynchronously
 *   (`uploadStatus` New/InProgress/Complete), so a re-run could not tell what it holds. Each item's id
 *   is a name-based UUID of (alias, SearchKey), so a PUT repeated after a failure overwrites the same
 *   item; items are matched by their SearchKey, whatever made them.
 *
 * Order: functions and watchlists before the rules that read them; with `--prune`, stale rules
 * before the functions and watchlists.
 *
 * What t1612 owns (and `--prune` may delete when the package no longer has it): analytics rules
 * whose description ends with `MANAGED_MARKER` (appended to every rule published); functions whose
 * category is `t1612` and watchlists whose provider is `t1612` (both set by the package). Nothing
 * else is ever deleted.
 */
import { parseCsv } from '../backends/csv.js';
import { uuidV5 } from '../package/sentinel/uuid.js';
import { WATCHLISTS_API_VERSION } from '../package/sentinel/limits.js';
import type { PackageFile } from '../package/types.js';
import type { HttpClient } from './http.js';
import { byName, type Plan, type PlanItem } from './plan.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The last line of every published rule's description: what marks a rule as t1612's. */
export const MANAGED_MARKER = '[Published by t1612 publish: change the rule in its repository; edits made here are overwritten.]';
export const OWNER = 't1612';
/** RFC 9562's URL namespace, and the namespace of watchlist item ids derived from it. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
export const WATCHLIST_ITEM_NAMESPACE = uuidV5(URL_NAMESPACE, 'https://t1612.invalid/publish/sentinel/watchlistItems');

export function watchlistItemId(alias: string, searchKey: string): string {
  return uuidV5(WATCHLIST_ITEM_NAMESPACE, `${alias}\n${searchKey}`);
}

export interface ArmRule {
  readonly ruleId: string;
  readonly detection: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly properties: JsonObject;
}

export interface ArmFunction {
  readonly alias: string;
  readonly apiVersion: string;
  readonly properties: JsonObject;
}

export interface ArmWatchlist {
  readonly alias: string;
  readonly apiVersion: string;
  /** Without rawContent, contentType and numberOfLinesToSkip (the items go one by one). */
  readonly properties: JsonObject;
  readonly items: readonly JsonObject[];
  readonly searchKey: string;
}

export interface ArmDesired {
  readonly functions: readonly ArmFunction[];
  readonly watchlists: readonly ArmWatchlist[];
  readonly rules: readonly ArmRule[];
}

/** ARM reads a string `[…]` as an expression and `[[…]` as the literal `[…]` (arm.ts escapes so). */
export function armUnescape(value: Json): Json {
  if (typeof value === 'string') return /^\[\[[\s\S]*\]$/.test(value) ? value.slice(1) : value;
  if (Array.isArray(value)) return value.map(armUnescape);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, armUnescape(v)]));
  return value;
}

/** The last quoted argument of `[concat(parameters('workspace'), '/…/', '<name>')]`. */
function resourceName(expression: string): string {
  const m = /'((?:[^']|'')*)'\)\]$/.exec(expression);
  if (!m) throw new Error(`internal: unexpected resource name ${expression}`);
  return m[1]!.replace(/''/g, "'");
}

function text(f: PackageFile): string {
  return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
}

interface Resource {
  readonly type: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly kind?: string;
  readonly properties: JsonObject;
}

export function armDesired(files: readonly PackageFile[]): ArmDesired {
  const functions: ArmFunction[] = [];
  const rules: ArmRule[] = [];
  const watchlists: ArmWatchlist[] = [];
  for (const f of byName(files.map((x) => ({ ...x, name: x.path })))) {
    if (!/^(arm|watchlists)\/[^/]+\.json$/.test(f.path)) continue;
    const template = JSON.parse(text(f)) as { metadata?: { detection?: string }; resources?: Resource[] };
    for (const r of template.resources ?? []) {
      const properties = armUnescape(r.properties) as JsonObject;
      if (r.type === 'Microsoft.OperationalInsights/workspaces/savedSearches') functions.push({ alias: String(properties.functionAlias ?? resourceName(r.name)), apiVersion: r.apiVersion, properties });
      else if (r.type === 'Microsoft.OperationalInsights/workspaces/providers/alertRules') {
        const description = typeof properties.description === 'string' ? properties.description : '';
        rules.push({
          ruleId: resourceName(r.name),
          detection: template.metadata?.detection ?? resourceName(r.name),
          apiVersion: r.apiVersion,
          kind: r.kind ?? 'Scheduled',
          properties: { ...properties, description: `${description}\n\n${MANAGED_MARKER}` },
        });
      } else if (r.type === 'Microsoft.OperationalInsights/workspaces/providers/watchlists') {
        const { rawContent, contentType: _c, numberOfLinesToSkip: _n, ...meta } = properties;
        const searchKey = String(meta.itemsSearchKey);
        const [header, ...rows] = typeof rawContent === 'string' ? parseCsv(rawContent, f.path) : [];
        const items = new Map<string, JsonObject>();
        for (const row of rows) {
          const item: JsonObject = {};
          (header ?? []).forEach((h, i) => (item[h] = row[i] ?? ''));
          items.set(String(item[searchKey] ?? ''), item);
        }
        watchlists.push({ alias: String(meta.watchlistAlias ?? resourceName(r.name)), apiVersion: r.apiVersion, properties: meta, items: [...items.values()], searchKey });
      }
    }
  }
  return { functions: byName(functions.map((x) => ({ ...x, name: x.alias }))), watchlists: byName(watchlists.map((x) => ({ ...x, name: x.alias }))), rules: byName(rules.map((x) => ({ ...x, name: x.detection }))) };
}

/**
 * Equal as JSON, where null, a missing key, `{}` and `[]` count as the same (a server may return an
 * unset option or an empty collection as null, or leave it out).
 */
export function sameJson(want: Json | undefined, got: Json | undefined): boolean {
  const absent = (v: Json | undefined) =>
    v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
  if (absent(want) || absent(got)) return absent(want) && absent(got);
  if (Array.isArray(want) || Array.isArray(got)) {
    if (!Array.isArray(want) || !Array.isArray(got) || want.length !== got.length) return false;
    return want.every((w, i) => sameJson(w, got[i]));
  }
  if (typeof want === 'object' && typeof got === 'object') {
    const w = want as JsonObject;
    const g = got as JsonObject;
    return [...new Set([...Object.keys(w), ...Object.keys(g)])].every((k) => sameJson(w[k], g[k]));
  }
  return want === got;
}

/** The top-level properties we set that differ from the resource's (the server's own additions are not compared). */
function differingKeys(want: JsonObject, got: JsonObject | undefined): string[] {
  return Object.keys(want).filter((k) => !sameJson(want[k], got?.[k]));
}

function keysDetail(keys: readonly string[]): string {
  return keys.length <= 4 ? keys.join(', ') : `${keys.slice(0, 4).join(', ')} and ${keys.length - 4} more`;
}

export interface ArmTarget {
  /** https://management.azure.com */
  readonly armUrl: string;
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly workspace: string;
  readonly client: HttpClient;
}

interface ArmResource {
  readonly name?: string;
  readonly id?: string;
  readonly etag?: string;
  readonly kind?: string;
  readonly properties?: JsonObject;
}

const enc = encodeURIComponent;

class ArmApi {
  readonly ws: string;
  constructor(private readonly t: ArmTarget) {
    this.ws = `${t.armUrl.replace(/\/+$/, '')}/subscriptions/${enc(t.subscription)}/resourceGroups/${enc(t.resourceGroup)}/providers/Microsoft.OperationalInsights/workspaces/${enc(t.workspace)}`;
  }

  url(path: string, apiVersion: string): string {
    return `${this.ws}/${path}?api-version=${enc(apiVersion)}`;
  }

  async get(path: string, apiVersion: string): Promise<ArmResource | undefined> {
    const r = await this.t.client.request({ method: 'GET', url: this.url(path, apiVersion), ok: [404] });
    return r.status === 404 ? undefined : r.json<ArmResource>();
  }

  async put(path: string, apiVersion: string, body: JsonObject): Promise<void> {
    await this.t.client.request({ method: 'PUT', url: this.url(path, apiVersion), json: body });
  }

  /** DELETE; 404 counts as done (an earlier attempt may have deleted it). */
  async remove(path: string, apiVersion: string): Promise<void> {
    await this.t.client.request({ method: 'DELETE', url: this.url(path, apiVersion), ok: [404] });
  }

  /** Every resource of a list, following `nextLink` (the client keeps to the ARM origin). */
  async list(path: string, apiVersion: string): Promise<ArmResource[]> {
    const out: ArmResource[] = [];
    let url: string | undefined = this.url(path, apiVersion);
    for (let page = 0; url !== undefined; page++) {
      if (page >= 1000) throw new Error(`GET ${path}: more than 1000 pages`);
      const r = await this.t.client.request({ method: 'GET', url });
      const body = r.json<{ value?: ArmResource[]; nextLink?: string | null }>();
      out.push(...(body.value ?? []));
      url = body.nextLink ?? undefined;
    }
    return out;
  }
}

const RULES = 'providers/Microsoft.SecurityInsights/alertRules';
const WATCHLISTS = 'providers/Microsoft.SecurityInsights/watchlists';
const SAVED_SEARCHES = 'savedSearches';

async function functionItem(api: ArmApi, f: ArmFunction): Promise<PlanItem> {
  const path = `${SAVED_SEARCHES}/${enc(f.alias)}`;
  const current = await api.get(path, f.apiVersion);
  if (!current) return { action: 'create', kind: 'function', name: f.alias, apply: () => api.put(path, f.apiVersion, { etag: '*', properties: f.properties }) };
  const diff = differingKeys(f.properties, current.properties);
  if (!diff.length) return { action: 'unchanged', kind: 'function', name: f.alias };
  return { action: 'update', kind: 'function', name: f.alias, detail: keysDetail(diff), apply: () => api.put(path, f.apiVersion, { etag: current.etag ?? '*', properties: f.properties }) };
}

async function ruleItem(api: ArmApi, r: ArmRule): Promise<PlanItem> {
  const path = `${RULES}/${enc(r.ruleId)}`;
  const body = { kind: r.kind, properties: r.properties };
  const current = await api.get(path, r.apiVersion);
  const name = `${r.detection} (${r.ruleId})`;
  if (!current) return { action: 'create', kind: 'analytics rule', name, apply: () => api.put(path, r.apiVersion, body) };
  const diff = [...(current.kind !== r.kind ? ['kind'] : []), ...differingKeys(r.properties, current.properties)];
  if (!diff.length) return { action: 'unchanged', kind: 'analytics rule', name };
  return { action: 'update', kind: 'analytics rule', name, detail: keysDetail(diff), apply: () => api.put(path, r.apiVersion, body) };
}

async function watchlistItem(api: ArmApi, w: ArmWatchlist): Promise<PlanItem> {
  const path = `${WATCHLISTS}/${enc(w.alias)}`;
  const itemPath = (id: string) => `${path}/watchlistItems/${enc(id)}`;
  const putItem = (id: string, item: JsonObject) => api.put(itemPath(id), w.apiVersion, { properties: { itemsKeyValue: item } });
  const current = await api.get(path, w.apiVersion);
  if (!current)
    return {
      action: 'create',
      kind: 'watchlist',
      name: w.alias,
      detail: `${w.items.length} item(s)`,
      apply: async () => {
        await api.put(path, w.apiVersion, { properties: w.properties });
        for (const item of w.items) await putItem(watchlistItemId(w.alias, String(item[w.searchKey])), item);
      },
    };
  const metaDiff = differingKeys(w.properties, current.properties);
  const stored = await api.list(`${path}/watchlistItems`, w.apiVersion);
  const byKey = new Map<string, ArmResource>();
  const duplicates: string[] = [];
  for (const s of stored) {
    const key = String((s.properties?.itemsKeyValue as JsonObject | undefined)?.[w.searchKey] ?? '');
    const id = s.name ?? s.id?.split('/').pop() ?? '';
    if (byKey.has(key)) duplicates.push(id);
    else byKey.set(key, s);
  }
  const put: [string, JsonObject][] = [];
  for (const item of w.items) {
    const key = String(item[w.searchKey]);
    const s = byKey.get(key);
    if (!s) put.push([watchlistItemId(w.alias, key), item]);
    else if (!sameJson(item, (s.properties?.itemsKeyValue as JsonObject | undefined) ?? null)) put.push([s.name ?? watchlistItemId(w.alias, key), item]);
  }
  const wanted = new Set(w.items.map((i) => String(i[w.searchKey])));
  const drop = [...[...byKey].filter(([k]) => !wanted.has(k)).map(([, s]) => s.name ?? ''), ...duplicates].filter((id) => id !== '');
  if (!metaDiff.length && !put.length && !drop.length) return { action: 'unchanged', kind: 'watchlist', name: w.alias, detail: `${w.items.length} item(s)` };
  const parts = [...(metaDiff.length ? [keysDetail(metaDiff)] : []), ...(put.length || drop.length ? [`${put.length} item(s) to put, ${drop.length} to delete`] : [])];
  return {
    action: 'update',
    kind: 'watchlist',
    name: w.alias,
    detail: parts.join('; '),
    apply: async () => {
      if (metaDiff.length) await api.put(path, w.apiVersion, { properties: w.properties });
      for (const [id, item] of put) await putItem(id, item);
      for (const id of drop) await api.remove(itemPath(id), w.apiVersion);
    },
  };
}

async function pruneItems(api: ArmApi, desired: ArmDesired, versions: { rules: string; functions: string; watchlists: string }): Promise<PlanItem[]> {
  const nameOf = (r: ArmResource) => r.name ?? r.id?.split('/').pop() ?? '';
  const items: PlanItem[] = [];
  const ruleIds = new Set(desired.rules.map((r) => r.ruleId.toLowerCase()));
  for (const r of byName((await api.list(RULES, versions.rules)).map((x) => ({ ...x, name: nameOf(x) })))) {
    const description = r.properties?.description;
    if (typeof description === 'string' && description.endsWith(MANAGED_MARKER) && !ruleIds.has(r.name.toLowerCase()))
      items.push({ action: 'delete', kind: 'analytics rule', name: `${String(r.properties?.displayName ?? '')} (${r.name})`, detail: 'no longer in the package', apply: () => api.remove(`${RULES}/${enc(r.name)}`, versions.rules) });
  }
  const aliases = new Set(desired.functions.map((f) => f.alias.toLowerCase()));
  for (const f of byName((await api.list(SAVED_SEARCHES, versions.functions)).map((x) => ({ ...x, name: nameOf(x) }))))
    if (f.properties?.category === OWNER && !aliases.has(f.name.toLowerCase()))
      items.push({ action: 'delete', kind: 'function', name: f.name, detail: 'no longer in the package', apply: () => api.remove(`${SAVED_SEARCHES}/${enc(f.name)}`, versions.functions) });
  const lists = new Set(desired.watchlists.map((w) => w.alias.toLowerCase()));
  for (const w of byName((await api.list(WATCHLISTS, versions.watchlists)).map((x) => ({ ...x, name: String(x.properties?.watchlistAlias ?? nameOf(x)) }))))
    if (w.properties?.provider === OWNER && !lists.has(w.name.toLowerCase()))
      items.push({ action: 'delete', kind: 'watchlist', name: w.name, detail: 'no longer in the package', apply: () => api.remove(`${WATCHLISTS}/${enc(w.name)}`, versions.watchlists) });
  return items;
}

/** Read the workspace and compare: the plan (nothing is written). */
export async function planAzure(target: ArmTarget, desired: ArmDesired, opts: { prune: boolean; apiVersions: { rules: string; functions: string } }): Promise<Plan> {
  const api = new ArmApi(target);
  const items: PlanItem[] = [];
  for (const f of desired.functions) items.push(await functionItem(api, f));
  for (const w of desired.watchlists) items.push(await watchlistItem(api, w));
  for (const r of desired.rules) items.push(await ruleItem(api, r));
  if (opts.prune) items.push(...(await pruneItems(api, desired, { ...opts.apiVersions, watchlists: WATCHLISTS_API_VERSION })));
  return { target: 'sentinel', endpoint: new URL(target.armUrl).origin, scope: `workspace ${target.resourceGroup}/${target.workspace}`, items, notes: [] };
}
