/** Conventions enforced by tests rather than reviewers. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ruleSchemaSource from '../../scripts/rule-schema.mjs';
import testsSchemaSource from '../../scripts/tests-schema.mjs';
import profileSchemaSource from '../../scripts/profile-schema.mjs';
import allowlistSchemaSource from '../../scripts/allowlist-schema.mjs';
import correlationSchemaSource from '../../scripts/correlation-schema.mjs';
import correlationTestsSchemaSource from '../../scripts/correlation-tests-schema.mjs';
import { CATEGORIES } from '../../scripts/fields.mjs';
import { CANONICAL_FIELDS } from '../../src/model/types.js';
import { targets } from '../../src/backends/index.js';
import { TACTICS } from '../../src/backends/attack.js';
import { compileRules } from '../../src/compile.js';
import { bundledRules } from '../support/rules.js';

describe('schemas', () => {
  it('schema/rule.schema.json is what scripts/rule-schema.mjs generates', () =>
    expect(readFileSync('schema/rule.schema.json', 'utf8')).toBe(JSON.stringify(ruleSchemaSource, null, 2) + '\n'));
  it('schema/tests.schema.json is what scripts/tests-schema.mjs generates', () =>
    expect(readFileSync('schema/tests.schema.json', 'utf8')).toBe(JSON.stringify(testsSchemaSource, null, 2) + '\n'));
  it('schema/profile.schema.json is what scripts/profile-schema.mjs generates', () =>
    expect(readFileSync('schema/profile.schema.json', 'utf8')).toBe(JSON.stringify(profileSchemaSource, null, 2) + '\n'));
  it.each([
    ['allowlist', allowlistSchemaSource],
    ['correlation', correlationSchemaSource],
    ['correlation-tests', correlationTestsSchemaSource],
  ])('schema/%s.schema.json is what its script generates', (name, source) =>
    expect(readFileSync(`schema/${name}.schema.json`, 'utf8')).toBe(JSON.stringify(source, null, 2) + '\n'));
  it('the schemas\' field lists (scripts/fields.mjs) are the model\'s canonical fields', () =>
    expect(CATEGORIES).toEqual(JSON.parse(JSON.stringify(CANONICAL_FIELDS))));
  it('every property in the rule schema has a description', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties) for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
        if (!v.description) missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      for (const k of ['items', 'definitions']) if (n[k]) walk(n[k], `${path}.${k}`);
      if (n.definitions) for (const [k, v] of Object.entries(n.definitions as object)) walk(v, `${path}#${k}`);
    };
    walk(ruleSchemaSource, 'rule');
    expect(missing).toEqual([]);
  });
  it('bundled rules, correlations, tests and allowlists point editors at their schema', () => {
    for (const f of readdirSync('rules').filter((f) => f.endsWith('.yml'))) {
      const text = readFileSync(`rules/${f}`, 'utf8');
      const correlation = /^correlation:/m.test(text);
      const schema = f.endsWith('.tests.yml') ? (/^\s+events:/m.test(text) ? 'correlation-tests' : 'tests') : correlation ? 'correlation' : 'rule';
      expect(text.split('\n')[0], f).toBe(`# yaml-language-server: $schema=../schema/${schema}.schema.json`);
    }
    for (const f of readdirSync('rules/allowlists'))
      expect(readFileSync(`rules/allowlists/${f}`, 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=../../schema/allowlist.schema.json');
  });
});

describe('backends', () => {
  const folders = readdirSync('src/backends', { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'text').map((d) => d.name);
  it('every backend folder is registered, and every registered target has a folder', () => expect(folders.sort()).toEqual(Object.keys(targets).sort()));
  it.each(folders)('%s has the standard files', (name) => {
    for (const f of ['index.ts', 'escape.ts', 'profiles.ts']) expect(existsSync(`src/backends/${name}/${f}`), `${name}/${f}`).toBe(true);
    expect(readdirSync(`src/backends/${name}/templates`).some((f) => f.endsWith('.hbs'))).toBe(true);
  });
});

describe('ATT&CK tactic map (release 19.1)', () => {
  it.each([
    ['stealth', 'attack.stealth', 'DefenseEvasion'],
    ['defense-impairment', 'attack.defense-impairment', 'DefenseEvasion'],
    ['execution', 'attack.execution', 'Execution'],
    ['command-and-control', 'attack.command-and-control', 'CommandAndControl'],
  ] as const)('%s → Sigma %s, Sentinel %s', (t, sigma, sentinel) => expect(TACTICS[t]).toEqual({ sigma, sentinel }));
  it('covers every tactic the schema allows', () => {
    const allowed = (ruleSchemaSource as any).properties.attack.properties.tactics.items.enum as string[];
    expect(Object.keys(TACTICS).sort()).toEqual([...allowed].sort());
  });
  it('Sentinel tactics are from its enumeration (it has no Stealth)', () => {
    const sentinelTactics = ['Reconnaissance', 'ResourceDevelopment', 'InitialAccess', 'Execution', 'Persistence', 'PrivilegeEscalation', 'DefenseEvasion', 'CredentialAccess', 'Discovery', 'LateralMovement', 'Collection', 'Exfiltration', 'CommandAndControl', 'Impact', 'ImpairProcessControl', 'InhibitResponseFunction', 'PreAttack'];
    for (const v of Object.values(TACTICS)) expect(sentinelTactics).toContain(v.sentinel);
  });
});

describe('dist-queries', () => {
  it('is up to date with the bundled rules (CI also runs `t1612 compile --check`)', () => {
    const bundled = bundledRules();
    const out = compileRules(bundled.irs, {}, bundled.correlations);
    for (const f of out.files) expect(readFileSync(`dist-queries/${f.path}`, 'utf8'), f.path).toBe(f.content);
  });
  it('every generated text file names the command that made it, and no timestamp', () => {
    const bundled = bundledRules();
    const out = compileRules(bundled.irs, {}, bundled.correlations);
    // CSV and JSON have no comment syntax: no header there (the guide's rule), but no timestamp either.
    for (const f of out.files) {
      expect(f.content, f.path).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:\d\d/);
      if (/\.(csv|json)$/.test(f.path)) continue;
      expect(f.content, f.path).toContain('Generated by `t1612 compile`'.replace(/`/g, f.path.endsWith('.spl') ? "'" : '`'));
      expect(f.content, f.path).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:\d\d/);
    }
  });
});
