/**
 * Azure Resource Manager for one Log Analytics workspace, for contract tests, enforcing what the
 * REST specifications (azure-rest-api-specs: SecurityInsights 2023-02-01 AlertRules.json and
 * Watchlists.json, OperationalInsights 2020-08-01 SavedSearches.json) say, and recording every
 * request:
 *
 * - `Authorization: Bearer <token>` (401 otherwise); `api-version` on every request, and the one the
 *   resource type is published under (400 MissingApiVersionParameter / InvalidApiVersionParameter);
 *   the subscription, resource group and workspace must be this one's (404);
 * - PUT bodies are JSON (Content-Type application/json) with the required properties;
 * - alertRules/{ruleId}: GET (404 NotFound), PUT `{kind, properties}` (201 created, 200 updated),
 *   DELETE (200, or 204 when absent); the list is paged with `nextLink`;
 * - savedSearches/{id}: PUT answers 200; overriding an existing one needs `etag` `*` or the current
 *   etag (409 without one, 412 with a stale one), as the spec's etag description says;
 * - watchlists/{alias}: PUT (displayName, source, provider, itemsSearchKey required; `rawContent`
 *   creates its items, under new ids, every time it is sent); DELETE drops the items; paged list;
 * - watchlists/{alias}/watchlistItems/{id}: the id must be a GUID; PUT `{properties:{itemsKeyValue}}`
 *   (201/200); paged list (2 per page); DELETE (200/204).
 */
import { randomUUID } from 'node:crypto';
import { jsonOf, startServer, type Req, type Res, type TestServer } from './server.js';

export const API = { alertRules: '2023-02-01', watchlists: '2023-02-01', savedSearches: '2020-08-01' } as const;
const SCHEDULED_REQUIRED = ['displayName', 'enabled', 'query', 'queryFrequency', 'queryPeriod', 'severity', 'triggerOperator', 'triggerThreshold', 'suppressionDuration', 'suppressionEnabled'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ArmObj {
  name: string;
  etag: string;
  kind?: string;
  properties: Record<string, unknown>;
}

export interface ArmState {
  readonly alertRules: Map<string, ArmObj>;
  readonly savedSearches: Map<string, ArmObj>;
  readonly watchlists: Map<string, ArmObj & { items: Map<string, ArmObj> }>;
}

export interface ArmServer extends TestServer {
  readonly state: ArmState;
  readonly workspacePath: string;
}

const error = (_status: number, code: string, message: string) => ({ error: { code, message } });
const fail = (status: number, code: string, message: string): Res => ({ status, body: error(status, code, message) });

export async function startArm(token: string, where: { subscription: string; resourceGroup: string; workspace: string }): Promise<ArmServer> {
  const state: ArmState = { alertRules: new Map(), savedSearches: new Map(), watchlists: new Map() };
  const workspacePath = `/subscriptions/${where.subscription}/resourceGroups/${where.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${where.workspace}`;
  let origin = '';

  const resource = (type: string, path: string, o: ArmObj) => ({ id: `${workspacePath}/${path}`, name: o.name, type, etag: o.etag, ...(o.kind ? { kind: o.kind } : {}), properties: o.properties });

  const page = (r: Req, values: unknown[], size: number): Res => {
    const skip = Number(r.query.get('$skipToken') ?? '0');
    const next = skip + size < values.length ? `${origin}${r.url.pathname}?api-version=${r.query.get('api-version')}&$skipToken=${skip + size}` : undefined;
    return { status: 200, body: { value: values.slice(skip, skip + size), ...(next ? { nextLink: next } : {}) } };
  };

  const body = (r: Req): { properties: Record<string, unknown>; kind?: string; etag?: string } | Res => {
    const parsed = jsonOf(r);
    if (typeof parsed === 'string') return fail(400, 'InvalidRequestContent', parsed);
    const v = parsed.value as { properties?: unknown; kind?: string; etag?: string };
    if (typeof v !== 'object' || v === null || typeof v.properties !== 'object' || v.properties === null) return fail(400, 'InvalidRequestContent', 'the body has no properties object');
    return v as { properties: Record<string, unknown>; kind?: string; etag?: string };
  };
  const missing = (props: Record<string, unknown>, required: readonly string[]) => required.filter((k) => props[k] === undefined || props[k] === null);

  const handle = (r: Req): Res => {
    const s = r.segments;
    const ws = ['subscriptions', where.subscription, 'resourceGroups', where.resourceGroup, 'providers', 'Microsoft.OperationalInsights', 'workspaces', where.workspace];
    if (s.length < ws.length || !ws.every((p, i) => p.toLowerCase() === s[i]!.toLowerCase())) return fail(404, 'ResourceNotFound', `no workspace at ${r.url.pathname}`);
    const rest = s.slice(ws.length);
    const version = r.query.get('api-version');
    const expect = (v: string): Res | undefined =>
      version === null ? fail(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.') : version !== v ? fail(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${v}'.`) : undefined;

    // Log Analytics saved searches (workspace functions).
    if (rest[0] === 'savedSearches' && rest.length <= 2) {
      const bad = expect(API.savedSearches);
      if (bad) return bad;
      const id = rest[1];
      const type = 'Microsoft.OperationalInsights/workspaces/savedSearches';
      if (id === undefined) return r.method === 'GET' ? { status: 200, body: { value: [...state.savedSearches.values()].map((o) => resource(type, `savedSearches/${o.name}`, o)) } } : fail(405, 'MethodNotAllowed', r.method);
      const o = state.savedSearches.get(id);
      if (r.method === 'GET') return o ? { status: 200, body: resource(type, `savedSearches/${id}`, o) } : fail(404, 'NotFound', `saved search ${id} not found`);
      if (r.method === 'DELETE') return state.savedSearches.delete(id) ? { status: 200 } : { status: 200 };
      if (r.method !== 'PUT') return fail(405, 'MethodNotAllowed', r.method);
      const b = body(r);
      if ('status' in b) return b;
      const gaps = missing(b.properties, ['category', 'displayName', 'query']);
      if (gaps.length) return fail(400, 'BadRequest', `missing required properties: ${gaps.join(', ')}`);
      if (o && b.etag === undefined) return fail(409, 'Conflict', `saved search ${id} exists: to override it, send etag "*" or its current etag`);
      if (o && b.etag !== '*' && b.etag !== o.etag) return fail(412, 'PreconditionFailed', `etag ${b.etag} is not the current one`);
      const next: ArmObj = { name: id, etag: randomUUID(), properties: b.properties };
      state.savedSearches.set(id, next);
      return { status: 200, body: resource(type, `savedSearches/${id}`, next) };
    }

    if (rest[0] !== 'providers' || rest[1] !== 'Microsoft.SecurityInsights') return fail(404, 'NotFound', `unknown endpoint ${r.url.pathname}`);
    const sub = rest.slice(2);

    if (sub[0] === 'alertRules' && sub.length <= 2) {
      const bad = expect(API.alertRules);
      if (bad) return bad;
      const type = 'Microsoft.SecurityInsights/alertRules';
      const id = sub[1];
      if (id === undefined) return r.method === 'GET' ? page(r, [...state.alertRules.values()].map((o) => resource(type, `providers/Microsoft.SecurityInsights/alertRules/${o.name}`, o)), 5) : fail(405, 'MethodNotAllowed', r.method);
      const o = state.alertRules.get(id);
      const path = `providers/Microsoft.SecurityInsights/alertRules/${id}`;
      if (r.method === 'GET') return o ? { status: 200, body: resource(type, path, o) } : fail(404, 'NotFound', `alert rule ${id} not found`);
      if (r.method === 'DELETE') return state.alertRules.delete(id) ? { status: 200 } : { status: 204 };
      if (r.method !== 'PUT') return fail(405, 'MethodNotAllowed', r.method);
      const b = body(r);
      if ('status' in b) return b;
      if (b.kind !== 'Scheduled') return fail(400, 'BadRequest', `kind must be Scheduled, got ${String(b.kind)}`);
      const gaps = missing(b.properties, SCHEDULED_REQUIRED);
      if (gaps.length) return fail(400, 'BadRequest', `missing required properties: ${gaps.join(', ')}`);
      const next: ArmObj = { name: id, etag: randomUUID(), kind: b.kind, properties: { ...b.properties, lastModifiedUtc: new Date(0).toISOString(), alertRuleTemplateName: null } };
      state.alertRules.set(id, next);
      return { status: o ? 200 : 201, body: resource(type, path, next) };
    }

    if (sub[0] === 'watchlists' && sub.length <= 4) {
      const bad = expect(API.watchlists);
      if (bad) return bad;
      const type = 'Microsoft.SecurityInsights/watchlists';
      const alias = sub[1];
      if (alias === undefined) return r.method === 'GET' ? page(r, [...state.watchlists.values()].map((o) => resource(type, `providers/Microsoft.SecurityInsights/watchlists/${o.name}`, o)), 5) : fail(405, 'MethodNotAllowed', r.method);
      const w = state.watchlists.get(alias);
      const path = `providers/Microsoft.SecurityInsights/watchlists/${alias}`;
      if (sub.length === 2) {
        if (r.method === 'GET') return w ? { status: 200, body: resource(type, path, w) } : fail(404, 'NotFound', `watchlist ${alias} not found`);
        if (r.method === 'DELETE') return state.watchlists.delete(alias) ? { status: 200 } : { status: 204 };
        if (r.method !== 'PUT') return fail(405, 'MethodNotAllowed', r.method);
        const b = body(r);
        if ('status' in b) return b;
        const gaps = missing(b.properties, ['displayName', 'source', 'provider', 'itemsSearchKey']);
        if (gaps.length) return fail(400, 'BadRequest', `missing required properties: ${gaps.join(', ')}`);
        const { rawContent, ...props } = b.properties;
        const next = { name: alias, etag: randomUUID(), properties: { ...props, watchlistAlias: alias }, items: w?.items ?? new Map<string, ArmObj>() };
        if (typeof rawContent === 'string') {
          const [header, ...rows] = rawContent.trim().split('\n').map((l) => l.split(','));
          for (const row of rows) {
            const id = randomUUID();
            next.items.set(id, { name: id, etag: randomUUID(), properties: { watchlistItemId: id, itemsKeyValue: Object.fromEntries((header ?? []).map((h, i) => [h, row[i] ?? ''])) } });
          }
        }
        state.watchlists.set(alias, next);
        return { status: w ? 200 : 201, body: resource(type, path, next) };
      }
      if (sub[2] !== 'watchlistItems') return fail(404, 'NotFound', `unknown endpoint ${r.url.pathname}`);
      if (!w) return fail(404, 'NotFound', `watchlist ${alias} not found`);
      const itemType = 'Microsoft.SecurityInsights/watchlists/watchlistItems';
      const itemId = sub[3];
      if (itemId === undefined) return r.method === 'GET' ? page(r, [...w.items.values()].map((o) => resource(itemType, `${path}/watchlistItems/${o.name}`, o)), 2) : fail(405, 'MethodNotAllowed', r.method);
      if (!GUID.test(itemId)) return fail(400, 'BadRequest', `watchlist item id ${itemId} is not a GUID`);
      const item = w.items.get(itemId);
      if (r.method === 'GET') return item ? { status: 200, body: resource(itemType, `${path}/watchlistItems/${itemId}`, item) } : fail(404, 'NotFound', `item ${itemId} not found`);
      if (r.method === 'DELETE') return w.items.delete(itemId) ? { status: 200 } : { status: 204 };
      if (r.method !== 'PUT') return fail(405, 'MethodNotAllowed', r.method);
      const b = body(r);
      if ('status' in b) return b;
      if (typeof b.properties.itemsKeyValue !== 'object' || b.properties.itemsKeyValue === null) return fail(400, 'BadRequest', 'itemsKeyValue is required');
      const next: ArmObj = { name: itemId, etag: randomUUID(), properties: { watchlistItemId: itemId, itemsKeyValue: b.properties.itemsKeyValue } };
      w.items.set(itemId, next);
      return { status: item ? 200 : 201, body: resource(itemType, `${path}/watchlistItems/${itemId}`, next) };
    }
    return fail(404, 'NotFound', `unknown endpoint ${r.url.pathname}`);
  };

  const server = await startServer(token, error, handle);
  origin = server.url;
  return { ...server, state, workspacePath };
}
