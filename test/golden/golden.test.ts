/**
 * Golden files: each folder under test/golden/cases/ holds one rule and, under expected/, every file
 * `compile` writes for it, compared byte for byte. A missing expected file fails; only
 * `UPDATE_GOLDEN=1` outside CI writes them (then review the diff).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { loadRules } from '../../src/pipeline.js';

const root = 'test/golden/cases';
const update = process.env.UPDATE_GOLDEN === '1' && !process.env.CI;

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}

for (const name of readdirSync(root).sort()) {
  describe(`golden: ${name}`, () => {
    const dir = join(root, name);
    const loaded = loadRules(readdirSync(dir).filter((f) => f.endsWith('.yml') && !f.endsWith('.tests.yml')).map((f) => join(dir, f)));
    it('loads without errors', () => expect(loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]));
    const output = compileRules(loaded.irs);
    const expectedDir = join(dir, 'expected');
    if (update) {
      for (const f of output.files) {
        mkdirSync(dirname(join(expectedDir, f.path)), { recursive: true });
        writeFileSync(join(expectedDir, f.path), f.content);
      }
    }
    it('produces exactly the expected set of files', () => {
      expect(output.files.map((f) => f.path)).toEqual(listFiles(expectedDir));
    });
    for (const f of output.files) {
      it(f.path, () => {
        const p = join(expectedDir, f.path);
        expect(existsSync(p), `missing golden file ${p}: run UPDATE_GOLDEN=1 npx vitest run test/golden locally and review it`).toBe(true);
        expect(f.content).toBe(readFileSync(p, 'utf8'));
      });
    }
  });
}
