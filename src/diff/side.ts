/**
 * One side of `t1612 diff`: the rules under some paths, loaded and run through `t1612 test` by the
 * current compiler, with a fingerprint of each rule's meaning.
 */
import { createHash } from 'node:crypto';
import type { CorrelationIR } from '../ir/correlation.js';
import type { RuleIR } from '../ir/nodes.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { loadRules } from '../pipeline.js';
import { runTests, type TestOptions } from '../testing/run.js';
import type { DiffSide, RuleInfo } from './compare.js';

/** Keys that say where a rule was read from, not what it means. */
const LOCATION_KEYS = new Set(['file', 'position']);

/** A JSON-able copy with keys sorted, locations and memo caches dropped, regexes, maps and sets spelled out. */
export function canonical(v: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : typeof v === 'bigint' ? String(v) : v;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  let out: unknown;
  if (v instanceof Map) out = [...v.entries()].map(([k, x]) => [canonical(k, seen), canonical(x, seen)]);
  else if (v instanceof Set) out = [...v].map((x) => canonical(x, seen));
  else if (Array.isArray(v)) out = v.map((x) => canonical(x, seen));
  else {
    // A class instance (a parsed regex) keeps memo caches in Map fields that fill as queries are
    // rendered: they say nothing about the rule.
    const proto = Object.getPrototypeOf(v) as unknown;
    const instance = proto !== Object.prototype && proto !== null;
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (LOCATION_KEYS.has(k) || (instance && (x instanceof Map || x instanceof Set))) continue;
      o[k] = canonical(x, seen);
    }
    out = o;
  }
  seen.delete(v);
  return out;
}

/**
 * A digest of what a rule means: its IR without source locations. A correlation's stages name their
 * rules (each rule has its own fingerprint), so a changed stage rule does not make every chain
 * over it "changed" unless its chains' results do.
 */
export function fingerprint(x: RuleIR | CorrelationIR): string {
  const value = 'kind' in x && x.kind === 'correlation' ? { ...x, stages: x.stages.map((s) => ({ ...s, rules: s.rules.map((r) => r.name) })) } : x;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex').slice(0, 16);
}

export interface LoadedSide {
  readonly paths: readonly string[];
  readonly rules: readonly RuleInfo[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

/** Load the rules under `paths` and fingerprint them. */
export function loadSide(paths: readonly string[]): LoadedSide {
  const loaded = loadRules(paths);
  const rules: RuleInfo[] = [
    ...loaded.irs.map((r): RuleInfo => ({ name: r.name, kind: 'rule', fingerprint: fingerprint(r) })),
    ...loaded.correlations.map((c): RuleInfo => ({ name: c.name, kind: 'correlation', fingerprint: fingerprint(c) })),
  ];
  return { paths, rules, diagnostics: loaded.diagnostics, ok: loaded.ok };
}

export interface TestedSide {
  readonly side: DiffSide;
  /** Everything loading and testing said (rule and test-file problems). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Run the cases beside a side's rules (`t1612 test`), on every column. */
export function testSide(loaded: LoadedSide, opts: TestOptions = {}): TestedSide {
  const report = runTests(loaded.paths, opts);
  return { side: { rules: loaded.rules, report }, diagnostics: report.diagnostics };
}
