/**
 * `npm run bench` keeps working as the rules grow (it is not part of CI's figures, but a broken
 * bench would go unnoticed): a tiny run must finish, exit 0 and print its phases. No timing is
 * asserted — speed lives in the figures the bench prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('bench', () => {
  it('runs a tiny configuration end to end', () => {
    expect(existsSync('dist/bench/bench.js'), 'run `npm run build`').toBe(true);
    const r = spawnSync(process.execPath, ['dist/bench/bench.js', '--rules', '20', '--yaml', '5', '--events', '200'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/== 1\. compile throughput/);
    expect(r.stdout).toMatch(/lower \(IR\) +n=20 +20 /);
    expect(r.stdout).toMatch(/loadRules \(YAML\) +n=5 /);
  }, 150_000);
});
