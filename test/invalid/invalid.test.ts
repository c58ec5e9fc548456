/**
 * Invalid rules, data-driven: every folder under test/invalid/cases/ holds one or more bad rule
 * files and an expected.json listing the exact errors and warnings `loadRules([folder])` must give
 * ({ file (relative to the folder), code, severity, line, column, message, hint }).
 *
 * A folder may also hold a known-issue.json ({ issue, ignore }) when the loader's current output is
 * wrong or unhelpful: expected.json then holds the *suggested* output, the exact comparison is
 * expected to fail (it.fails, so it turns red once src/ is fixed: delete known-issue.json then), and
 * a second test compares everything but the fields named in `ignore` (`extra` = the loader may
 * report additional diagnostics; `cli` = the printed lines are known to break the one-line format,
 * so those CLI checks are expected to fail too).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import type { Diagnostic } from '../../src/model/diagnostics.js';
import { loadRules } from '../../src/pipeline.js';

const ROOT = 'test/invalid/cases';

interface Expected {
  file: string;
  code: string;
  severity: 'error' | 'warning';
  line: number;
  column: number;
  message: string;
  hint?: string;
}
type Field = 'file' | 'code' | 'severity' | 'line' | 'column' | 'message' | 'hint';
interface KnownIssue {
  issue: string;
  ignore: (Field | 'extra' | 'cli')[];
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function actualOf(dir: string, ds: readonly Diagnostic[]): Expected[] {
  return ds
    .filter((d): d is Diagnostic & { severity: 'error' | 'warning' } => d.severity === 'error' || d.severity === 'warning')
    .map((d) => ({
      file: d.file.startsWith(`${dir}/`) ? d.file.slice(dir.length + 1) : d.file,
      code: d.code,
      severity: d.severity,
      line: d.line,
      column: d.column,
      message: d.message,
      ...(d.hint !== undefined ? { hint: d.hint } : {}),
    }));
}

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  // An Io may be handed several lines at once; keep one entry per printed line.
  const push = (into: string[]) => (t: string) => into.push(...t.replace(/\n$/, '').split('\n'));
  return { stdout, stderr, out: push(stdout), err: push(stderr), color: new Chalk({ level: 0 }) };
}

const LINE = /^[^:]+:\d+:\d+: (error|warning): .+ \(.+\)$/;
const STACK = /^\s+at /;

describe('invalid rules: the folder is complete', () => {
  it('has at least the cases the suite promises', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  it.each(cases)('%s has rule files and an expected.json that lists at least one error', (c) => {
    const files = readdirSync(join(ROOT, c));
    expect(files.some((f) => f.endsWith('.yml'))).toBe(true);
    const expected = readJson<Expected[]>(join(ROOT, c, 'expected.json'));
    expect(expected.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe.each(cases)('invalid rule %s', (c) => {
  const dir = `${ROOT}/${c}`;
  const expected = readJson<Expected[]>(join(dir, 'expected.json'));
  const knownPath = join(dir, 'known-issue.json');
  const known = existsSync(knownPath) ? readJson<KnownIssue>(knownPath) : undefined;
  const cliIt = known?.ignore.includes('cli') ? it.fails : it;
  const cliNote = known?.ignore.includes('cli') ? ' [known issue: a message holds a line break]' : '';

  it('is rejected (ok is false, no rule lowered)', () => {
    const r = loadRules([dir]);
    expect(r.ok).toBe(false);
    expect(r.irs.length).toBeLessThan(readdirSync(dir).filter((f) => f.endsWith('.yml')).length);
  });

  if (!known) {
    it('gives exactly the expected diagnostics', () => expect(actualOf(dir, loadRules([dir]).diagnostics)).toEqual(expected));
  } else {
    it.fails(`gives exactly the expected diagnostics [known issue, expected.json holds the suggested output: ${known.issue}]`, () =>
      expect(actualOf(dir, loadRules([dir]).diagnostics)).toEqual(expected),
    );
    it(`gives the expected diagnostics apart from ${known.ignore.filter((f) => f !== 'cli').join(', ')} (known issue)`, () => {
      const strip = (d: Expected) => Object.fromEntries(Object.entries(d).filter(([k]) => !known.ignore.includes(k as Field)));
      const actual = actualOf(dir, loadRules([dir]).diagnostics).map(strip);
      if (known.ignore.includes('extra')) {
        expect(actual).toEqual(expect.arrayContaining(expected.map(strip)));
        expect(actual.length).toBeGreaterThan(expected.length);
      } else {
        expect(actual).toEqual(expected.map(strip));
      }
    });
  }

  it('validate: exit 2, diagnostics on stderr only, no stack', async () => {
    const io = captureIo();
    expect(await run(['validate', dir], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.length).toBeGreaterThan(0);
    for (const line of io.stderr) {
      expect(line).not.toMatch(STACK);
      expect(line).not.toContain('internal error');
    }
  });

  cliIt(`validate: one plain line per diagnostic${cliNote}`, async () => {
    const io = captureIo();
    const code = await run(['validate', dir], io);
    expect(code).toBe(2);
    const ds = loadRules([dir]).diagnostics;
    expect(io.stderr).toHaveLength(ds.length);
    for (const line of io.stderr) {
      expect(line).toMatch(LINE);
      expect(line).not.toMatch(STACK);
      expect(line).not.toContain('internal error');
    }
    expect(io.stdout).toEqual([]);
  });

  it('validate --format json: the same diagnostics on stdout, nothing on stderr', async () => {
    const io = captureIo();
    expect(await run(['validate', dir, '--format', 'json'], io)).toBe(2);
    expect(io.stderr).toEqual([]);
    const parsed = JSON.parse(io.stdout.join('\n')) as { diagnostics: Diagnostic[] };
    expect(parsed.diagnostics).toEqual(loadRules([dir]).diagnostics);
  });

  it('compile --out: exit 2, writes nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 't1612-invalid-'));
    const io = captureIo();
    expect(await run(['compile', dir, '--out', out], io)).toBe(2);
    expect(readdirSync(out)).toEqual([]);
    rmSync(out, { recursive: true });
  });

  cliIt(`compile: the same one-line diagnostics as validate${cliNote}`, async () => {
    const out = mkdtempSync(join(tmpdir(), 't1612-invalid-'));
    const io = captureIo();
    expect(await run(['compile', dir, '--out', out], io)).toBe(2);
    rmSync(out, { recursive: true });
    expect(io.stderr).toHaveLength(loadRules([dir]).diagnostics.length);
    for (const line of io.stderr) expect(line).toMatch(LINE);
  });
});

// The installed command, as a user runs it. dist/ is built by `npm run build` and may lag behind
// src/, so this compares the binary with itself (text vs JSON) rather than with expected.json.
describe.skipIf(!existsSync('dist/src/cli/main.js'))('bin/t1612 validate (built CLI)', () => {
  it.each(['yaml-syntax-error', 'unknown-key-treshold', 'regex-lookahead', 'duplicate-rule-id'].filter((c) => cases.includes(c)))(
    '%s: exit 2, one line per diagnostic, no stack',
    (c) => {
      const dir = `${ROOT}/${c}`;
      const env = { ...process.env, NO_COLOR: '1' };
      const text = spawnSync(process.execPath, ['bin/t1612', 'validate', dir], { encoding: 'utf8', env });
      const json = spawnSync(process.execPath, ['bin/t1612', 'validate', dir, '--format', 'json'], { encoding: 'utf8', env });
      expect(text.status).toBe(2);
      expect(json.status).toBe(2);
      const lines = text.stderr.split('\n').filter((l) => l !== '');
      const count = (JSON.parse(json.stdout) as { diagnostics: unknown[] }).diagnostics.length;
      expect(count).toBeGreaterThan(0);
      expect(lines).toHaveLength(count);
      for (const line of lines) {
        expect(line).toMatch(LINE);
        expect(line).not.toMatch(STACK);
      }
      expect(text.stdout).toBe('');
    },
  );
});
