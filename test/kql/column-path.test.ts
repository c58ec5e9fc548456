/**
 * Fields mapped to a path inside a dynamic column (src/backends/kql/column-path.ts), on sentinel's
 * AKSAuditAdmin (src/backends/kql/aks-tables.ts): the profile grammar (the schema's pattern is the
 * module's), parsing, the alias and the text a query reads; rows.ts writing a canonical value at its
 * path; the evaluator's member access, element access and `tostring` on dynamic values, with what
 * it refuses; compile's errors for a mapping the table cannot hold; and the k8s-pod-create query
 * through Kusto.Language and the evaluator.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledProfiles, loadProfiles } from '../../src/profiles/load.js';
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct, type Row } from '../../src/backends/evaluation.js';
import { columnPathExpression, columnPathText, kqlFieldColumn, KQL_FIELD_VALUE, parseColumnPath } from '../../src/backends/kql/column-path.js';
import { compileKqlTabular, kqlEvaluator } from '../../src/backends/kql/evaluate.js';
import { defender, sentinel, type KqlProfile } from '../../src/backends/kql/profiles.js';
import { kqlRow } from '../../src/backends/kql/rows.js';
import { AUDIT_TABLE_COLUMNS } from '../../src/backends/kql/tables.js';
import { renderKql } from '../../src/backends/kql/index.js';
import { viewFor } from '../../src/backends/types.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';
import { bundledRules } from '../support/rules.js';
import { formatKqlDiagnostics, kqlDiagnostics } from '../support/kusto.js';

const bundled = bundledRules();
const podRule = bundled.irs.find((r) => r.name === 'k8s-pod-create')!;
const audit = viewFor(sentinel, 'k8s_audit')!;

describe('the profile grammar and its reading', () => {
  it('the profile schema checks KQL field values with the module\'s pattern', () => {
    const schema = JSON.parse(readFileSync('schema/profile.schema.json', 'utf8')) as { then: { properties: { fields: { properties: Record<string, { properties: Record<string, { pattern: string }> }> } } } };
    for (const category of Object.values(schema.then.properties.fields.properties))
      for (const field of Object.values(category.properties)) expect(field.pattern).toBe(KQL_FIELD_VALUE);
  });
  it.each([
    ['Verb', 'Verb', [], 'Verb', 'Verb'],
    ['ObjectRef.resource', 'ObjectRef', [{ member: 'resource' }], 'ObjectRef_resource', 'tostring(ObjectRef["resource"])'],
    ['RequestObject.spec.containers[0].image', 'RequestObject', [{ member: 'spec' }, { member: 'containers' }, { index: 0 }, { member: 'image' }], 'RequestObject_spec_containers_0_image', 'tostring(RequestObject["spec"]["containers"][0]["image"])'],
    ["ObjectRef['app.kubernetes.io/name']", 'ObjectRef', [{ member: 'app.kubernetes.io/name' }], 'ObjectRef_app_kubernetes_io_name', 'tostring(ObjectRef["app.kubernetes.io/name"])'],
    ['User.Name', 'User', [{ member: 'Name' }], 'User_Name', 'tostring(User.Name)'],
  ])('%s: its column, steps, alias and the text a query reads', (text, column, steps, alias, read) => {
    const p = parseColumnPath(text);
    expect(p.column).toBe(column);
    expect(p.steps).toEqual(steps);
    expect(kqlFieldColumn(text)).toBe(alias);
    expect(p.steps.length ? columnPathText(p) : columnPathExpression(p)).toBe(read);
  });
  it.each(['ObjectRef.', 'ObjectRef[01]', 'ObjectRef[-1]', "ObjectRef['a'b']", 'ObjectRef..x', '1x', 'Object Ref', 'ObjectRef[0', "ObjectRef['']"])('%s is not a column path', (text) => {
    expect(new RegExp(KQL_FIELD_VALUE).test(text)).toBe(false);
    expect(() => parseColumnPath(text)).toThrow(/not a KQL column or column path/);
  });
  it('members that are keywords or lower-case are subscripted, so Kusto.Language reads them', () => {
    const text = columnPathText(parseColumnPath("ObjectRef.where.project['in'][2].and"));
    expect(text).toBe('tostring(ObjectRef["where"]["project"]["in"][2]["and"])');
    expect(kqlDiagnostics(`AKSAuditAdmin | extend x = ${text}`, 'sentinel')).toEqual([]);
  });
});

describe('a profile file with a bad path', () => {
  it('is one located error naming the field and the form', () => {
    const dir = mkdtempSync(join(tmpdir(), 't1612-path-'));
    try {
      writeFileSync(join(dir, 'lab.yml'), 'target: kql\nid: lab\nextends: sentinel\nfields:\n  k8s_audit:\n    ObjectResource: "ObjectRef..resource"\n');
      const { diagnostics } = loadProfiles([dir], bundledProfiles());
      expect(diagnostics.map((d) => `${d.line}:${d.column}: ${d.severity}: ${d.message}`)).toEqual(['6:21: error: fields.k8s_audit.ObjectResource has an invalid form (got string "ObjectRef..resource")']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a path is a KQL form: an spl profile\'s field names keep their own grammar', () => {
    const dir = mkdtempSync(join(tmpdir(), 't1612-path-'));
    try {
      writeFileSync(join(dir, 'lab.yml'), 'target: spl\nid: lab\nextends: sysmon_linux\nfields:\n  process_creation:\n    Image: "Image[0]"\n');
      expect(loadProfiles([dir], bundledProfiles()).diagnostics.map((d) => d.message)).toEqual(['fields.process_creation.Image has an invalid form (got string "Image[0]")']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AKSAuditAdmin (sentinel only)', () => {
  it('is declared on sentinel, with the reference page\'s columns and types', () => {
    expect(Object.keys(AUDIT_TABLE_COLUMNS.sentinel)).toEqual(['AKSAuditAdmin']);
    expect(AUDIT_TABLE_COLUMNS.defender).toEqual({});
    expect(AUDIT_TABLE_COLUMNS.asim).toEqual({});
    const types = Object.fromEntries(AUDIT_TABLE_COLUMNS.sentinel.AKSAuditAdmin!);
    expect(types).toMatchObject({ Verb: 'string', ObjectRef: 'dynamic', User: 'dynamic', RequestObject: 'dynamic', TimeGenerated: 'datetime', RequestReceivedTime: 'datetime', Stage: 'string', Level: 'string' });
    expect(AUDIT_TABLE_COLUMNS.sentinel.AKSAuditAdmin).toHaveLength(24);
  });
  it('analyses on sentinel; defender and asim have no such table', () => {
    const query = 'AKSAuditAdmin | where Verb == "create" and tostring(ObjectRef.resource) == "pods" | project TimeGenerated, image = tostring(RequestObject.spec.containers[0].image)';
    expect(kqlDiagnostics(query, 'sentinel')).toEqual([]);
    for (const set of ['defender', 'asim'] as const) expect(kqlDiagnostics(query, set).map((e) => e.code), set).toContain('KS204');
  });
});

describe('rows.ts: an audit event is an AKSAuditAdmin row whose dynamic columns hold it at the profile\'s paths', () => {
  const event = { _time: '2026-11-20T10:05:00Z', Verb: 'create', ObjectResource: 'pods', ObjectNamespace: 'shop', User: 'alice@example.com', ContainerImage: 'evil/app:latest', Host: 'not-an-audit-field' };
  it('nested bags and arrays, shared by the paths of one column; every column present', () => {
    const row = kqlRow(event, audit);
    expect(Object.keys(row)).toEqual(AUDIT_TABLE_COLUMNS.sentinel.AKSAuditAdmin!.map(([n]) => n));
    expect(row).toMatchObject({
      Verb: 'create',
      ObjectRef: { resource: 'pods', namespace: 'shop' },
      User: { username: 'alice@example.com' },
      RequestObject: { spec: { containers: [{ image: 'evil/app:latest' }] } },
      Type: 'AKSAuditAdmin',
      Stage: '',
      Level: '',
      ResponseStatus: null,
    });
    for (const c of ['TimeGenerated', 'RequestReceivedTime', 'StageReceivedTime']) expect(row[c]).toEqual(new Date('2026-11-20T10:05:00Z'));
  });
  it('an absent value is not written: the column stays null, or its bag lacks the member', () => {
    const row = kqlRow({ _time: '2026-11-20T10:05:00Z', Verb: 'create', ObjectResource: 'pods' }, audit);
    expect(row).toMatchObject({ ObjectRef: { resource: 'pods' }, User: null, RequestObject: null });
    expect(Object.keys(row.ObjectRef as object)).toEqual(['resource']);
  });
  it('rows do not share bags', () => {
    const a = kqlRow(event, audit);
    const b = kqlRow({ ...event, ObjectResource: 'deployments' }, audit);
    expect((a.ObjectRef as { resource: string }).resource).toBe('pods');
    expect((b.ObjectRef as { resource: string }).resource).toBe('deployments');
  });
});

describe('the evaluator: member access, element access and tostring on dynamic values', () => {
  const q = compileKqlTabular(
    {
      path: 'kql/sentinel/t.kql',
      content: 'AKSAuditAdmin | project r = tostring(ObjectRef.resource), n = tostring(ObjectRef["namespace"]), i = tostring(RequestObject.spec.containers[0].image), j = tostring(RequestObject["spec"]["containers"][1]["image"]), u = tostring(User.username)',
    },
    [],
    sentinel,
  );
  const run = (cells: Record<string, unknown>) => q.run([{ category: 'k8s_audit', row: { ...kqlRow({}, audit), ...cells } as Row }])[0];
  it('a member of a bag, an element of an array, by dot or by subscript', () =>
    expect(run({ ObjectRef: { resource: 'pods', namespace: 'shop' }, RequestObject: { spec: { containers: [{ image: 'a' }, { image: 'b' }] } }, User: { username: 'alice' } })).toEqual({ r: 'pods', n: 'shop', i: 'a', j: 'b', u: 'alice' }));
  it('null, a missing member and an element past the end read as null, and tostring(null) is ""', () =>
    expect(run({ ObjectRef: { other: 1 }, RequestObject: { spec: { containers: [{ image: 'a' }] } }, User: null })).toEqual({ r: '', n: '', i: 'a', j: '', u: '' }));
  const refused = (cells: Record<string, unknown>, what: RegExp) => {
    let error: unknown;
    try {
      run(cells);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedConstruct);
    expect((error as UnsupportedConstruct).construct).toMatch(what);
  };
  it('a member of a string (a request object too big to log) or of an array is refused, not guessed', () => {
    refused({ RequestObject: 'skipped-too-big-size-object' }, /a member of a string/);
    refused({ ObjectRef: ['pods'] }, /a member of an array/);
  });
  it('an element of a bag is refused', () => refused({ RequestObject: { spec: { containers: { image: 'a' } } } }, /an element of a property bag/));
  it('tostring of a number or a bag is refused (its text form is not in semantics.md §2)', () => {
    refused({ ObjectRef: { resource: 3 } }, /tostring.*dynamic number/);
    refused({ User: { username: { first: 'a' } } }, /tostring.*property bag/);
  });
  it('tostring of another type, and a subscript that is not a constant, are refused at compile time', () => {
    const compile = (content: string) => () => compileKqlTabular({ path: 'kql/sentinel/t.kql', content }, [], sentinel);
    expect(compile('AKSAuditAdmin | project x = tostring(TimeGenerated)')).toThrow(/tostring\(\) of a datetime/);
    expect(compile('AKSAuditAdmin | project x = tostring(RequestObject.spec.containers[strlen(Verb)])')).toThrow(UnsupportedConstruct);
    expect(compile('AKSAuditAdmin | project x = tostring(RequestObject.spec.containers[-1])')).toThrow(/subscript/);
  });
});

describe('compile: a path the table cannot hold is an error, and the rule is not rendered there', () => {
  const withFields = (fields: Record<string, string>): KqlProfile => ({ ...sentinel, id: 'lab', fields: { ...sentinel.fields, k8s_audit: { ...sentinel.fields.k8s_audit, ...fields } } });
  it.each([
    [{ ObjectResource: 'Objectref.resource' }, 'kql profile lab maps ObjectResource to Objectref.resource in AKSAuditAdmin, but AKSAuditAdmin has no column Objectref'],
    [{ ObjectResource: 'Verb.resource' }, 'kql profile lab maps ObjectResource to Verb.resource in AKSAuditAdmin, but Verb is a string column, and only a dynamic column has members'],
    [{ ObjectNamespace: "ObjectRef['resource']" }, "kql profile lab maps ObjectNamespace to ObjectRef['resource'] in AKSAuditAdmin, but ObjectRef.resource is read into the same column ObjectRef_resource"],
  ])('%j', (fields, message) => {
    const result = renderKql(podRule, withFields(fields));
    expect(result.files).toEqual([]);
    expect(result.diagnostics.map((d) => [d.severity, d.message])).toEqual([['error', `${message}; rule k8s-pod-create is not rendered there`]]);
  });
  it('defender has no k8s_audit events: the rule is skipped there with one warning', () => {
    const result = renderKql(podRule, defender);
    expect(result.files).toEqual([]);
    expect(result.diagnostics.map((d) => d.message)).toEqual(['kql profile defender has no k8s_audit events; rule k8s-pod-create is skipped there']);
  });
});

describe('k8s-pod-create on sentinel', () => {
  const result = renderKql(podRule, sentinel);
  const query = result.files[0]!;
  it('reads AKSAuditAdmin, extends each path once, keeps only the keepColumns the table has', () => {
    expect(query.content).toContain('\nAKSAuditAdmin\n| extend ObjectRef_resource = tostring(ObjectRef["resource"]), ObjectRef_namespace = tostring(ObjectRef["namespace"]), User_username = tostring(User["username"]), RequestObject_spec_containers_0_image = tostring(RequestObject["spec"]["containers"][0]["image"])\n');
    expect(query.content).toContain('| project TimeGenerated, User_username, Verb, ObjectRef_resource, ObjectRef_namespace, RequestObject_spec_containers_0_image, sig_');
  });
  it('analyses cleanly with Kusto.Language', () => {
    const errors = kqlDiagnostics(query.content, 'sentinel');
    expect(errors, formatKqlDiagnostics(query.content, errors)).toEqual([]);
  });
  it('its test cases through the evaluator agree with the IR', () => {
    const compiled = kqlEvaluator.compile(query, [], audit);
    const model = compileRule(podRule, { availableFields: new Set(Object.keys(audit.fields) as never[]), placeholders: [] });
    const cases = loadTestFile(testsPathFor(podRule.file), bundled.irs).tests!.cases;
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const k of cases) {
      const results = compiled.run([kqlRow(k.event, audit)]);
      const ir = model.evaluate(k.event);
      expect(results.length, k.name).toBe(ir.matched ? 1 : 0);
      if (ir.matched) expect(results[0]!.score, k.name).toBe(ir.score);
    }
  });
});
