/**
 * Every Sigma document t1612 emits (the committed dist-queries/sigma/ files and a fresh in-memory
 * compile of the bundled rules) validates against the Sigma specification's own JSON Schema
 * (/work/shared/reference/sigma-json-schema/, draft 2020-12), and passes the structural checks the
 * schema cannot express: the condition parses (semantics.md §3.3) and names exactly the selections
 * defined, ids are unique UUIDs, names are unique, a risk tier is `informational`, and the ATT&CK
 * tags are present.
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
import { loadRules } from '../../src/pipeline.js';

// ajv-formats is CommonJS with a default export (as in src/schema/validate.ts).
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const repoPath = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
const SCHEMA_FILE = fileURLToPath(new URL('../../../shared/reference/sigma-json-schema/sigma-detection-rule-schema.json', import.meta.url));
const DIST_SIGMA = repoPath('dist-queries/sigma');
const RULES_DIR = repoPath('rules');

type Doc = Record<string, unknown>;

interface LoadedDoc {
  /** `sigma/<profile>/<rule>.yml#<index>`, for messages. */
  readonly label: string;
  /** Rule file name without `.yml`: the bundled rule it came from. */
  readonly ruleName: string;
  readonly index: number;
  readonly doc: Doc;
}

function compileSchema(): ValidateFunction {
  // The schema puts `items` on `type: object` search identifiers (a no-op there), which ajv's
  // strictTypes rejects; every other strict check stays on.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
}

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
  return yaml.loadAll(content).map((doc, index) => {
    const label = `${path}#${index}`;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${label}: not a mapping`);
    return { label, ruleName, index, doc: doc as Doc };
  });
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

function structuralProblems(docs: readonly LoadedDoc[], irs: readonly RuleIR[]): string[] {
  const problems: string[] = [];
  const seenIds = new Map<string, string>();
  const seenNames = new Map<string, string>();
  for (const { label, ruleName, index, doc } of docs) {
    const detection = doc.detection as Doc;
    const condition = detection.condition;
    if (typeof condition !== 'string') {
      problems.push(`${label}: condition is not a string`);
      continue;
    }
    let referenced: Set<string>;
    try {
      referenced = conditionIdentifiers(condition);
    } catch (e) {
      problems.push(`${label}: ${(e as Error).message}`);
      continue;
    }
    const defined = new Set(Object.keys(detection).filter((k) => k !== 'condition'));
    for (const r of referenced) if (!defined.has(r)) problems.push(`${label}: condition names undefined selection ${r}`);
    for (const d of defined) if (!referenced.has(d)) problems.push(`${label}: selection ${d} is never referenced`);

    const id = doc.id;
    if (typeof id !== 'string' || !UUID.test(id)) problems.push(`${label}: id ${String(id)} is not a lower-case UUID`);
    else if (seenIds.has(id)) problems.push(`${label}: id ${id} already used by ${seenIds.get(id)}`);
    else seenIds.set(id, label);

    // The spec: "a unique human-readable name that can be used instead of the id" (correlations).
    const name = doc.name;
    if (typeof name !== 'string') problems.push(`${label}: no name`);
    else if (seenNames.has(name)) problems.push(`${label}: name ${name} already used by ${seenNames.get(name)}`);
    else seenNames.set(name, label);

    const tags = doc.tags as unknown[];
    for (const tag of ['attack.t1612', 'attack.stealth']) if (!tags.includes(tag)) problems.push(`${label}: tags lack ${tag}`);

    const rule = irs.find((r) => r.name === ruleName);
    const tier = rule?.tiers[index];
    if (!rule || !tier) problems.push(`${label}: no tier ${index} in a bundled rule named ${ruleName}`);
    else {
      const want = tier.action === 'risk' ? 'informational' : tier.level;
      if (doc.level !== want) problems.push(`${label}: level ${String(doc.level)}, want ${want} (tier ${tier.name}, action ${tier.action})`);
    }
  }
  for (const rule of irs) {
    const count = docs.filter((d) => d.ruleName === rule.name).length;
    if (count !== rule.tiers.length) problems.push(`${rule.name}: ${count} Sigma documents for ${rule.tiers.length} tiers`);
  }
  return problems;
}

let validate: ValidateFunction;
let irs: readonly RuleIR[];
let compiled: LoadedDoc[];
let committed: LoadedDoc[];

beforeAll(() => {
  validate = compileSchema();
  const loaded = loadRules([RULES_DIR]);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  irs = loaded.irs;
  compiled = compileRules(irs, { targets: ['sigma'] }).files.flatMap((f) => documentsOf(f.path, f.content));
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
});

describe('dist-queries/sigma', () => {
  it('has documents', () => expect(committed.length).toBeGreaterThan(0));
  it('every document validates against the Sigma rule schema', () => expect(schemaFailures(validate, committed)).toEqual([]));
  it('passes the structural checks', () => expect(structuralProblems(committed, irs)).toEqual([]));
});

describe('in-memory compile of the bundled rules', () => {
  it('has one document per tier of every bundled rule', () => {
    expect(irs.length).toBeGreaterThan(0);
    expect(compiled.length).toBe(irs.reduce((n, r) => n + r.tiers.length, 0));
  });
  it('every document validates against the Sigma rule schema', () => expect(schemaFailures(validate, compiled)).toEqual([]));
  it('passes the structural checks', () => expect(structuralProblems(compiled, irs)).toEqual([]));
  it('the bundled risk tier (low) is informational', () => {
    const rule = irs.find((r) => r.name === 'docker-build-risk')!;
    const low = rule.tiers.findIndex((t) => t.name === 'low');
    expect(rule.tiers[low]!.action).toBe('risk');
    expect(compiled.find((d) => d.ruleName === rule.name && d.index === low)!.doc.level).toBe('informational');
  });
});
