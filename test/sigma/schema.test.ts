/**
 * Every Sigma document t1612 emits (the committed dist-queries/sigma/ files and a fresh in-memory
 * compile of the bundled rules and correlations) validates against the Sigma specification's own
 * JSON Schemas (/work/shared/reference/sigma-json-schema/, draft 2020-12): detection rules (a rule's
 * tiers, a correlation's stage rules) against the rules schema, correlation documents against the
 * correlation schema. They also pass the structural checks the schemas cannot express: the condition
 * parses (semantics.md §3.3) and names exactly the selections defined, ids are unique UUIDs, names
 * are unique, a risk tier and a stage rule are `informational`, the ATT&CK tags are present, and a
 * correlation references its file's stage rules in order with the chain's span as its timespan.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import type { CorrelationIR } from '../../src/ir/correlation.js';
import { loadRules } from '../../src/pipeline.js';
import { sigmaProfiles } from '../../src/backends/sigma/profiles.js';
import { timespanSeconds } from '../../src/backends/sigma/evaluate.js';

// ajv-formats is CommonJS with a default export (as in src/schema/validate.ts).
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const repoPath = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
const SCHEMA_DIR = '../../../shared/reference/sigma-json-schema/';
const SCHEMA_FILE = fileURLToPath(new URL(`${SCHEMA_DIR}sigma-detection-rule-schema.json`, import.meta.url));
const CORRELATION_SCHEMA_FILE = fileURLToPath(new URL(`${SCHEMA_DIR}sigma-correlation-rules-schema.json`, import.meta.url));
const DIST_SIGMA = repoPath('dist-queries/sigma');
const RULES_DIR = repoPath('rules');

type Doc = Record<string, unknown>;

interface LoadedDoc {
  /** `sigma/<profile>/<rule>.yml#<index>`, for messages. */
  readonly label: string;
  /** Rule file name without `.yml`: the bundled rule (or correlation) it came from. */
  readonly ruleName: string;
  readonly index: number;
  readonly doc: Doc;
  /** The document is part of a correlation's file (a stage rule or the correlation itself). */
  readonly inCorrelation: boolean;
}

function compileSchema(): ValidateFunction {
  // The schema puts `items` on `type: object` search identifiers (a no-op there), which ajv's
  // strictTypes rejects; every other strict check stays on.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
}

/**
 * The correlation schema puts words that are not keywords where ajv expects keywords (`condition`
 * and `gt`… inside `then`/`anyOf`, a `required` naming them): no-ops that strictSchema and
 * strictRequired reject. Both are off for this schema only; formats stay checked.
 */
function compileCorrelationSchema(): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictSchema: false, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(CORRELATION_SCHEMA_FILE, 'utf8')) as object);
}

const isCorrelationDoc = (d: LoadedDoc): boolean => 'correlation' in d.doc;

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('\n');
}

/** `label: errors` for each document the schema rejects. */
function schemaFailures(validate: ValidateFunction, docs: readonly LoadedDoc[]): string[] {
  return docs.flatMap((d) => (validate(d.doc) ? [] : [`${d.label}:\n${errorsOf(validate)}`]));
}

/** Split one emitted multi-document file into its documents; each must be a mapping. */
function documentsOf(path: string, content: string): LoadedDoc[] {
  const ruleName = path.split('/').pop()!.replace(/\.yml$/, '');
  const docs = yaml.loadAll(content).map((doc, index) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}#${index}: not a mapping`);
    return doc as Doc;
  });
  const inCorrelation = docs.some((d) => 'correlation' in d);
  return docs.map((doc, index) => ({ label: `${path}#${index}`, ruleName, index, doc, inCorrelation }));
}

function distDocuments(): LoadedDoc[] {
  const out: LoadedDoc[] = [];
  for (const profile of readdirSync(DIST_SIGMA).sort()) {
    const dir = join(DIST_SIGMA, profile);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort().filter((n) => n.endsWith('.yml')))
      out.push(...documentsOf(`sigma/${profile}/${name}`, readFileSync(join(dir, name), 'utf8')));
  }
  return out;
}

// ---- condition grammar (semantics.md §3.3): or < and < not < ( ), over search identifiers ----

const OPERATORS = new Set(['and', 'or', 'not']);

/** Parse a condition with only `and`/`or`/`not`/parentheses; return the identifiers it names. */
function conditionIdentifiers(condition: string): Set<string> {
  const tokens = condition.match(/\(|\)|[^\s()]+/g) ?? [];
  const ids = new Set<string>();
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const fail = (what: string): never => {
    throw new Error(`condition "${condition}": ${what} at token ${pos} (${peek() ?? 'end'})`);
  };
  const expect_ = (t: string): void => {
    if (peek() !== t) fail(`expected ${t}`);
    pos++;
  };
  const atom = (): void => {
    const t = peek();
    if (t === '(') {
      pos++;
      orExpr();
      expect_(')');
    } else if (t !== undefined && !OPERATORS.has(t) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t) && t !== 'of' && t !== 'them') {
      ids.add(t);
      pos++;
    } else fail('expected an identifier or (');
  };
  const notExpr = (): void => {
    if (peek() === 'not') {
      pos++;
      notExpr();
    } else atom();
  };
  const andExpr = (): void => {
    notExpr();
    while (peek() === 'and') {
      pos++;
      notExpr();
    }
  };
  function orExpr(): void {
    andExpr();
    while (peek() === 'or') {
      pos++;
      andExpr();
    }
  }
  orExpr();
  if (pos !== tokens.length) fail('unexpected trailing input');
  return ids;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Id, name and tags: what every document needs, tier, stage rule or correlation. */
function identityProblems(d: LoadedDoc, seenIds: Map<string, string>, seenNames: Map<string, string>): string[] {
  const problems: string[] = [];
  const { label, doc } = d;
  const id = doc.id;
  if (typeof id !== 'string' || !UUID.test(id)) problems.push(`${label}: id ${String(id)} is not a lower-case UUID`);
  else if (seenIds.has(id)) problems.push(`${label}: id ${id} already used by ${seenIds.get(id)}`);
  else seenIds.set(id, label);

  // The spec: "a unique human-readable name that can be used instead of the id" (correlations).
  const name = doc.name;
  if (typeof name !== 'string') problems.push(`${label}: no name`);
  else if (seenNames.has(name)) problems.push(`${label}: name ${name} already used by ${seenNames.get(name)}`);
  else seenNames.set(name, label);

  const tags = (doc.tags ?? []) as unknown[];
  for (const tag of ['attack.t1612', 'attack.stealth']) if (!tags.includes(tag)) problems.push(`${label}: tags lack ${tag}`);
  return problems;
}

/** The condition parses and names exactly the selections defined. */
function detectionProblems({ label, doc }: LoadedDoc): string[] {
  const detection = doc.detection as Doc;
  const condition = detection.condition;
  if (typeof condition !== 'string') return [`${label}: condition is not a string`];
  let referenced: Set<string>;
  try {
    referenced = conditionIdentifiers(condition);
  } catch (e) {
    return [`${label}: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const defined = new Set(Object.keys(detection).filter((k) => k !== 'condition'));
  for (const r of referenced) if (!defined.has(r)) problems.push(`${label}: condition names undefined selection ${r}`);
  for (const d of defined) if (!referenced.has(d)) problems.push(`${label}: selection ${d} is never referenced`);
  return problems;
}

/** A tier's level is its tier's (informational for risk); a stage rule is a chain stage, not an alert. */
function levelProblems({ label, ruleName, index, doc, inCorrelation }: LoadedDoc, irs: readonly RuleIR[]): string[] {
  if (inCorrelation) return doc.level === 'informational' ? [] : [`${label}: level ${String(doc.level)}, want informational (a stage rule)`];
  const rule = irs.find((r) => r.name === ruleName);
  const tier = rule?.tiers[index];
  if (!rule || !tier) return [`${label}: no tier ${index} in a bundled rule named ${ruleName}`];
  const want = tier.action === 'risk' ? 'informational' : tier.level;
  return doc.level === want ? [] : [`${label}: level ${String(doc.level)}, want ${want} (tier ${tier.name}, action ${tier.action})`];
}

/**
 * A correlation document: temporal_ordered over its file's stage rules in stage order, grouped by the
 * profile's names of the group-by fields, the chain's whole span as timespan, the correlation's level.
 */
function correlationProblems(d: LoadedDoc, docs: readonly LoadedDoc[], correlations: readonly CorrelationIR[]): string[] {
  const { label, ruleName, doc } = d;
  const c = correlations.find((x) => x.name === ruleName);
  if (!c) return [`${label}: no bundled correlation named ${ruleName}`];
  const problems: string[] = [];
  const corr = doc.correlation as Doc;
  const folder = label.slice(0, label.lastIndexOf('/'));
  const stages = docs.filter((x) => x.ruleName === ruleName && x.label.startsWith(`${folder}/`) && !isCorrelationDoc(x));
  const want = c.stages.map((s) => `${c.name}-${s.label}`);
  if (corr.type !== 'temporal_ordered') problems.push(`${label}: type ${String(corr.type)}, want temporal_ordered`);
  if (JSON.stringify(stages.map((x) => x.doc.name)) !== JSON.stringify(want)) problems.push(`${label}: the file's stage rules are ${JSON.stringify(stages.map((x) => x.doc.name))}, want ${JSON.stringify(want)}`);
  if (JSON.stringify(corr.rules) !== JSON.stringify(want)) problems.push(`${label}: references ${JSON.stringify(corr.rules)}, want ${JSON.stringify(want)}`);
  const profile = sigmaProfiles.find((p) => p.id === folder.split('/')[1]);
  const category = c.stages[0]!.rules[0]!.logsource.category;
  const groupBy = c.groupBy.map((f) => profile?.fields[category]?.[f]);
  if (JSON.stringify(corr['group-by']) !== JSON.stringify(groupBy)) problems.push(`${label}: group-by ${JSON.stringify(corr['group-by'])}, want ${JSON.stringify(groupBy)}`);
  let span: number | undefined;
  try {
    span = timespanSeconds(corr.timespan);
  } catch (e) {
    problems.push(`${label}: ${(e as Error).message}`);
  }
  if (span !== undefined && span !== c.spanSeconds) problems.push(`${label}: timespan ${String(corr.timespan)} is ${span}s, want the chain's span ${c.spanSeconds}s`);
  if (doc.id !== c.id) problems.push(`${label}: id ${String(doc.id)}, want the correlation's id ${c.id}`);
  if (doc.level !== c.level) problems.push(`${label}: level ${String(doc.level)}, want ${c.level}`);
  return problems;
}

function structuralProblems(docs: readonly LoadedDoc[], irs: readonly RuleIR[], correlations: readonly CorrelationIR[] = []): string[] {
  const problems: string[] = [];
  const seenIds = new Map<string, string>();
  const seenNames = new Map<string, string>();
  for (const d of docs) {
    problems.push(...identityProblems(d, seenIds, seenNames));
    if (isCorrelationDoc(d)) problems.push(...correlationProblems(d, docs, correlations));
    else problems.push(...detectionProblems(d), ...levelProblems(d, irs));
  }
  for (const rule of irs) {
    const count = docs.filter((d) => !d.inCorrelation && d.ruleName === rule.name).length;
    if (count !== rule.tiers.length) problems.push(`${rule.name}: ${count} Sigma documents for ${rule.tiers.length} tiers`);
  }
  for (const c of correlations)
    if (!docs.some((d) => isCorrelationDoc(d) && d.ruleName === c.name)) problems.push(`${c.name}: no Sigma correlation document`);
  return problems;
}

let validate: ValidateFunction;
let validateCorrelation: ValidateFunction;
let irs: readonly RuleIR[];
let correlations: readonly CorrelationIR[];
/** The documents of the rules' own files. */
let compiled: LoadedDoc[];
/** The documents of the correlations' files. */
let chains: LoadedDoc[];
let committed: LoadedDoc[];

/** Rule-schema failures of the detection documents, correlation-schema failures of the correlations. */
function allSchemaFailures(docs: readonly LoadedDoc[]): string[] {
  return [...schemaFailures(validate, docs.filter((d) => !isCorrelationDoc(d))), ...schemaFailures(validateCorrelation, docs.filter(isCorrelationDoc))];
}

beforeAll(() => {
  validate = compileSchema();
  validateCorrelation = compileCorrelationSchema();
  const loaded = loadRules([RULES_DIR]);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  irs = loaded.irs;
  correlations = loaded.correlations;
  const all = compileRules(irs, { targets: ['sigma'] }, correlations).files.flatMap((f) => documentsOf(f.path, f.content));
  compiled = all.filter((d) => !d.inCorrelation);
  chains = all.filter((d) => d.inCorrelation);
  committed = distDocuments();
});

const minimal: Doc = {
  title: 'Minimal',
  id: '0b7c1a52-6a0e-4f8e-9d38-2c9f6d1e7a11',
  logsource: { category: 'process_creation', product: 'linux' },
  detection: { sel: { Image: '/usr/bin/docker' }, condition: 'sel' },
  level: 'low',
};

describe('the Sigma schema can fail', () => {
  it('accepts a minimal valid rule', () => expect(validate(minimal), errorsOf(validate)).toBe(true));
  it('rejects a document without detection', () => {
    const { detection: _omitted, ...rest } = minimal;
    expect(validate(rest)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'required', params: { missingProperty: 'detection' } }));
  });
  it('rejects a detection without condition', () => expect(validate({ ...minimal, detection: { sel: { Image: 'x' } } })).toBe(false));
  it('checks formats (ajv-formats is active): a non-UUID id fails', () => expect(validate({ ...minimal, id: 'not-a-uuid' })).toBe(false));
  it('rejects an unknown level', () => expect(validate({ ...minimal, level: 'urgent' })).toBe(false));
  it('rejects an unquoted date (js-yaml would load a Date, not a string)', () =>
    expect(validate(yaml.load(yaml.dump({ ...minimal, date: '2026-11-24' }).replace("'2026-11-24'", '2026-11-24')))).toBe(false));
});

const minimalCorrelation: Doc = {
  title: 'Minimal chain',
  id: '4e3f0c1b-2a5d-4c7e-8f90-1b2c3d4e5f60',
  correlation: { type: 'temporal_ordered', rules: ['stage-one', 'stage-two'], 'group-by': ['Computer'], timespan: '1h' },
  level: 'high',
};

describe('the Sigma correlation schema can fail', () => {
  const withCorrelation = (change: Doc): Doc => ({ ...minimalCorrelation, correlation: { ...(minimalCorrelation.correlation as Doc), ...change } });
  it('accepts a minimal temporal_ordered correlation', () => expect(validateCorrelation(minimalCorrelation), errorsOf(validateCorrelation)).toBe(true));
  it('rejects a temporal_ordered correlation without group-by (the schema requires it for that type)', () => {
    const { 'group-by': _omitted, ...rest } = minimalCorrelation.correlation as Doc;
    expect(validateCorrelation({ ...minimalCorrelation, correlation: rest })).toBe(false);
  });
  it('rejects a correlation without timespan', () => {
    const { timespan: _omitted, ...rest } = minimalCorrelation.correlation as Doc;
    expect(validateCorrelation({ ...minimalCorrelation, correlation: rest })).toBe(false);
  });
  it('rejects an unknown type', () => expect(validateCorrelation(withCorrelation({ type: 'sequence' }))).toBe(false));
  it('rejects a repeated rule', () => expect(validateCorrelation(withCorrelation({ rules: ['stage-one', 'stage-one'] }))).toBe(false));
  it('checks formats: a non-UUID id fails', () => expect(validateCorrelation({ ...minimalCorrelation, id: 'chain-1' })).toBe(false));
  it('rejects an unknown level', () => expect(validateCorrelation({ ...minimalCorrelation, level: 'urgent' })).toBe(false));
});

describe('condition parser', () => {
  it.each([
    ['a', ['a']],
    ['a and not (b or c_1)', ['a', 'b', 'c_1']],
    ['not not a or b and c', ['a', 'b', 'c']],
  ])('%s', (text, ids) => expect([...conditionIdentifiers(text)].sort()).toEqual(ids));
  it.each(['', 'a and', '(a', 'a)', 'a b', 'not', '1 of sel*', 'a | count() > 2'])('rejects %j', (text) =>
    expect(() => conditionIdentifiers(text)).toThrow());
});

describe('the structural checks can fail', () => {
  const tampered = (change: (doc: Doc) => void): LoadedDoc[] => {
    const docs = compiled.map((d) => ({ ...d, doc: structuredClone(d.doc) }));
    change(docs[0]!.doc);
    return docs;
  };
  const detectionOf = (doc: Doc): Doc => doc.detection as Doc;
  it.each<[string, (doc: Doc) => void, RegExp]>([
    ['an undefined selection', (doc) => void (detectionOf(doc).condition += ' and ghost'), /undefined selection ghost/],
    ['an unreferenced selection', (doc) => void (detectionOf(doc).spare = { Image: 'x' }), /selection spare is never referenced/],
    ['a malformed condition', (doc) => void (detectionOf(doc).condition += ' and ('), /expected an identifier/],
    ['a non-UUID id', (doc) => void (doc.id = 'rule-1'), /is not a lower-case UUID/],
    ['a duplicate id', (doc) => void (doc.id = compiled[1]!.doc.id), /id .* already used/],
    ['a duplicate name', (doc) => void (doc.name = compiled[1]!.doc.name), /name .* already used/],
    ['a missing tag', (doc) => void (doc.tags = ['attack.t1612']), /tags lack attack\.stealth/],
    ['a wrong level', (doc) => void (doc.level = 'informational'), /level informational, want/],
  ])('reports %s', (_what, change, message) => expect(structuralProblems(tampered(change), irs).join('\n')).toMatch(message));
  it('reports a missing tier document', () => expect(structuralProblems(compiled.slice(1), irs).join('\n')).toMatch(/Sigma documents for/));

  const tamperedChain = (change: (docs: LoadedDoc[]) => void): LoadedDoc[] => {
    const docs = chains.map((d) => ({ ...d, doc: structuredClone(d.doc) }));
    change(docs);
    return docs;
  };
  const correlationOf = (docs: LoadedDoc[]): Doc => docs.find(isCorrelationDoc)!.doc.correlation as Doc;
  it.each<[string, (docs: LoadedDoc[]) => void, RegExp]>([
    ['stage rules referenced out of order', (docs) => void (correlationOf(docs).rules as string[]).reverse(), /references .*, want/],
    ['a timespan other than the chain\'s span', (docs) => void (correlationOf(docs).timespan = '59m'), /timespan 59m is 3540s, want the chain's span/],
    ['a timespan Sigma does not define', (docs) => void (correlationOf(docs).timespan = '1w'), /timespan "1w"/],
    ['a group-by field under its canonical name', (docs) => void (correlationOf(docs)['group-by'] = ['Host']), /group-by \["Host"\], want \["Computer"\]/],
    ['an unordered correlation', (docs) => void (correlationOf(docs).type = 'temporal'), /type temporal, want temporal_ordered/],
    ['a stage rule that alerts', (docs) => void (docs[0]!.doc.level = 'high'), /level high, want informational \(a stage rule\)/],
    ['a stage rule\'s dangling selection', (docs) => void ((docs[0]!.doc.detection as Doc).spare = { Image: 'x' }), /selection spare is never referenced/],
  ])('reports %s', (_what, change, message) => expect(structuralProblems(tamperedChain(change), irs, correlations).join('\n')).toMatch(message));
  it('reports a missing correlation document', () =>
    expect(structuralProblems(chains.filter((d) => !isCorrelationDoc(d)), irs, correlations).join('\n')).toMatch(/no Sigma correlation document/));
});

describe('dist-queries/sigma', () => {
  it('has documents, correlations among them', () => {
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.filter(isCorrelationDoc).length).toBe(correlations.length);
  });
  it('every detection document validates against the Sigma rule schema, every correlation against the correlation schema', () =>
    expect(allSchemaFailures(committed)).toEqual([]));
  it('passes the structural checks', () => expect(structuralProblems(committed, irs, correlations)).toEqual([]));
});

describe('in-memory compile of the bundled correlations', () => {
  it('gives one file per correlation: a stage rule per stage, then the correlation', () => {
    expect(correlations.length).toBeGreaterThanOrEqual(2);
    for (const c of correlations) {
      const docs = chains.filter((d) => d.ruleName === c.name);
      expect(docs.map((d) => isCorrelationDoc(d)), c.name).toEqual([...c.stages.map(() => false), true]);
    }
  });
  it('stage rules validate against the Sigma rule schema', () => expect(schemaFailures(validate, chains.filter((d) => !isCorrelationDoc(d)))).toEqual([]));
  it('correlation documents validate against the Sigma correlation schema', () => {
    expect(chains.filter(isCorrelationDoc).length).toBe(correlations.length);
    expect(schemaFailures(validateCorrelation, chains.filter(isCorrelationDoc))).toEqual([]);
  });
  it('passes the structural checks', () => expect(structuralProblems([...compiled, ...chains], irs, correlations)).toEqual([]));
});

describe('in-memory compile of the bundled rules', () => {
  it('has one document per tier of every bundled rule', () => {
    expect(irs.length).toBeGreaterThan(0);
    expect(compiled.length).toBe(irs.reduce((n, r) => n + r.tiers.length, 0));
  });
  it('every document validates against the Sigma rule schema', () => expect(schemaFailures(validate, compiled)).toEqual([]));
  it('passes the structural checks', () => expect(structuralProblems(compiled, irs)).toEqual([]));
  it('covers the value forms the schema must accept: |cidr network lists, integer lists, |endswith lists and filter selections', () => {
    const selections = compiled.flatMap((d) => Object.entries(d.doc.detection as Doc).filter(([k]) => k !== 'condition'));
    const has = (test: (name: string, value: Doc) => boolean) => selections.some(([name, value]) => test(name, value as Doc));
    expect(has((_n, v) => Array.isArray(v['DestinationIp|cidr']) && (v['DestinationIp|cidr'] as string[]).includes('::/0'))).toBe(true);
    expect(has((_n, v) => Array.isArray(v.DestinationPort) && (v.DestinationPort as unknown[]).every(Number.isInteger))).toBe(true);
    expect(has((_n, v) => Array.isArray(v['DestinationHostname|endswith']))).toBe(true);
    expect(has((n) => n.startsWith('filter_'))).toBe(true);
  });
  it('a single integer value and a single |cidr network validate too', () => {
    for (const sel of [{ DestinationPort: 2375 }, { 'DestinationIp|cidr': 'fc00::/7' }, { DestinationPort: [2375, 2376], 'DestinationIp|cidr': ['0.0.0.0/0', '::/0'] }])
      expect(validate({ ...minimal, detection: { sel, condition: 'sel' } }), errorsOf(validate)).toBe(true);
  });
  it('the bundled risk tier (low) is informational', () => {
    const rule = irs.find((r) => r.name === 'docker-build-risk')!;
    const low = rule.tiers.findIndex((t) => t.name === 'low');
    expect(rule.tiers[low]!.action).toBe('risk');
    expect(compiled.find((d) => d.ruleName === rule.name && d.index === low)!.doc.level).toBe('informational');
  });
});
