/**
 * `t1612 package --target sentinel` (issue #6 §3, src/package/sentinel/): the ARM templates, the
 * Azure-Sentinel YAML templates and the watchlist templates, checked against what Sentinel documents
 * (src/package/sentinel/limits.ts), against the detections' schedules (src/ir/schedule.ts), and
 * against the queries themselves: every column an alert names is a column Microsoft's Kusto.Language
 * computes for the rule's query over the profile's schema set, and the query analyses clean.
 */
/// <reference types="@kusto/language-service-next" />
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/pipeline.js';
import { compileRules } from '../../src/compile.js';
import { kqlProfiles, type KqlProfile } from '../../src/backends/kql/profiles.js';
import { listItems } from '../../src/backends/kql/kusto.js';
import { scheduleOf } from '../../src/ir/schedule.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import type { CorrelationIR } from '../../src/ir/correlation.js';
import type { PackageResult } from '../../src/package/types.js';
import { sentinelPackage } from '../../src/package/sentinel/index.js';
import { sentinelRuleId, uuidV5 } from '../../src/package/sentinel/uuid.js';
import { SEVERITY_OF_LEVEL } from '../../src/package/sentinel/severity.js';
import { SENTINEL_TACTIC } from '../../src/package/sentinel/tactics.js';
import {
  MAX_CUSTOM_DETAILS,
  MAX_ENTITY_MAPPINGS,
  MAX_FORMAT_PARAMETERS,
  MAX_GROUPING_SECONDS,
  MAX_IDENTIFIERS_PER_ENTITY,
  MAX_QUERY_LENGTH,
  MAX_SCHEDULE_SECONDS,
  MIN_SCHEDULE_SECONDS,
} from '../../src/package/sentinel/limits.js';
import { run } from '../../src/cli/main.js';
import { captureIo } from '../support/io.js';
import { formatKqlDiagnostics, kqlDiagnostics, parseKql, type SchemaSet } from '../support/kusto.js';

const loaded = loadRules(['rules']);
const detections = new Map<string, RuleIR | CorrelationIR>([...loaded.irs, ...loaded.correlations].map((d) => [d.name, d]));

function profileOf(id: string): KqlProfile {
  const p = kqlProfiles.find((x) => x.id === id);
  if (!p) throw new Error(`no kql profile ${id}`);
  return p;
}

function build(profileId: string): { profile: KqlProfile; result: PackageResult; compiled: ReturnType<typeof compileRules> } {
  const profile = profileOf(profileId);
  const compiled = compileRules(loaded.irs, { targets: ['kql'], profiles: [profileId] }, loaded.correlations);
  return { profile, compiled, result: sentinelPackage.build({ rules: loaded.irs, correlations: loaded.correlations, profile, compiled }) };
}

const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));

/** ISO 8601 durations as Sentinel writes them (PnDTnHnMnS) → seconds. */
function isoSeconds(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration: ${iso}`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

/** The Azure-Sentinel short form (5m, 1h, 1d) → seconds. */
function shortSeconds(s: string): number {
  const m = /^(\d+)([smhd])$/.exec(s);
  if (!m) throw new Error(`not a short duration: ${s}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

interface Arm {
  $schema: string;
  contentVersion: string;
  metadata: { generator: string; source: string; requiredDataConnectors: { connectorId: string; dataTypes: string[] }[] };
  parameters: { workspace: { type: string } };
  resources: { type: string; apiVersion: string; name: string; kind?: string; dependsOn?: string[]; properties: Record<string, unknown> }[];
}

interface RuleProps {
  displayName: string;
  description: string;
  severity: string;
  enabled: boolean;
  query: string;
  queryFrequency: string;
  queryPeriod: string;
  triggerOperator: string;
  triggerThreshold: number;
  suppressionDuration: string;
  suppressionEnabled: boolean;
  tactics: string[];
  techniques: string[];
  entityMappings: { entityType: string; fieldMappings: { identifier: string; columnName: string }[] }[];
  customDetails: Record<string, string>;
  alertDetailsOverride: { alertDisplayNameFormat: string; alertDescriptionFormat: string; alertSeverityColumnName: string };
  eventGroupingSettings: { aggregationKind: string };
  incidentConfiguration: {
    createIncident: boolean;
    groupingConfiguration: { enabled: boolean; reopenClosedIncident: boolean; lookbackDuration: string; matchingMethod: string; groupByEntities: string[]; groupByAlertDetails: string[]; groupByCustomDetails: string[] };
  };
}

const ALERT_RULE_TYPE = 'Microsoft.OperationalInsights/workspaces/providers/alertRules';
const SAVED_SEARCH_TYPE = 'Microsoft.OperationalInsights/workspaces/savedSearches';
const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'];
/** AttackTactic of the alertRules API 2023-02-01. */
const SENTINEL_TACTICS = ['Collection', 'CommandAndControl', 'CredentialAccess', 'DefenseEvasion', 'Discovery', 'Execution', 'Exfiltration', 'Impact', 'ImpairProcessControl', 'InhibitResponseFunction', 'InitialAccess', 'LateralMovement', 'Persistence', 'PreAttack', 'PrivilegeEscalation', 'Reconnaissance', 'ResourceDevelopment'];
const ENTITY_IDENTIFIERS: Record<string, string[]> = { Host: ['HostName'], Account: ['Name'], Process: ['CommandLine', 'ProcessId'], IP: ['Address'], DNS: ['DomainName'], File: ['Name'] };

/** The rule's query as Kusto.Language analyses it: with its workspace function declared as a let when it calls one. */
function analysable(arm: Arm, props: RuleProps): string {
  const fn = arm.resources.find((r) => r.type === SAVED_SEARCH_TYPE);
  if (!fn) return props.query;
  const { functionAlias, query } = fn.properties as { functionAlias: string; query: string };
  return `let ${functionAlias} = () {\n${query}\n};\n${props.query}`;
}

/** The columns Kusto.Language computes for the query's result. */
function resultColumns(query: string, schemaSet: SchemaSet): string[] {
  const type = parseKql(query, schemaSet).ResultType;
  if (!(type instanceof Kusto.Language.Symbols.TableSymbol)) throw new Error('the query result is not a table');
  return listItems(type.Columns).map((c) => c.Name ?? '');
}

const tokens = (format: string) => [...format.matchAll(/\{\{([^{}]*)\}\}/g)].map((m) => m[1]!);

for (const profileId of ['sentinel', 'asim']) {
  const { profile, result, compiled } = build(profileId);
  const files = new Map(result.files.map((f) => [f.path, text(f.content)]));
  const armFiles = [...files.keys()].filter((p) => p.startsWith('arm/'));

  describe.skipIf(profileId === 'asim' && armFiles.length === 0)(`profile ${profileId}`, () => {
    it('builds without errors, one ARM and one YAML template per detection the profile runs', () => {
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const ran = [...detections.keys()].filter((n) => compiled.files.some((f) => f.path === `kql/${profileId}/${n}.kql`)).sort();
      expect(armFiles.map((p) => p.slice(4, -5)).sort()).toEqual(ran);
      expect([...files.keys()].filter((p) => p.startsWith('yaml/')).map((p) => p.slice(5, -5)).sort()).toEqual(ran);
      for (const n of [...detections.keys()].filter((x) => !ran.includes(x)))
        expect(result.diagnostics.some((d) => d.severity === 'note' && d.message.includes(n))).toBe(true);
    });

    for (const path of armFiles) {
      const name = path.slice(4, -5);
      const d = detections.get(name)!;
      const content = files.get(path)!;
      const arm = JSON.parse(content) as Arm;
      const ruleResource = arm.resources.find((r) => r.type === ALERT_RULE_TYPE)!;
      const props = ruleResource?.properties as unknown as RuleProps;

      describe(name, () => {
        it('is an ARM deployment template of one Scheduled analytics rule with the required properties', () => {
          expect(arm.$schema).toMatch(/deploymentTemplate\.json#$/);
          expect(arm.contentVersion).toBe('1.0.0.0');
          expect(arm.parameters.workspace.type).toBe('string');
          expect(arm.resources.filter((r) => r.type === ALERT_RULE_TYPE)).toHaveLength(1);
          expect(ruleResource.kind).toBe('Scheduled');
          expect(ruleResource.apiVersion).toBe('2023-02-01');
          expect(ruleResource.name).toBe(`[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${sentinelRuleId(d.id)}')]`);
          expect(typeof props.displayName).toBe('string');
          expect(props.displayName).toBe(d.title);
          expect(typeof props.description).toBe('string');
          expect(props.description.length).toBeGreaterThan(0);
          expect(SEVERITIES).toContain(props.severity);
          expect(props.severity).toBe(SEVERITY_OF_LEVEL[d.severity]);
          expect(props.enabled).toBe(true);
          expect(typeof props.query).toBe('string');
          expect(props.query.length).toBeGreaterThan(0);
          expect(props.query.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
          expect(props.triggerOperator).toBe('GreaterThan');
          expect(props.triggerThreshold).toBe(0);
          expect(typeof props.suppressionEnabled).toBe('boolean');
          expect(props.suppressionEnabled).toBe(false);
          expect(isoSeconds(props.suppressionDuration)).toBeLessThanOrEqual(24 * 3600);
          expect(props.tactics.length).toBeGreaterThan(0);
          for (const t of props.tactics) expect(SENTINEL_TACTICS).toContain(t);
          expect(props.tactics).toEqual([...new Set(d.attack.tactics.map((t) => SENTINEL_TACTIC[t]))]);
          expect(props.techniques).toEqual([d.attack.technique]);
          expect(props.eventGroupingSettings).toEqual({ aggregationKind: 'AlertPerResult' });
          expect(arm.metadata.source).toBe(d.file);
          expect(arm.metadata.requiredDataConnectors.length).toBeGreaterThan(0);
          for (const c of arm.metadata.requiredDataConnectors) expect(c.dataTypes.length).toBeGreaterThan(0);
        });

        it("queryFrequency and queryPeriod are schedule.ts's every and lookback, within Sentinel's 5m … 14d", () => {
          const s = scheduleOf(d, profile.ingestionLag);
          expect(isoSeconds(props.queryFrequency)).toBe(s.everySeconds);
          expect(isoSeconds(props.queryPeriod)).toBe(s.lookbackSeconds);
          for (const x of [s.everySeconds, s.lookbackSeconds]) {
            expect(x).toBeGreaterThanOrEqual(MIN_SCHEDULE_SECONDS);
            expect(x).toBeLessThanOrEqual(MAX_SCHEDULE_SECONDS);
          }
          expect(s.everySeconds).toBeLessThanOrEqual(s.lookbackSeconds);
        });

        it('the query analyses clean with Kusto.Language against the profile schema set', () => {
          const q = analysable(arm, props);
          const errors = kqlDiagnostics(q, profile.schemaSet);
          expect(errors, formatKqlDiagnostics(q, errors)).toEqual([]);
        });

        it('every entity, custom detail, severity column and {{token}} is a column the query outputs', () => {
          const columns = resultColumns(analysable(arm, props), profile.schemaSet);
          for (const m of props.entityMappings) for (const f of m.fieldMappings) expect(columns, `entity ${m.entityType}`).toContain(f.columnName);
          for (const [k, c] of Object.entries(props.customDetails)) expect(columns, `custom detail ${k}`).toContain(c);
          expect(columns).toContain(props.alertDetailsOverride.alertSeverityColumnName);
          for (const t of [...tokens(props.alertDetailsOverride.alertDisplayNameFormat), ...tokens(props.alertDetailsOverride.alertDescriptionFormat)]) expect(columns, `{{${t}}}`).toContain(t);
        });

        it("entity mappings, identifiers, custom details and format parameters are within Sentinel's documented limits", () => {
          expect(props.entityMappings.length).toBeGreaterThan(0);
          expect(props.entityMappings.length).toBeLessThanOrEqual(MAX_ENTITY_MAPPINGS);
          for (const m of props.entityMappings) {
            expect(m.fieldMappings.length).toBeGreaterThan(0);
            expect(m.fieldMappings.length).toBeLessThanOrEqual(MAX_IDENTIFIERS_PER_ENTITY);
            for (const f of m.fieldMappings) expect(ENTITY_IDENTIFIERS[m.entityType], `${m.entityType}.${f.identifier}`).toContain(f.identifier);
          }
          expect(Object.keys(props.customDetails).length).toBeLessThanOrEqual(MAX_CUSTOM_DETAILS);
          for (const k of Object.keys(props.customDetails)) expect(k).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
          expect(tokens(props.alertDetailsOverride.alertDisplayNameFormat).length).toBeLessThanOrEqual(MAX_FORMAT_PARAMETERS);
          expect(tokens(props.alertDetailsOverride.alertDescriptionFormat).length).toBeLessThanOrEqual(MAX_FORMAT_PARAMETERS);
        });

        it('per-alert severity: one of the four Sentinel severities for every tier; incidents group one dedup key over the query period', () => {
          expect(props.alertDetailsOverride.alertSeverityColumnName).toBe('t1612_severity');
          const extend = props.query.split('\n').at(-1)!;
          expect(extend).toMatch(/^\| extend t1612_severity = /);
          for (const lit of [...extend.matchAll(/, "(\w+)"[,)]/g)].map((m) => m[1]!).filter((x) => /^[A-Z]/.test(x))) expect(SEVERITIES).toContain(lit);
          const g = props.incidentConfiguration.groupingConfiguration;
          expect(g.enabled).toBe(true);
          expect(g.matchingMethod).toBe('Selected');
          expect(g.lookbackDuration).toBe(props.queryPeriod);
          expect(isoSeconds(g.lookbackDuration)).toBeLessThanOrEqual(MAX_GROUPING_SECONDS);
          // A rule's dedup key is its host and time; a Kubernetes audit event has no host, so its time alone.
          const hostless = !('kind' in d) && d.logsource.category === 'k8s_audit';
          const dedup = 'kind' in d ? [...d.groupBy.map((f) => f), 'ChainEnd'] : hostless ? ['EventTime'] : ['Host', 'EventTime'];
          expect(g.groupByCustomDetails).toEqual(dedup);
          for (const k of g.groupByCustomDetails) expect(Object.keys(props.customDetails)).toContain(k);
          const riskOnly = 'kind' in d ? d.action === 'risk' : d.tiers.every((t) => t.action === 'risk');
          expect(props.incidentConfiguration.createIncident).toBe(!riskOnly);
        });

        it('the YAML template parses and carries the same rule: id, query, entity mappings, details, schedule', () => {
          const y = files.get(`yaml/${name}.yaml`)!;
          expect(y.split('\n')[0]).toMatch(/^# Generated by `t1612 package --target sentinel --profile \S+` from /);
          expect(y).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
          const doc = yaml.load(y) as Record<string, unknown>;
          expect(Object.keys(doc)).toEqual(['id', 'name', 'description', 'severity', 'requiredDataConnectors', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'tactics', 'relevantTechniques', 'query', 'entityMappings', 'customDetails', 'alertDetailsOverride', 'eventGroupingSettings', 'version', 'kind']);
          expect(doc.id).toBe(sentinelRuleId(d.id));
          expect(doc.name).toBe(props.displayName);
          expect(doc.severity).toBe(props.severity);
          expect(doc.query).toBe(props.query);
          expect(doc.entityMappings).toEqual(props.entityMappings);
          expect(doc.customDetails).toEqual(props.customDetails);
          expect(doc.alertDetailsOverride).toEqual(props.alertDetailsOverride);
          expect(doc.eventGroupingSettings).toEqual(props.eventGroupingSettings);
          expect(doc.requiredDataConnectors).toEqual(arm.metadata.requiredDataConnectors);
          expect(shortSeconds(doc.queryFrequency as string)).toBe(isoSeconds(props.queryFrequency));
          expect(shortSeconds(doc.queryPeriod as string)).toBe(isoSeconds(props.queryPeriod));
          expect(doc.triggerOperator).toBe('gt');
          expect(doc.tactics).toEqual(props.tactics);
          expect(doc.relevantTechniques).toEqual(props.techniques);
          expect(doc.kind).toBe('Scheduled');
        });

        it('JSON is written with sorted keys, two-space indent and a final newline', () => {
          const sortKeys = (v: unknown): unknown =>
            Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
          expect(content).toBe(`${JSON.stringify(sortKeys(arm), null, 2)}\n`);
        });
      });
    }

    it('a query longer than 10,000 characters is deployed as a workspace function the rule calls', () => {
      for (const path of armFiles) {
        const arm = JSON.parse(files.get(path)!) as Arm;
        const fn = arm.resources.find((r) => r.type === SAVED_SEARCH_TYPE);
        const compiledText = compiled.files.find((f) => f.path === `kql/${profileId}/${path.slice(4, -5)}.kql`)!.content;
        const rule = arm.resources.find((r) => r.type === ALERT_RULE_TYPE)!;
        if (!fn) {
          expect((rule.properties as unknown as RuleProps).query.startsWith(compiledText.trimEnd())).toBe(true);
          continue;
        }
        const p = fn.properties as { functionAlias: string; query: string; category: string };
        expect(p.query).toBe(compiledText.trimEnd());
        expect(compiledText.length).toBeGreaterThan(MAX_QUERY_LENGTH - 1000);
        expect((rule.properties as unknown as RuleProps).query.split('\n')[1]).toBe(p.functionAlias);
        expect(rule.dependsOn).toEqual([`[resourceId('${SAVED_SEARCH_TYPE}', parameters('workspace'), '${p.functionAlias}')]`]);
      }
    });

    it('watchlist templates: one per watchlist the queries read, alias as in _GetWatchlist, the compiled CSV as raw content', () => {
      const read = new Set<string>();
      for (const path of armFiles)
        for (const r of (JSON.parse(files.get(path)!) as Arm).resources) {
          const q = (r.properties as { query?: string }).query ?? '';
          for (const m of q.matchAll(/_GetWatchlist\("([^"]*)"\)/g)) read.add(m[1]!);
        }
      const lists = [...files.keys()].filter((p) => p.startsWith('watchlists/'));
      expect(lists.map((p) => p.slice('watchlists/'.length, -'.json'.length)).sort()).toEqual([...read].sort());
      if (profile.allowlistSource === 'watchlist') expect(read.size).toBeGreaterThan(0);
      for (const p of lists) {
        const alias = p.slice('watchlists/'.length, -'.json'.length);
        const arm = JSON.parse(files.get(p)!) as Arm;
        expect(arm.resources).toHaveLength(1);
        const w = arm.resources[0]!;
        expect(w.type).toBe('Microsoft.OperationalInsights/workspaces/providers/watchlists');
        expect(w.name).toBe(`[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${alias}')]`);
        const csv = compiled.files.find((f) => f.path === `kql/${profileId}/watchlists/${alias}.csv`)!.content;
        expect(w.properties).toMatchObject({ watchlistAlias: alias, displayName: alias, itemsSearchKey: 'SearchKey', contentType: 'text/csv', provider: 't1612', source: 'Local file', rawContent: csv });
        expect(csv.split('\n')[0]!.split(',')[0]).toBe('SearchKey');
      }
    });

    it('two builds are byte-identical', () => {
      const again = build(profileId).result;
      expect(again.files.map((f) => [f.path, text(f.content)])).toEqual(result.files.map((f) => [f.path, text(f.content)]));
    });
  });
}

describe('rule ids', () => {
  it('are RFC 9562 version-5 UUIDs (checked on a published vector) of the detection id', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    const ids = [...detections.values()].map((d) => sentinelRuleId(d.id));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('mappings stated in code', () => {
  it('critical → High (Sentinel has no Critical); stealth and defense-impairment → DefenseEvasion', () => {
    expect(SEVERITY_OF_LEVEL.critical).toBe('High');
    expect(SENTINEL_TACTIC.stealth).toBe('DefenseEvasion');
    expect(SENTINEL_TACTIC['defense-impairment']).toBe('DefenseEvasion');
  });
});

const tmp = () => mkdtempSync(join(tmpdir(), 't1612-sentinel-'));

function listAll(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? listAll(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

/** A rule directory with container-run-or-deploy (no allowlists) carrying the given alert block. */
function ruleWithAlert(alert: string): { dir: string; file: string } {
  const dir = tmp();
  mkdirSync(join(dir, 'rules'));
  const file = join(dir, 'rules', 'container-run-or-deploy.yml');
  writeFileSync(file, `${readFileSync('rules/container-run-or-deploy.yml', 'utf8').trimEnd()}\n${alert}`);
  return { dir, file };
}

describe('the CLI', () => {
  it('package --target sentinel --out <tmp> exits 0 and writes arm/, yaml/ and watchlists/; a second run writes the same bytes', async () => {
    const [a, b] = [tmp(), tmp()];
    for (const out of [a, b]) {
      const io = captureIo();
      expect(await run(['package', '--target', 'sentinel', '--out', out], io), io.stderr.join('\n')).toBe(0);
      expect(io.stdout.at(-1)).toMatch(new RegExp(`^\\d+ file\\(s\\) written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/$`));
    }
    const listed = listAll(a);
    expect(listed).toEqual(listAll(b));
    expect(listed).toContain('arm/docker-build-risk.json');
    expect(listed).toContain('yaml/docker-build-risk.yaml');
    expect(listed).toContain('watchlists/approved_build_hosts.json');
    for (const p of listed) expect(readFileSync(join(a, p))).toEqual(readFileSync(join(b, p)));
  });

  it('--profile asim packages the ASIM queries', async () => {
    const out = tmp();
    const io = captureIo();
    expect(await run(['package', '--target', 'sentinel', '--profile', 'asim', '--out', out], io), io.stderr.join('\n')).toBe(0);
    const arm = JSON.parse(readFileSync(join(out, 'arm/docker-build-risk.json'), 'utf8')) as Arm;
    expect(arm.metadata.generator).toBe('t1612 package --target sentinel --profile asim');
    expect(arm.resources.at(-1)!.properties.query).toMatch(/_Im_ProcessCreate\(\)/);
  });

  it('a rule whose alert names a column the query does not output exits 2 with one line naming the file', async () => {
    const { dir, file } = ruleWithAlert('alert:\n  details: [CurrentDirectory]\n');
    const out = join(dir, 'out');
    const io = captureIo();
    expect(await run(['package', '--target', 'sentinel', '--out', out, join(dir, 'rules')], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    // at the alert: the mapping under `alert:`, the line after it, column 3
    const line = readFileSync(file, 'utf8').split('\n').indexOf('alert:') + 2;
    expect(io.stderr[0]!.startsWith(`${file}:${line}:3: error: CurrentDirectory is not a column of container-run-or-deploy's compiled query on profile sentinel`)).toBe(true);
    expect(() => readdirSync(out)).toThrow();
  });

  it('an alert message with more than three parameters is an error (Sentinel allows three per format)', async () => {
    const { dir } = ruleWithAlert('alert:\n  message: "{Host} {User} {Image} {CommandLine}"\n');
    const io = captureIo();
    expect(await run(['package', '--target', 'sentinel', '--out', join(dir, 'out'), join(dir, 'rules')], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/container-run-or-deploy\.yml:1:1: error: .*4 parameters; Sentinel allows at most 3/);
  });

  it("a declared alert becomes the rule's entities, details and name format, with columns of the profile", async () => {
    const { dir } = ruleWithAlert('alert:\n  message: "Container started on {Host} by {User} ({risk_tier})"\n  entities: [Host, User, Image]\n  details: [risk_score, sig_container_start, CommandLine]\n');
    const out = join(dir, 'out');
    const io = captureIo();
    expect(await run(['package', '--target', 'sentinel', '--out', out, join(dir, 'rules')], io), io.stderr.join('\n')).toBe(0);
    const props = (JSON.parse(readFileSync(join(out, 'arm/container-run-or-deploy.json'), 'utf8')) as Arm).resources.at(-1)!.properties as unknown as RuleProps;
    expect(props.alertDetailsOverride.alertDisplayNameFormat).toBe('Container started on {{DeviceName}} by {{AccountName}} ({{risk_tier}})');
    expect(props.entityMappings).toEqual([
      { entityType: 'Host', fieldMappings: [{ identifier: 'HostName', columnName: 'DeviceName' }] },
      { entityType: 'Account', fieldMappings: [{ identifier: 'Name', columnName: 'AccountName' }] },
      { entityType: 'Process', fieldMappings: [{ identifier: 'CommandLine', columnName: 'ProcessCommandLine' }] },
    ]);
    expect(props.customDetails).toMatchObject({ SigContainerStart: 'sig_container_start', CommandLine: 'ProcessCommandLine', Score: 'risk_score' });
    expect(Object.values(props.customDetails).filter((c) => c === 'risk_score')).toHaveLength(1);
  });
});
