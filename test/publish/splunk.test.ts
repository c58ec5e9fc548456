/**
 * `t1612 publish --target splunk` against a contract server (support/splunk-server.ts) that enforces
 * the REST API's documented contract and records every request. Expectations come from the package
 * as `t1612 package` builds it, read with the independent .conf reader (test/support/conf.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileRules, profilesOf } from '../../src/compile.js';
import { splunkPackage } from '../../src/package/splunk/index.js';
import { bundledRules } from '../support/rules.js';
import { readConf } from '../support/conf.js';
import { linesWith, publishCli, T0, type CliRun } from './support/cli.js';
import { startSplunk, STAGING, type SplunkServer } from './support/splunk-server.js';

const TOKEN = 'splk-TOKEN-7f3a9c1e5b2d-never-print-me';
const APP = 't1612_detections';
const bundled = bundledRules();

/** The package as `t1612 package --target splunk` builds it for sysmon_linux. */
function packaged() {
  const profile = profilesOf('spl').find((p) => p.id === 'sysmon_linux')!;
  const compiled = compileRules(bundled.irs, { targets: ['spl'], profiles: ['sysmon_linux'] }, bundled.correlations);
  const files = splunkPackage.build({ rules: bundled.irs, correlations: bundled.correlations, profile, compiled }).files;
  const text = (p: string) => {
    const f = files.find((x) => x.path === `${APP}/${p}`)!;
    return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
  };
  const searches = readConf(text('default/savedsearches.conf')).stanzas.filter((s) => s.name !== 'default');
  const macros = readConf(text('default/macros.conf')).stanzas.filter((s) => s.name !== 'default');
  const lookups = files
    .filter((f) => f.path.startsWith(`${APP}/lookups/`))
    .map((f) => ({ name: f.path.slice(`${APP}/lookups/`.length, -4), rows: String(f.content).trim().split('\n').length - 1 }));
  return { searches, macros, lookups };
}

const pkg = packaged();

let server: SplunkServer;
const runs: CliRun[] = [];
const env = () => ({ T1612_SPLUNK_URL: server.url, T1612_SPLUNK_TOKEN: TOKEN });
async function publish(args: string[] = [], e: Record<string, string | undefined> = env()): Promise<CliRun> {
  const r = await publishCli(['--target', 'splunk', ...args], e);
  runs.push(r);
  return r;
}
const writes = () => server.writes();

beforeEach(async () => {
  server = await startSplunk(TOKEN);
});
afterEach(async () => {
  await server.close();
  // Whatever happened, the token was never printed.
  for (const r of runs.splice(0)) {
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.stderr).not.toContain(TOKEN);
  }
});

describe('configuration', () => {
  it('a missing variable is one line naming it, exit 2, and no request', async () => {
    const r = await publish([], { T1612_SPLUNK_URL: server.url });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('T1612_SPLUNK_TOKEN is not set');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a plain-http URL off the loopback interface', async () => {
    const r = await publish([], { T1612_SPLUNK_URL: 'http://splunk.example.com:8089', T1612_SPLUNK_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('T1612_SPLUNK_URL must be an https URL');
  });

  it('an app that is not installed stops before any write, naming the way out', async () => {
    const r = await publish([], { ...env(), T1612_SPLUNK_APP: 'no_such_app' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the Splunk app no_such_app is not installed');
    expect(r.stderr).toContain('t1612 package --target splunk');
    expect(writes()).toHaveLength(0);
  });
});

describe('first and second publish', () => {
  it('the first publish creates every saved search, macro and KV store collection, as the package has them', async () => {
    const r = await publish();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { state } = server;
    expect([...state.savedSearches.keys()].sort()).toEqual(pkg.searches.map((s) => s.name).sort());
    expect([...state.macros.keys()].sort()).toEqual(pkg.macros.map((s) => s.name).sort());
    // The published search text is the package's, byte for byte; so is every other setting.
    const rest: Record<string, string> = { enableSched: 'is_scheduled', counttype: 'alert_type', relation: 'alert_comparator', quantity: 'alert_threshold' };
    for (const s of pkg.searches) {
      const published = state.savedSearches.get(s.name)!;
      expect(published.app).toBe(APP);
      for (const [k, v] of s.settings) expect(published.content[rest[k] ?? k], `${s.name} ${k}`).toBe(v);
      expect(published.content.search).toBe(s.settings.get('search'));
    }
    for (const m of pkg.macros) for (const [k, v] of m.settings) expect(state.macros.get(m.name)!.content[k]).toBe(v);
    // Allowlist rows: one per entry, keyed by the entry's value.
    expect([...state.collections.keys()].sort()).toEqual(pkg.lookups.map((l) => l.name).sort());
    for (const l of pkg.lookups) {
      const rows = state.collections.get(l.name)!.rows;
      expect(rows.size).toBe(l.rows);
      for (const [key, doc] of rows) expect(doc.value).toBe(key);
    }
    // Every line says created; the summary counts them.
    const objects = pkg.searches.length + pkg.macros.length + pkg.lookups.length;
    expect(linesWith(r, 'created')).toHaveLength(objects);
    expect(r.out.at(-1)).toBe(`published: splunk ${server.url} (app ${APP}): ${objects} create, 0 update, 0 unchanged, 0 delete`);
  });

  it('every request keeps the documented contract', async () => {
    await publish();
    for (const q of server.requests) {
      expect(q.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(q.status, `${q.method} ${q.path}`).toBeGreaterThanOrEqual(200);
      expect(q.status, `${q.method} ${q.path}`).toBeLessThan(q.method === 'GET' ? 405 : 300);
      if (!q.path.includes('storage/collections/data')) expect(q.query.get('output_mode')).toBe('json');
      expect(q.path.startsWith(`servicesNS/nobody/${APP}/`) || q.path === `services/apps/local/${APP}`).toBe(true);
    }
    for (const w of writes()) {
      expect(w.method).toBe('POST');
      expect(w.headers['content-type']).toBe(w.path.endsWith('/batch_save') ? 'application/json' : 'application/x-www-form-urlencoded');
    }
    // Creates are POSTs to the collections with a name.
    const creates = writes().filter((w) => w.path === `servicesNS/nobody/${APP}/saved/searches`);
    expect(creates).toHaveLength(pkg.searches.length);
    for (const c of creates) expect(new URLSearchParams(c.body).get('name')).toMatch(/^t1612 - /);
    // No lookup file is uploaded: REST cannot (see the staging test).
    expect(server.requests.some((q) => q.path.includes('lookup-table-files'))).toBe(false);
  });

  it('the second publish changes nothing: zero writes, every object unchanged', async () => {
    await publish();
    const before = server.requests.length;
    const r = await publish();
    expect(r.code).toBe(0);
    expect(server.requests.slice(before).filter((q) => q.method !== 'GET')).toHaveLength(0);
    const objects = pkg.searches.length + pkg.macros.length + pkg.lookups.length;
    expect(linesWith(r, 'unchanged')).toHaveLength(objects);
    expect(r.out.at(-1)).toContain(`0 create, 0 update, ${objects} unchanged, 0 delete`);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const r = await publish(['--dry-run']);
    expect(r.code).toBe(0);
    expect(writes()).toHaveLength(0);
    expect(linesWith(r, 'create')).toHaveLength(pkg.searches.length + pkg.macros.length + pkg.lookups.length);
    expect(r.out.some((l) => /^create\s+saved search\s+t1612 - docker-build-risk - Rule$/.test(l))).toBe(true);
    expect(r.out.some((l) => /^create\s+kv collection\s+t1612_approved_build_hosts\s+\(3 row\(s\)\)$/.test(l))).toBe(true);
    expect(r.out.at(-1)).toMatch(/^dry run, nothing written: splunk .* \(app t1612_detections\): \d+ create, 0 update, 0 unchanged, 0 delete$/);
  });

  it('--format json gives the plan and the result as JSON', async () => {
    const dry = await publish(['--dry-run', '--format', 'json']);
    const plan = JSON.parse(dry.stdout) as { dryRun: boolean; items: { action: string; status: string }[]; summary: Record<string, number>; ok: boolean };
    expect(plan.dryRun).toBe(true);
    expect(plan.items.every((i) => i.action === 'create' && i.status === 'planned')).toBe(true);
    const real = await publish(['--format', 'json']);
    const result = JSON.parse(real.stdout) as typeof plan & { applied: number };
    expect(result.ok).toBe(true);
    expect(result.applied).toBe(plan.items.length);
    expect(result.items.every((i) => i.status === 'applied')).toBe(true);
    expect(result.summary).toEqual(plan.summary);
  });
});

describe('changes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 't1612-publish-'));
    cpSync('rules', join(dir, 'rules'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an edited rule updates only its own objects, and only the settings that differ', async () => {
    const rules = join(dir, 'rules');
    await publish([rules]);
    const file = join(rules, 'docker-build-risk.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('scored by the traits of an adversary', 'scored by the risky traits of an adversary'));
    const before = server.requests.length;
    const r = await publish([rules]);
    expect(r.code).toBe(0);
    const updated = linesWith(r, 'updated');
    expect(updated.length).toBeGreaterThan(0);
    for (const l of updated) expect(l).toMatch(/docker-build-risk|docker_build_risk/);
    expect(linesWith(r, 'created')).toHaveLength(0);
    const changed = server.requests.slice(before).filter((q) => q.method !== 'GET');
    expect(changed).toHaveLength(updated.length);
    for (const w of changed) {
      expect(w.path).toMatch(/docker-build-risk|docker_build_risk/);
      const keys = [...new URLSearchParams(w.body).keys()];
      expect(keys).not.toContain('name');
      expect(keys.length).toBeLessThan(6); // the differing settings only, not the whole stanza
    }
    expect(server.state.savedSearches.get('t1612 - docker-build-risk - Rule')!.content.description).toContain('scored by the risky traits');
  });

  it("a customer's _filter macro (and index macro) is left alone; an absent one is created", async () => {
    await publish();
    server.state.macros.get('docker_build_risk_filter')!.content.definition = 'search NOT host=lab-*';
    server.state.macros.get('t1612_sysmon_linux_index')!.content.definition = 'index=edr';
    server.state.macros.delete('dockerfile_in_temp_filter');
    const before = server.requests.length;
    const r = await publish();
    expect(r.code).toBe(0);
    expect(server.state.macros.get('docker_build_risk_filter')!.content.definition).toBe('search NOT host=lab-*');
    expect(server.state.macros.get('t1612_sysmon_linux_index')!.content.definition).toBe('index=edr');
    expect(server.state.macros.get('dockerfile_in_temp_filter')!.content.definition).toBe('search *');
    expect(r.out).toContainEqual(expect.stringMatching(/^unchanged\s+macro\s+docker_build_risk_filter\s+\(yours: differs from the package, left as it is\)$/));
    const changed = server.requests.slice(before).filter((q) => q.method !== 'GET');
    expect(changed.map((w) => `${w.method} ${w.path}`)).toEqual([`POST servicesNS/nobody/${APP}/configs/conf-macros`]);
    expect(new URLSearchParams(changed[0]!.body).get('name')).toBe('dockerfile_in_temp_filter');
  });

  it('an allowlist change rewrites its rows by _key, deleting the rows no longer listed, never duplicating', async () => {
    await publish();
    const rows = server.state.collections.get('t1612_approved_build_hosts')!.rows;
    rows.set('retired-host', { _key: 'retired-host', value: 'retired-host', reason: 'x', owner: 'y', expires: '', _user: 'nobody' });
    rows.get('ci-runner-01')!.reason = 'edited on the server';
    const r = await publish();
    expect(r.out).toContainEqual(expect.stringMatching(/^updated\s+kv collection\s+t1612_approved_build_hosts\s+\(1 row\(s\) to save, 1 to delete\)$/));
    expect(rows.size).toBe(pkg.lookups.find((l) => l.name === 't1612_approved_build_hosts')!.rows);
    expect(rows.has('retired-host')).toBe(false);
    expect(rows.get('ci-runner-01')!.reason).not.toBe('edited on the server');
  });
});

describe('--prune', () => {
  const seedStale = () => {
    const { state } = server;
    const obj = (name: string, app: string, content: Record<string, string>) => ({ name, app, content });
    state.savedSearches.set('t1612 - retired-rule - Rule', obj('t1612 - retired-rule - Rule', APP, { search: 'search index=main' }));
    state.savedSearches.set('t1612 - other-app - Rule', obj('t1612 - other-app - Rule', 'search', { search: 'search index=main' }));
    state.savedSearches.set('My own search', obj('My own search', APP, { search: 'search index=main' }));
    state.macros.set('t1612_retired_rule_results', obj('t1612_retired_rule_results', APP, { definition: 'search *' }));
    state.macros.set('retired_rule_allowlist', obj('retired_rule_allowlist', APP, { definition: 'lookup t1612_old value AS host OUTPUT value AS x' }));
    state.macros.set('retired_rule_filter', obj('retired_rule_filter', APP, { definition: 'search NOT host=lab' }));
    state.macros.set('my_allowlist', obj('my_allowlist', APP, { definition: 'lookup my_hosts host' }));
    state.collections.set('t1612_old_list', { app: APP, rows: new Map() });
    state.collections.set('customer_list', { app: APP, rows: new Map() });
  };
  const stale = ['saved search  t1612 - retired-rule - Rule', 'macro         retired_rule_allowlist', 'macro         t1612_retired_rule_results', 'kv collection  t1612_old_list'];

  it('without --prune nothing is listed or deleted', async () => {
    await publish();
    seedStale();
    const r = await publish(['--dry-run']);
    expect(linesWith(r, 'delete')).toHaveLength(0);
    const real = await publish();
    expect(linesWith(real, 'deleted')).toHaveLength(0);
    expect(server.state.savedSearches.has('t1612 - retired-rule - Rule')).toBe(true);
  });

  it('--dry-run --prune lists what would be deleted: only the stale objects t1612 published, and deletes nothing', async () => {
    await publish();
    seedStale();
    const before = server.requests.length;
    const r = await publish(['--dry-run', '--prune']);
    expect(server.requests.slice(before).filter((q) => q.method !== 'GET')).toHaveLength(0);
    const deletes = linesWith(r, 'delete').map((l) => l.replace(/^delete\s+/, '').replace(/\s+\(no longer in the package\)$/, '').replace(/\s+/g, ' '));
    expect(deletes.sort()).toEqual(stale.map((s) => s.replace(/\s+/g, ' ')).sort());
    expect(r.out.at(-1)).toContain(', 4 delete');
  });

  it("--prune deletes them, and never the customer's objects or another app's", async () => {
    await publish();
    seedStale();
    const r = await publish(['--prune']);
    expect(r.code).toBe(0);
    expect(linesWith(r, 'deleted')).toHaveLength(4);
    const { state } = server;
    expect(state.savedSearches.has('t1612 - retired-rule - Rule')).toBe(false);
    expect(state.macros.has('t1612_retired_rule_results')).toBe(false);
    expect(state.macros.has('retired_rule_allowlist')).toBe(false);
    expect(state.collections.has('t1612_old_list')).toBe(false);
    for (const kept of ['t1612 - other-app - Rule', 'My own search']) expect(state.savedSearches.has(kept)).toBe(true);
    for (const kept of ['retired_rule_filter', 'my_allowlist', 'docker_build_risk_filter']) expect(state.macros.has(kept)).toBe(true);
    expect(state.collections.has('customer_list')).toBe(true);
    const again = await publish(['--prune']);
    expect(linesWith(again, 'deleted')).toHaveLength(0);
  });
});

describe('rate limits, outages and refusals', () => {
  it('429 then success: waits the Retry-After seconds, retries, and completes', async () => {
    server.faults.throttle(1, '7');
    const r = await publish();
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([7000]);
    expect(server.requests[0]!.status).toBe(429);
    expect(server.requests[1]!.path).toBe(server.requests[0]!.path);
    expect(r.stderr).toMatch(/retrying GET \/services\/apps\/local\/t1612_detections\?output_mode=json after 429 in 7s/);
  });

  it('503 with a Retry-After date: waits until then (capped), then completes', async () => {
    server.faults.unavailable(2, new Date(T0 + 30_000).toUTCString());
    const r = await publish();
    expect(r.code).toBe(0);
    // The first wait runs to the date; the clock has then reached it, so the second is immediate.
    expect(r.sleeps).toEqual([30_000, 0]);
  });

  it('503 without Retry-After backs off exponentially, and gives up after the bounded retries', async () => {
    server.faults.unavailable(100);
    const r = await publish();
    expect(r.code).toBe(1);
    expect(r.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(r.stderr).toContain('503 Service Unavailable after 6 attempt(s): the service is unavailable; nothing was written');
  });

  it("a 400 stops the run with the server's message, exit 1, having applied what came before", async () => {
    const bad = 't1612 - docker-build-risk - Rule';
    server.faults.reject((q) => q.method === 'POST' && new URLSearchParams(q.body).get('name') === bad, 400, "Error in 'search' command: Unable to parse the search: unbalanced parentheses.");
    const r = await publish();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`t1612 publish: create saved search "${bad}" failed: POST /servicesNS/nobody/${APP}/saved/searches?output_mode=json: 400 Bad Request: Error in 'search' command: Unable to parse the search: unbalanced parentheses.`);
    expect(r.stderr).toMatch(/\d+ change\(s\) were applied before it and \d+ were not attempted/);
    expect(r.out).toContainEqual(expect.stringMatching(/^FAILED create\s+saved search\s+t1612 - docker-build-risk - Rule$/));
    const created = linesWith(r, 'created').length;
    expect(created).toBeGreaterThan(0);
    // What came before is on the server; what came after is not.
    expect(server.state.collections.size).toBe(pkg.lookups.length);
    expect(server.state.macros.size).toBe(pkg.macros.length);
    expect(server.state.savedSearches.has(bad)).toBe(false);
    expect(server.state.savedSearches.size).toBe(created - pkg.lookups.length - pkg.macros.length);
    expect(r.out.at(-1)).toMatch(/\(stopped: \d+ of \d+ change\(s\) applied\)$/);
  });

  it('a server that fails every write after N: the run fails, a re-run against the healed server completes the rest, nothing duplicated', async () => {
    server.faults.failWritesAfter(10);
    const first = await publish();
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('500 Internal Server Error after 6 attempt(s): internal error');
    server.faults.heal();
    const second = await publish();
    expect(second.code).toBe(0);
    expect(linesWith(second, 'unchanged').length).toBeGreaterThan(0);
    const { state } = server;
    expect(state.savedSearches.size).toBe(pkg.searches.length);
    expect(state.macros.size).toBe(pkg.macros.length);
    for (const l of pkg.lookups) expect(state.collections.get(l.name)!.rows.size).toBe(l.rows);
    const before = server.requests.length;
    const third = await publish();
    expect(server.requests.slice(before).filter((q) => q.method !== 'GET')).toHaveLength(0);
    expect(third.out.at(-1)).toContain('0 create, 0 update');
  });

  it('a connection dropped after the server applied a write: the retry finds it there (409 on create), nothing duplicated', async () => {
    // Writes 1-6 create the three KV collections and save their rows; write 9 creates the macro
    // build_egress_untrusted_allowlist, and its connection drops after the server applied it.
    server.faults.dropWriteAfter(8);
    const r = await publish();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/retrying POST \/servicesNS\/nobody\/t1612_detections\/\S+ after a network error/);
    const conflict = server.requests.find((q) => q.status === 409)!;
    expect(new URLSearchParams(conflict.body).get('name')).toBe('build_egress_untrusted_allowlist');
    expect(server.state.macros.size).toBe(pkg.macros.length);
    expect(server.state.savedSearches.size).toBe(pkg.searches.length);
    for (const l of pkg.lookups) expect(server.state.collections.get(l.name)!.rows.size).toBe(l.rows);
    const again = await publish();
    expect(again.out.at(-1)).toContain('0 create, 0 update');
  });

  it('never prints the token, even when the server echoes it in an error, in text or JSON', async () => {
    server.faults.reject((q) => q.method === 'POST', 403, `token ${TOKEN} lacks the capability edit_saved_searches`);
    const text = await publish();
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('token *** lacks the capability');
    server.faults.reject((q) => q.method === 'POST', 403, `token ${TOKEN} lacks the capability edit_saved_searches`);
    const json = await publish(['--format', 'json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; error: { message: string } };
    expect(parsed.ok).toBe(false);
    expect(parsed.error.message).toContain('token *** lacks');
    const wrong = await publish([], { ...env(), T1612_SPLUNK_TOKEN: 'another-wrong-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
    expect(wrong.stderr).not.toContain('another-wrong-token');
  });
});

describe('lookups', () => {
  it('the server accepts a lookup file only from its staging area, so publish ships none and says how to', async () => {
    const post = (from: string) =>
      fetch(`${server.url}/servicesNS/nobody/${APP}/data/lookup-table-files?output_mode=json`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 't1612_approved_build_hosts.csv', 'eai:data': from }).toString(),
      });
    expect((await post('/home/ci/dist-packages/t1612_approved_build_hosts.csv')).status).toBe(400);
    expect((await post(`${STAGING}t1612_approved_build_hosts.csv`)).status).toBe(201);

    const absent = await publish(['--dry-run']);
    expect(absent.out).toContainEqual(expect.stringMatching(/^note: lookup t1612_approved_build_hosts \(read by build_on_unapproved_host_allowlist, docker_build_risk_allowlist\) is NOT on the server: .*t1612 package --target splunk/));
    for (const l of pkg.lookups) server.state.lookups.set(l.name, { app: APP, filename: `${l.name}.csv` });
    const present = await publish(['--dry-run']);
    expect(present.out).toContainEqual(expect.stringMatching(/^note: lookup t1612_approved_registries \(read by build_egress_untrusted_allowlist\) is a CSV file lookup, which REST cannot upload: it ships with the packaged app/));
  });
});
