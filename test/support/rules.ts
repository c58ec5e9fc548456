/** Shared test helpers: load a rule from inline YAML (written to a temp file) or the bundled rules. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRules, type LoadResult } from '../../src/pipeline.js';
import type { RuleIR } from '../../src/ir/nodes.js';

export function loadRuleText(name: string, text: string): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), 't1612-test-'));
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, text);
  return loadRules([file]);
}

let bundled: LoadResult | undefined;
export function bundledRules(): LoadResult {
  bundled ??= loadRules(['rules']);
  return bundled;
}

export function bundledRule(name: string): RuleIR {
  const ir = bundledRules().irs.find((r) => r.name === name);
  if (!ir) throw new Error(`no bundled rule ${name}`);
  return ir;
}

/** A minimal valid rule around the given match/signals/threshold/tiers YAML. */
export function miniRule(body: string, name = 'mini-rule'): string {
  return `id: 0b7c1a52-6a0e-4f8e-9d38-2c9f6d1e7a11
name: ${name}
title: Mini rule
description: A rule for tests.
status: test
author: tests
created: 2026-11-24
severity: medium
confidence: medium
attack: { version: "19.1", technique: T1612, tactics: [stealth], strategy: DET0459, analytics: [AN1261] }
logsource: { category: process_creation, product: linux }
${body}`;
}

/** Load exactly one valid rule from a file (test helper; fails the test otherwise). */
export function loadOne(path: string): RuleIR {
  const r = loadRules([path]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || r.irs.length !== 1) throw new Error(`${path}: expected one valid rule, got ${r.irs.length} (${errors.map((d) => d.message).join('; ')})`);
  return r.irs[0]!;
}
