/**
 * `t1612 publish --target sentinel` against a contract ARM server (support/arm-server.ts) that
 * enforces the REST specifications' contract and records every request. Expectations come from the
 * package's ARM templates as `t1612 package --target sentinel` builds them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import { kqlProfiles } from '../../src/backends/kql/profiles.js';
import { sentinelPackage } from '../../src/package/sentinel/index.js';
import { MANAGED_MARKER, watchlistItemId } from '../../src/publish/azure.js';
import { bundledRules } from '../support/rules.js';
import { linesWith, publishCli, type CliRun } from './support/cli.js';
import { API, startArm, type ArmServer } from './support/arm-server.js';

const TOKEN = 'eyJ0eXAiOiJKV1Qi.arm-TOKEN-c0ffee-never-print-me';
const WHERE = { subscription: '00000000-1111-2222-3333-444444444444', resourceGroup: 'rg-sec', workspace: 'law-sentinel' };
const bundled = bundledRules();

interface Template {
  metadata: { detection: string };
  resources: { type: string; name: string; kind?: string; properties: Record<string, unknown> }[];
}

function packaged() {
  const profile = kqlProfiles.find((p) => p.id === 'sentinel')!;
  const compiled = compileRules(bundled.irs, { targets: ['kql'], profiles: ['sentinel'] }, bundled.correlations);
  const files = sentinelPackage.build({ rules: bundled.irs, correlations: bundled.correlations, profile, compiled }).files;
  const json = (path: string) => JSON.parse(String(files.find((f) => f.path === path)!.content)) as Template;
  const arm = files.filter((f) => f.path.startsWith('arm/')).map((f) => json(f.path));
  const rules = arm.map((t) => {
    const r = t.resources.find((x) => x.type.endsWith('/alertRules'))!;
    return { detection: t.metadata.detection, id: /'([0-9a-f-]{36})'\)\]$/.exec(r.name)![1]!, properties: r.properties };
  });
  const functions = arm.flatMap((t) => t.resources.filter((x) => x.type.endsWith('/savedSearches')).map((x) => x.properties));
  const watchlists = files
    .filter((f) => f.path.startsWith('watchlists/'))
    .map((f) => json(f.path).resources[0]!.properties)
    .map((p) => ({ alias: String(p.watchlistAlias), rows: String(p.rawContent).trim().split('\n').length - 1 }));
  return { rules, functions, watchlists };
}

const pkg = packaged();
const OBJECTS = pkg.rules.length + pkg.functions.length + pkg.watchlists.length;

let server: ArmServer;
const runs: CliRun[] = [];
const env = () => ({
  T1612_AZURE_SUBSCRIPTION: WHERE.subscription,
  T1612_AZURE_RESOURCE_GROUP: WHERE.resourceGroup,
  T1612_AZURE_WORKSPACE: WHERE.workspace,
  T1612_AZURE_TOKEN: TOKEN,
  T1612_ARM_URL: server.url,
});
async function publish(args: string[] = [], e: Record<string, string | undefined> = env()): Promise<CliRun> {
  const r = await publishCli(['--target', 'sentinel', ...args], e);
  runs.push(r);
  return r;
}
const writesSince = (n: number) => server.requests.slice(n).filter((q) => q.method !== 'GET');

beforeEach(async () => {
  server = await startArm(TOKEN, WHERE);
});
afterEach(async () => {
  await server.close();
  for (const r of runs.splice(0)) {
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.stderr).not.toContain(TOKEN);
  }
});

it('the package has a workspace function (a query over 10,000 characters) and watchlists to publish', () => {
  expect(pkg.functions.length).toBeGreaterThan(0);
  expect(pkg.watchlists.length).toBeGreaterThan(0);
});

describe('configuration', () => {
  it('each missing variable is one line naming it, exit 2, and no request', async () => {
    const r = await publish([], { T1612_AZURE_SUBSCRIPTION: WHERE.subscription, T1612_AZURE_RESOURCE_GROUP: WHERE.resourceGroup, T1612_ARM_URL: server.url });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('T1612_AZURE_WORKSPACE is not set');
    expect(lines[1]).toContain('T1612_AZURE_TOKEN is not set');
    expect(server.requests).toHaveLength(0);
  });
});

describe('first and second publish', () => {
  it('the first publish creates the functions, watchlists and analytics rules, as the templates have them', async () => {
    const r = await publish();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { state } = server;
    expect([...state.alertRules.keys()].sort()).toEqual(pkg.rules.map((x) => x.id).sort());
    for (const rule of pkg.rules) {
      const published = state.alertRules.get(rule.id)!;
      expect(published.kind).toBe('Scheduled');
      // The query is the package's; the description carries the marker that says t1612 owns it.
      expect(published.properties.query).toBe(rule.properties.query);
      expect(published.properties.description).toBe(`${String(rule.properties.description)}\n\n${MANAGED_MARKER}`);
      for (const k of Object.keys(rule.properties).filter((x) => x !== 'description')) expect(published.properties[k], `${rule.detection} ${k}`).toEqual(rule.properties[k]);
    }
    expect(state.savedSearches.size).toBe(pkg.functions.length);
    for (const f of pkg.functions) expect(state.savedSearches.get(String(f.functionAlias))!.properties).toEqual(f);
    for (const w of pkg.watchlists) {
      const stored = state.watchlists.get(w.alias)!;
      expect(stored.properties.provider).toBe('t1612');
      expect(stored.items.size).toBe(w.rows);
      for (const [id, item] of stored.items) expect(id).toBe(watchlistItemId(w.alias, String((item.properties.itemsKeyValue as Record<string, string>).SearchKey)));
    }
    expect(linesWith(r, 'created')).toHaveLength(OBJECTS);
    expect(r.out.at(-1)).toBe(`published: sentinel ${server.url} (workspace ${WHERE.resourceGroup}/${WHERE.workspace}): ${OBJECTS} create, 0 update, 0 unchanged, 0 delete`);
  });

  it('every request keeps the contract: bearer token, api-version, JSON bodies; dependencies first', async () => {
    await publish();
    for (const q of server.requests) {
      expect(q.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const expected = q.path.includes('/savedSearches') ? API.savedSearches : API.alertRules;
      expect(q.query.get('api-version'), q.path).toBe(expected);
      expect(q.status, `${q.method} ${q.path}`).toBeLessThan(q.method === 'GET' ? 405 : 300);
    }
    const writes = writesSince(0);
    for (const w of writes) {
      expect(w.method).toBe('PUT');
      expect(w.headers['content-type']).toBe('application/json');
      expect(JSON.parse(w.body)).toHaveProperty('properties');
    }
    // Never the bulk rawContent: items go one by one, with ids that a re-run repeats.
    expect(writes.some((w) => w.body.includes('rawContent'))).toBe(false);
    const firstRule = writes.findIndex((w) => w.path.includes('/alertRules/'));
    expect(writes.slice(firstRule).some((w) => !w.path.includes('/alertRules/'))).toBe(false);
  });

  it('the second publish changes nothing: zero writes, every object unchanged', async () => {
    await publish();
    const before = server.requests.length;
    const r = await publish();
    expect(r.code).toBe(0);
    expect(writesSince(before)).toHaveLength(0);
    expect(linesWith(r, 'unchanged')).toHaveLength(OBJECTS);
    expect(r.out.at(-1)).toContain(`0 create, 0 update, ${OBJECTS} unchanged, 0 delete`);
  });

  it('--dry-run --format json gives the plan and writes nothing', async () => {
    const r = await publish(['--dry-run', '--format', 'json']);
    expect(server.writes()).toHaveLength(0);
    const plan = JSON.parse(r.stdout) as { dryRun: boolean; items: { action: string; kind: string }[]; summary: Record<string, number> };
    expect(plan.dryRun).toBe(true);
    expect(plan.summary).toEqual({ create: OBJECTS, update: 0, unchanged: 0, delete: 0 });
    expect(plan.items.map((i) => i.kind)).toContain('function');
  });
});

describe('changes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 't1612-publish-arm-'));
    cpSync('rules', join(dir, 'rules'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an edited rule updates only its analytics rule', async () => {
    const rules = join(dir, 'rules');
    await publish([rules]);
    const file = join(rules, 'dockerfile-in-temp.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
    const before = server.requests.length;
    const r = await publish([rules]);
    expect(r.code).toBe(0);
    const updated = linesWith(r, 'updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatch(/^updated\s+analytics rule\s+dockerfile-in-temp \([0-9a-f-]{36}\)\s+\(.*displayName.*\)$/);
    const writes = writesSince(before);
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]!.body).properties.displayName).toMatch(/\(edited\)$/);
  });

  it('a watchlist item changed or added on the server is put back, by SearchKey, without duplicates', async () => {
    await publish();
    const w = server.state.watchlists.get(pkg.watchlists[0]!.alias)!;
    const [firstId, first] = [...w.items][0]!;
    (first.properties.itemsKeyValue as Record<string, string>).reason = 'edited in the portal';
    w.items.set('99999999-9999-4999-8999-999999999999', { name: '99999999-9999-4999-8999-999999999999', etag: 'x', properties: { itemsKeyValue: { SearchKey: 'stray-host', reason: '', owner: '', expires: '' } } });
    const r = await publish();
    expect(r.out).toContainEqual(expect.stringMatching(/^updated\s+watchlist\s+\S+\s+\(1 item\(s\) to put, 1 to delete\)$/));
    expect(w.items.size).toBe(pkg.watchlists[0]!.rows);
    expect((w.items.get(firstId)!.properties.itemsKeyValue as Record<string, string>).reason).not.toBe('edited in the portal');
  });
});

describe('--prune', () => {
  const seed = () => {
    const { state } = server;
    const rule = (id: string, description: string) => state.alertRules.set(id, { name: id, etag: 'e', kind: 'Scheduled', properties: { displayName: `rule ${id.slice(0, 4)}`, description } });
    rule('aaaaaaaa-0000-5000-8000-000000000001', `Retired detection.\n\n${MANAGED_MARKER}`);
    rule('bbbbbbbb-0000-4000-8000-000000000002', 'A rule the SOC wrote by hand.');
    state.savedSearches.set('t1612_retired', { name: 't1612_retired', etag: 'e', properties: { category: 't1612', displayName: 't1612_retired', query: 'print 1' } });
    state.savedSearches.set('soc_helper', { name: 'soc_helper', etag: 'e', properties: { category: 'SOC', displayName: 'soc_helper', query: 'print 1' } });
    state.watchlists.set('retired_list', { name: 'retired_list', etag: 'e', properties: { watchlistAlias: 'retired_list', provider: 't1612' }, items: new Map() });
    state.watchlists.set('vip_users', { name: 'vip_users', etag: 'e', properties: { watchlistAlias: 'vip_users', provider: 'Microsoft' }, items: new Map() });
  };

  it('--dry-run --prune lists only t1612 stale objects; --prune deletes them, rules first', async () => {
    await publish();
    seed();
    const before = server.requests.length;
    const dry = await publish(['--dry-run', '--prune']);
    expect(writesSince(before)).toHaveLength(0);
    expect(linesWith(dry, 'delete').map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'delete analytics rule rule aaaa (aaaaaaaa-0000-5000-8000-000000000001) (no longer in the package)',
      'delete function t1612_retired (no longer in the package)',
      'delete watchlist retired_list (no longer in the package)',
    ]);
    const plain = await publish(['--dry-run']);
    expect(linesWith(plain, 'delete')).toHaveLength(0);
    const r = await publish(['--prune']);
    expect(r.code).toBe(0);
    const { state } = server;
    expect(state.alertRules.has('aaaaaaaa-0000-5000-8000-000000000001')).toBe(false);
    expect(state.savedSearches.has('t1612_retired')).toBe(false);
    expect(state.watchlists.has('retired_list')).toBe(false);
    expect(state.alertRules.has('bbbbbbbb-0000-4000-8000-000000000002')).toBe(true);
    expect(state.savedSearches.has('soc_helper')).toBe(true);
    expect(state.watchlists.has('vip_users')).toBe(true);
    expect(state.alertRules.size).toBe(pkg.rules.length + 1);
  });
});

describe('rate limits, outages and refusals', () => {
  it('429 then success, honouring Retry-After', async () => {
    server.faults.throttle(2, '3');
    const r = await publish();
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([3000, 3000]);
  });

  it('503 with Retry-After, then success', async () => {
    server.faults.unavailable(1, '12');
    const r = await publish();
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([12_000]);
  });

  it('a Retry-After beyond the cap waits the cap', async () => {
    server.faults.throttle(1, '86400');
    const r = await publish();
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([60_000]);
  });

  it("a 400 stops with ARM's error code and message, exit 1, after what came before", async () => {
    server.faults.reject((q) => q.method === 'PUT' && q.url.pathname.includes('/alertRules/'), 400, 'The query is invalid: unknown table DeviceProcessEventz.');
    const r = await publish();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/t1612 publish: create analytics rule "\S+ \([0-9a-f-]{36}\)" failed: PUT \/subscriptions\/.*\/alertRules\/[0-9a-f-]{36}\?api-version=2023-02-01: 400 Bad Request: BadRequest: The query is invalid: unknown table DeviceProcessEventz\./);
    expect(server.state.savedSearches.size).toBe(pkg.functions.length);
    expect(server.state.watchlists.size).toBe(pkg.watchlists.length);
    expect(server.state.alertRules.size).toBe(0);
  });

  it('a server that fails every write after N: the run fails; the re-run completes the rest; nothing duplicated', async () => {
    server.faults.failWritesAfter(4);
    const first = await publish();
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('500 Internal Server Error after 6 attempt(s): InternalServerError: internal error');
    server.faults.heal();
    const second = await publish();
    expect(second.code).toBe(0);
    const { state } = server;
    expect(state.alertRules.size).toBe(pkg.rules.length);
    expect(state.savedSearches.size).toBe(pkg.functions.length);
    for (const w of pkg.watchlists) expect(state.watchlists.get(w.alias)!.items.size).toBe(w.rows);
    const before = server.requests.length;
    await publish();
    expect(writesSince(before)).toHaveLength(0);
  });

  it('a connection dropped after a write was applied: the PUT is repeated, nothing duplicated', async () => {
    server.faults.dropWriteAfter(2);
    const r = await publish();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/retrying PUT \S+ after a network error/);
    for (const w of pkg.watchlists) expect(server.state.watchlists.get(w.alias)!.items.size).toBe(w.rows);
    expect(server.state.alertRules.size).toBe(pkg.rules.length);
  });

  it('never prints the token, in text or JSON, even when the server echoes it', async () => {
    server.faults.reject((q) => q.method === 'PUT', 403, `The client with token ${TOKEN} has no authorization to perform action Microsoft.SecurityInsights/alertRules/write`);
    const json = await publish(['--format', 'json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { error: { message: string } }).error.message).toContain('The client with token *** has no authorization');
    const wrong = await publish([], { ...env(), T1612_AZURE_TOKEN: 'not-the-right-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
  });
});
