/**
 * A Splunk management port (REST API) for contract tests, enforcing what the REST API Reference
 * documents for the endpoints t1612 publish uses, and recording every request:
 *
 * - `Authorization: Bearer <token>` (401 otherwise); JSON answers only, so `output_mode=json` is
 *   required on every EAI endpoint (the KV store data endpoints speak JSON anyway);
 * - `/services/apps/local/<app>`; `/servicesNS/nobody/<app>/…` of an app that does not exist is 404;
 * - `saved/searches`: POST to the collection creates (`name` and `search` required; 201; 409 when
 *   the name exists), POST to the entity updates (200; 404 when absent; `name` is not accepted
 *   there), form-encoded bodies only, and only the documented parameters (a .conf-only key such as
 *   `enableSched` or `counttype` is "not supported by this handler"); GET answers flags as JSON
 *   booleans, as Splunk does; lists honour `count` (default 30) and `offset`; DELETE;
 * - `configs/conf-macros`: the same create/update/get/list/delete contract over stanzas;
 * - `storage/collections/config`: POST `name` creates (201; 409 when it exists); DELETE drops the
 *   collection and its rows;
 * - `storage/collections/data/<c>`: GET the rows (JSON array); `…/batch_save` takes a JSON array
 *   (Content-Type application/json), a document with a `_key` replaces that row, one without is
 *   inserted under a new key; `…/<_key>` DELETE;
 * - `data/transforms/lookups/<name>`: the lookup definitions the app ships (seeded);
 * - `data/lookup-table-files`: POST `eai:data` is accepted only from the lookup staging area
 *   (`$SPLUNK_HOME/var/run/splunk/lookup_tmp/`): a file cannot be uploaded, only moved into place.
 */
import { randomUUID } from 'node:crypto';
import { formOf, jsonOf, startServer, type Req, type Res, type TestServer } from './server.js';

export const STAGING = '/opt/splunk/var/run/splunk/lookup_tmp/';

export interface SplunkObj {
  readonly name: string;
  app: string;
  content: Record<string, string>;
}

export interface SplunkState {
  readonly apps: Set<string>;
  readonly savedSearches: Map<string, SplunkObj>;
  readonly macros: Map<string, SplunkObj>;
  readonly collections: Map<string, { app: string; rows: Map<string, Record<string, unknown>> }>;
  readonly lookups: Map<string, { app: string; filename: string }>;
  readonly lookupFiles: Map<string, { app: string; from: string }>;
}

export interface SplunkServer extends TestServer {
  readonly state: SplunkState;
}

const SAVED_SEARCH_PARAMS = new Set(['search', 'description', 'is_scheduled', 'cron_schedule', 'realtime_schedule', 'schedule_window', 'disabled', 'actions', 'alert_type', 'alert_comparator', 'alert_threshold', 'alert_condition', 'is_visible']);
const SAVED_SEARCH_PREFIXES = ['dispatch.', 'alert.', 'action.', 'args.', 'display.', 'request.'];
const BOOLEAN_KEYS = new Set(['is_scheduled', 'realtime_schedule', 'disabled', 'alert.digest_mode', 'alert.suppress', 'alert.track']);

const error = (status: number, _code: string, text: string) => ({ messages: [{ type: 'ERROR', text }] });
const fail = (status: number, text: string): Res => ({ status, body: error(status, '', text) });

function asJson(o: SplunkObj, booleans: boolean): unknown {
  const content: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o.content)) content[k] = booleans && BOOLEAN_KEYS.has(k) ? v === '1' || v.toLowerCase() === 'true' : v;
  return { name: o.name, acl: { app: o.app, owner: 'nobody', sharing: 'app' }, content };
}

function feed(entries: unknown[], query: URLSearchParams): unknown {
  const count = Number(query.get('count') ?? '30');
  const offset = Number(query.get('offset') ?? '0');
  const page = count === 0 ? entries.slice(offset) : entries.slice(offset, offset + count);
  return { entry: page, paging: { total: entries.length, perPage: count, offset } };
}

/** The EAI contract of one kind of named object (saved searches, macro stanzas). */
function objects(r: Req, app: string, rest: readonly string[], store: Map<string, SplunkObj>, opts: { accepts?: (key: string) => boolean; required: readonly string[]; booleans: boolean }): Res {
  const [name] = rest;
  const sorted = () => [...store.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (r.method === 'GET') {
    if (name === undefined) return { status: 200, body: feed(sorted().map((o) => asJson(o, opts.booleans)), r.query) };
    const o = store.get(name);
    return o ? { status: 200, body: { entry: [asJson(o, opts.booleans)] } } : fail(404, `Could not find object id=${name}`);
  }
  if (r.method === 'DELETE') {
    if (name === undefined) return fail(405, 'DELETE needs an object');
    if (!store.delete(name)) return fail(404, `Could not find object id=${name}`);
    return { status: 200, body: { entry: [] } };
  }
  if (r.method !== 'POST') return fail(405, `${r.method} is not allowed here`);
  const form = formOf(r);
  if (typeof form === 'string') return fail(400, form);
  form.delete('output_mode');
  for (const k of new Set(form.keys())) if (k !== 'name' && opts.accepts && !opts.accepts(k)) return fail(400, `Argument "${k}" is not supported by this handler.`);
  if (name === undefined) {
    const newName = form.get('name');
    if (!newName) return fail(400, 'Missing argument: name');
    for (const req of opts.required) if (!form.get(req)) return fail(400, `Missing argument: ${req}`);
    if (store.has(newName)) return fail(409, `An object with name=${newName} already exists`);
    const content: Record<string, string> = {};
    for (const [k, v] of form) if (k !== 'name') content[k] = v;
    const o: SplunkObj = { name: newName, app, content };
    store.set(newName, o);
    return { status: 201, body: { entry: [asJson(o, opts.booleans)] } };
  }
  const o = store.get(name);
  if (!o) return fail(404, `Could not find object id=${name}`);
  if (form.has('name')) return fail(400, 'Argument "name" is not supported by this handler.');
  for (const [k, v] of form) o.content[k] = v;
  return { status: 200, body: { entry: [asJson(o, opts.booleans)] } };
}

export async function startSplunk(token: string, opts: { apps?: string[] } = {}): Promise<SplunkServer> {
  const state: SplunkState = {
    apps: new Set(opts.apps ?? ['t1612_detections', 'search']),
    savedSearches: new Map(),
    macros: new Map(),
    collections: new Map(),
    lookups: new Map(),
    lookupFiles: new Map(),
  };

  const handle = (r: Req): Res => {
    const s = r.segments;
    if (s[0] === 'services' && s[1] === 'apps' && s[2] === 'local' && s.length === 4 && r.method === 'GET') {
      if (r.query.get('output_mode') !== 'json') return fail(400, 'contract: output_mode=json is required');
      return state.apps.has(s[3]!) ? { status: 200, body: { entry: [{ name: s[3], content: {} }] } } : fail(404, `Could not find object id=${s[3]}`);
    }
    if (s[0] !== 'servicesNS' || s.length < 4) return fail(404, `unknown endpoint ${r.url.pathname}`);
    if (s[1] !== 'nobody') return fail(400, `contract: t1612 objects belong to the app (owner nobody), not to user ${s[1]}`);
    const app = s[2]!;
    if (!state.apps.has(app)) return fail(404, `Application does not exist: ${app}`);
    const rest = s.slice(3);
    const kvData = rest[0] === 'storage' && rest[1] === 'collections' && rest[2] === 'data';
    const outputMode = r.query.get('output_mode') ?? (String(r.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(r.body).get('output_mode') : null);
    if (!kvData && outputMode !== 'json') return fail(400, 'contract: output_mode=json is required (this server answers JSON only)');

    if (rest[0] === 'saved' && rest[1] === 'searches' && rest.length <= 3)
      return objects(r, app, rest.slice(2), state.savedSearches, { accepts: (k) => SAVED_SEARCH_PARAMS.has(k) || SAVED_SEARCH_PREFIXES.some((p) => k.startsWith(p)), required: ['search'], booleans: true });
    if (rest[0] === 'configs' && rest[1] === 'conf-macros' && rest.length <= 3) return objects(r, app, rest.slice(2), state.macros, { required: [], booleans: false });

    if (rest[0] === 'storage' && rest[1] === 'collections' && rest[2] === 'config' && rest.length <= 4) {
      const name = rest[3];
      const entry = (n: string, c: { app: string }) => ({ name: n, acl: { app: c.app, owner: 'nobody', sharing: 'app' }, content: {} });
      if (r.method === 'GET') {
        if (name === undefined) return { status: 200, body: feed([...state.collections].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, c]) => entry(n, c)), r.query) };
        const c = state.collections.get(name);
        return c ? { status: 200, body: { entry: [entry(name, c)] } } : fail(404, `Could not find object id=${name}`);
      }
      if (r.method === 'DELETE' && name !== undefined) return state.collections.delete(name) ? { status: 200, body: { entry: [] } } : fail(404, `Could not find object id=${name}`);
      if (r.method === 'POST' && name === undefined) {
        const form = formOf(r);
        if (typeof form === 'string') return fail(400, form);
        const n = form.get('name');
        if (!n) return fail(400, 'Missing argument: name');
        if (state.collections.has(n)) return fail(409, `An object with name=${n} already exists`);
        state.collections.set(n, { app, rows: new Map() });
        return { status: 201, body: { entry: [entry(n, { app })] } };
      }
      return fail(405, `${r.method} is not allowed here`);
    }

    if (kvData && rest.length >= 4 && rest.length <= 5) {
      const c = state.collections.get(rest[3]!);
      if (!c) return fail(404, `Collection not found: ${rest[3]}`);
      if (rest.length === 4 && r.method === 'GET') return { status: 200, body: [...c.rows.values()] };
      if (rest.length === 5 && rest[4] === 'batch_save' && r.method === 'POST') {
        const parsed = jsonOf(r);
        if (typeof parsed === 'string') return fail(400, parsed);
        if (!Array.isArray(parsed.value)) return fail(400, 'batch_save takes a JSON array of documents');
        const keys: string[] = [];
        for (const doc of parsed.value as Record<string, unknown>[]) {
          const key = typeof doc._key === 'string' && doc._key !== '' ? doc._key : randomUUID().replace(/-/g, '').slice(0, 24);
          c.rows.set(key, { ...doc, _key: key, _user: 'nobody' });
          keys.push(key);
        }
        return { status: 200, body: keys };
      }
      if (rest.length === 5 && r.method === 'DELETE') return c.rows.delete(rest[4]!) ? { status: 200, body: '' } : fail(404, `Document not found: ${rest[4]}`);
      return fail(405, `${r.method} is not allowed here`);
    }

    if (rest[0] === 'data' && rest[1] === 'transforms' && rest[2] === 'lookups' && rest.length === 4 && r.method === 'GET') {
      const l = state.lookups.get(rest[3]!);
      return l ? { status: 200, body: { entry: [{ name: rest[3], acl: { app: l.app }, content: { filename: l.filename } }] } } : fail(404, `Could not find object id=${rest[3]}`);
    }

    if (rest[0] === 'data' && rest[1] === 'lookup-table-files' && rest.length === 2 && r.method === 'POST') {
      const form = formOf(r);
      if (typeof form === 'string') return fail(400, form);
      const from = form.get('eai:data') ?? '';
      const name = form.get('name');
      if (!name) return fail(400, 'Missing argument: name');
      if (!from.startsWith(STAGING)) return fail(400, `In handler 'lookup-table-file': ${from}: the lookup file must be in the staging area (${STAGING})`);
      state.lookupFiles.set(name, { app, from });
      return { status: 201, body: { entry: [{ name, acl: { app } }] } };
    }
    return fail(404, `unknown endpoint ${r.url.pathname}`);
  };

  const server = await startServer(token, error, handle);
  return { ...server, state };
}
