/**
 * Property tests of the loader and the validate command on broken input: mutated copies of the
 * bundled rule's YAML text, and arbitrary structured values dumped as YAML. Whatever the input, the
 * loader never throws, every diagnostic points inside the file and is one line, and the CLI never
 * reports an internal error or prints a stack.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import { loadRules } from '../../src/pipeline.js';

// Fixed by default so CI is deterministic; FUZZ_SEED / FUZZ_RUNS explore further locally.
const SEED = Number(process.env.FUZZ_SEED ?? 1612);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const params = (seed: number) => ({ seed, numRuns: RUNS });

const VALID = readFileSync('rules/docker-build-risk.yml', 'utf8');
const VALID_MODEL = yaml.load(VALID, { schema: yaml.CORE_SCHEMA }) as Record<string, unknown>;

const dir = mkdtempSync(join(tmpdir(), 't1612-fuzz-'));
const FILE = join(dir, 'docker-build-risk.yml');
// The rule suppresses by allowlists declared beside it: copy them, so the unmutated rule loads.
for (const f of readdirSync('rules/allowlists')) copyFileSync(`rules/allowlists/${f}`, join(dir, f));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Mutations of the valid text

/** Characters that matter to YAML, plus whitespace oddities and non-ASCII. */
const NASTY = ['\t', '"', "'", ':', ': ', '[', ']', '{', '}', ',', '-', '- ', '#', '&', '*', '!', '|', '>', '%', '@', '`', '?', '\\', ' ', '\n', '\r\n', '\r', 'é', 'ß', 'İ', '😀', '\u00a0', '\u2028', '\ufeff', '\u0000', '---', '...', '~', 'null', 'true', '0x1F', '1e3', 'ſ', 'K'];
const nastyString = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 3 }), fc.string({ unit: 'grapheme', maxLength: 2 })), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));

type Mutation =
  | { op: 'delete'; line: number }
  | { op: 'duplicate'; line: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'indent'; line: number; delta: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: nastyString }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), line: fc.nat(), delta: fc.integer({ min: -4, max: 4 }).filter((d) => d !== 0) }),
);

function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const n = lines.length;
  switch (m.op) {
    case 'delete':
      lines.splice(m.line % n, 1);
      return lines.join('\n');
    case 'duplicate':
      lines.splice(m.line % n, 0, lines[m.line % n]!);
      return lines.join('\n');
    case 'swap': {
      const a = m.a % n;
      const b = m.b % n;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'indent': {
      const i = m.line % n;
      const line = lines[i]!;
      lines[i] = m.delta > 0 ? ' '.repeat(m.delta) + line : line.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      return lines.join('\n');
    }
  }
}

/** One to four mutations of the bundled rule's text. */
const mutatedText = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce(apply, VALID));

// ---------------------------------------------------------------------------------------------
// Checks shared by every property

/** Lines as YAML and editors count them: \r\n, a lone \r or \n ends a line. */
function editorLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Is (line, column) inside the text split this way (or just past the end of a line)? */
function inside(lines: readonly string[], line: number, column: number): boolean {
  if (line > lines.length + 1) return false;
  const len = line <= lines.length ? lines[line - 1]!.length : 0;
  return column <= len + 1;
}

function checkDiagnostics(text: string, ds: readonly Diagnostic[]): void {
  const lines = editorLines(text);
  for (const d of ds) {
    const where = `${d.code} ${d.line}:${d.column} ${JSON.stringify(d.message)}`;
    expect(Number.isInteger(d.line) && d.line >= 1, where).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, where).toBe(true);
    // On a line of the file (or the empty line after a final line break), at most just past its end.
    expect(inside(lines, d.line, d.column), `${where} outside the text`).toBe(true);
    expect(d.message.length, where).toBeGreaterThan(0);
    expect(d.message, where).not.toMatch(/[\r\n]/);
    if (d.hint !== undefined) expect(d.hint, where).not.toMatch(/[\r\n]/);
    expect(['error', 'warning', 'note']).toContain(d.severity);
    expect(d.code, where).toMatch(/^[a-z][a-z-]*$/);
  }
}

function loadText(text: string) {
  writeFileSync(FILE, text);
  let result: ReturnType<typeof loadRules> | undefined;
  expect(() => (result = loadRules([FILE]))).not.toThrow();
  return result!;
}

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), color: new Chalk({ level: 0 }) };
}

// ---------------------------------------------------------------------------------------------
// Structured values

/** A random value anywhere: scalars, lists, mappings (keys may be rule keys). */
const anyValue = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('id', 'name', 'signals', 'tiers', 'when', 'field', 'all', 'any', 'not', 'weight', 'regex', 'signal', 'default', 'score')),
  withNullPrototype: false,
  withBoxedValues: false,
  withMap: false,
  withSet: false,
  withObjectString: false,
  withTypedArray: false,
  withSparseArray: false,
  withDate: false,
  withBigInt: false,
});

/** Pointer-like paths into the valid rule, to replace, delete or add a member. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}
const VALID_PATHS = paths(VALID_MODEL).filter((p) => p.length > 0);

type Edit = { path: (string | number)[]; kind: 'replace' | 'delete' | 'add'; key: string; value: unknown };
const edit: fc.Arbitrary<Edit> = fc.record({
  path: fc.constantFrom(...VALID_PATHS),
  kind: fc.constantFrom('replace' as const, 'delete' as const, 'add' as const),
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('when', 'signal', 'default', 'regex', 'case', 'field', 'treshold', 'extra')),
  value: anyValue,
});

function applyEdit(model: unknown, e: Edit): unknown {
  const root = structuredClone(model) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = root;
  for (const k of e.path.slice(0, -1)) {
    const next = parent[k];
    if (next === null || typeof next !== 'object') return root; // an earlier edit removed the path
    parent = next as Record<string | number, unknown>;
  }
  const last = e.path[e.path.length - 1]!;
  if (e.kind === 'replace') parent[last] = e.value;
  else if (e.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (Array.isArray(target)) target.push(e.value);
    else if (target && typeof target === 'object') (target as Record<string, unknown>)[e.key] = e.value;
    else parent[last] = { [e.key]: e.value };
  }
  return root;
}

function dump(v: unknown): string | undefined {
  try {
    return yaml.dump(v, { schema: yaml.CORE_SCHEMA, skipInvalid: true, noRefs: true, lineWidth: 100 });
  } catch {
    return undefined; // not representable as YAML: not this test's concern
  }
}

/**
 * Schema-shaped edits: the rule stays (mostly) schema-valid, so the semantic checks, the lowering
 * and the outcome table see random weights, thresholds, signal sets, tier orders and conditions,
 * regexes and case-insensitive values.
 */
const FIELDS = ['Image', 'CommandLine', 'ParentImage', 'ParentCommandLine', 'User', 'CurrentDirectory'];
const REGEX_BITS = ['a', 'Z', '0', '.', '*', '+', '?', '|', '(', ')', '(?:', '[', ']', '[a-z]', '^', '$', '\\', '\\.', '\\d', '\\b', '\\x2F', '{2}', '{1,3}', '{', '}', '-', '/', 'é', 'ſ', 'K', ' ', '\t', '(?=', '(?<n>', '++', '\\1', '\\Q', '\\p{L}'];
const regexText = fc.array(fc.constantFrom(...REGEX_BITS), { maxLength: 8 }).map((a) => a.join(''));
const valueText = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('/tmp', 'ÄÖ', 'straße', 'İ', 'K', '--no-cache', '"', "'", '\\'));
const oneOrMany = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.array(a, { minLength: 1, maxLength: 3 }));
const fieldPredicate = fc.record(
  {
    field: fc.constantFrom(...FIELDS),
    equals: oneOrMany(valueText),
    contains: oneOrMany(valueText),
    startswith: oneOrMany(valueText),
    regex: oneOrMany(regexText),
    case: fc.constantFrom('sensitive', 'insensitive'),
    match: fc.constantFrom('any', 'all'),
  },
  { requiredKeys: ['field'] },
);
const predicate = fc.letrec<{ p: unknown }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fieldPredicate,
    fc.record({ executable: fc.record({ field: fc.constantFrom('Image', 'ParentImage'), names: fc.array(valueText.filter((v) => !/[\\/]/.test(v)), { minLength: 1, maxLength: 3 }) }) }),
    fc.record({ flag: fc.record({ field: fc.constant('CommandLine'), names: fc.array(fc.constantFrom('-f', '--file', '--no-cache', '-t'), { minLength: 1, maxLength: 2 }) }) }),
    fc.record({ all: fc.array(tie('p'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('p'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('p') }),
  ),
})).p;
const SIGNAL_IDS = ['temp_context', 'no_cache', 'remote_definition', 'shell_parent', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 's12'];
const tierCondition = (ids: readonly string[]) =>
  fc.letrec<{ c: unknown }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: fc.record({ signal: fc.constantFrom(...ids) }) },
      { weight: 1, arbitrary: fc.record({ signal: fc.constant('undefined_signal') }) },
      { weight: 2, arbitrary: fc.record({ score: fc.record({ gte: fc.integer({ min: -2, max: 30 }), lt: fc.integer({ min: -2, max: 30 }) }, { requiredKeys: [] }) }).filter((c) => Object.keys(c.score).length > 0) },
      { weight: 1, arbitrary: fc.record({ all: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ any: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ not: tie('c') }) },
    ),
  })).c;
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
const shapedRule = fc
  .uniqueArray(
    fc.record({ id: fc.constantFrom(...SIGNAL_IDS), weight: fc.integer({ min: 1, max: 12 }), when: fc.option(predicate, { nil: undefined, freq: 2 }) }),
    { selector: (s) => s.id, minLength: 1, maxLength: 12 },
  )
  .chain((signals) => {
    const ids = signals.map((s) => s.id);
    const total = signals.reduce((n, s) => n + s.weight, 0);
    return fc.record({
      signals: fc.constant(signals),
      threshold: fc.integer({ min: 1, max: total + 2 }),
      tiers: fc.uniqueArray(
        fc.record({ name: fc.constantFrom('critical', 'high', 'medium', 'low', 'other'), when: fc.option(tierCondition(ids), { nil: undefined, freq: 8 }), level: fc.constantFrom(...LEVELS), action: fc.constantFrom('alert', 'risk') }),
        { selector: (t) => t.name, minLength: 1, maxLength: 5 },
      ),
      defaultLast: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    });
  })
  .map(({ signals, threshold, tiers, defaultLast }) => {
    const model = structuredClone(VALID_MODEL) as Record<string, unknown>;
    const base = model.signals as { when: unknown }[];
    model.signals = signals.map((s, i) => ({ id: s.id, weight: s.weight, description: `Signal ${i}.`, when: s.when ?? base[i % base.length]!.when }));
    model.threshold = threshold;
    model.tiers = tiers.map((t, i) => {
      const last = i === tiers.length - 1 && defaultLast;
      return { name: t.name, title: `Tier ${i}`, ...(last ? { default: true } : t.when ? { when: t.when } : { default: true }), level: t.level, action: t.action };
    });
    return model;
  });

// ---------------------------------------------------------------------------------------------

describe('loader fuzz', () => {
  it('the unmutated rule loads cleanly (the properties start from a valid rule)', () => {
    const r = loadText(VALID);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
  });

  it('(a) mutated rule text: never throws, diagnostics located inside the file, one line each', () => {
    fc.assert(
      fc.property(mutatedText, (text) => {
        const r = loadText(text);
        checkDiagnostics(text, r.diagnostics);
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
        if (!r.ok) expect(r.irs).toEqual([]);
      }),
      params(SEED),
    );
  });

  it('(b1) arbitrary values dumped as YAML: same properties, and rejected unless a mapping', () => {
    fc.assert(
      fc.property(anyValue, (v) => {
        const text = dump(v);
        fc.pre(text !== undefined);
        const r = loadText(text!);
        checkDiagnostics(text!, r.diagnostics);
        expect(r.ok).toBe(false);
      }),
      params(SEED + 1),
    );
  });

  it('(b2) the valid rule with a member replaced, deleted or added: same properties', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const text = dump(edits.reduce<unknown>(applyEdit, VALID_MODEL));
        fc.pre(text !== undefined);
        const r = loadText(text!);
        checkDiagnostics(text!, r.diagnostics);
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
      }),
      params(SEED + 2),
    );
  });

  it('(b4) schema-shaped edits (weights, thresholds, signals, tiers, regexes): same properties, and a valid rule lowers', () => {
    fc.assert(
      fc.property(shapedRule, (model) => {
        const text = dump(model);
        fc.pre(text !== undefined);
        const r = loadText(text!);
        checkDiagnostics(text!, r.diagnostics);
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
        expect(r.irs).toHaveLength(r.ok ? 1 : 0);
      }),
      params(SEED + 5),
    );
  });

  it('(b3) arbitrary mappings (fc.object) dumped as YAML: same properties', () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 2, maxKeys: 6 }), (v) => {
        const text = dump(v);
        fc.pre(text !== undefined);
        const r = loadText(text!);
        checkDiagnostics(text!, r.diagnostics);
        expect(r.ok).toBe(false);
      }),
      params(SEED + 3),
    );
  });
});

describe('validate command fuzz', () => {
  it('(c) never exits 70 (internal error), never prints a stack, one diagnostic per line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedText, fc.array(edit, { minLength: 1, maxLength: 2 }).map((es) => dump(es.reduce<unknown>(applyEdit, VALID_MODEL)) ?? '')), async (text) => {
        writeFileSync(FILE, text);
        const io = captureIo();
        const code = await run(['validate', FILE], io);
        expect(code, io.stderr.join('\n')).not.toBe(70);
        expect([0, 2]).toContain(code);
        for (const chunk of [...io.stderr, ...io.stdout]) {
          expect(chunk).not.toMatch(/^\s+at /m);
          expect(chunk).not.toContain('internal error');
        }
        const printed = loadRules([FILE]).diagnostics;
        expect(io.stderr).toHaveLength(printed.length);
        io.stderr.forEach((line) => {
          expect(line).toMatch(/^[^\r\n]+:\d+:\d+: (error|warning|note): [^\r\n]+$/);
        });
        if (code === 0) expect(io.stdout).toEqual(['1 rule(s) and 0 correlation(s) valid']);
        else expect(io.stderr.length).toBeGreaterThan(0);
      }),
      params(SEED + 4),
    );
  });
});
