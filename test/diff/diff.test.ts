/**
 * `t1612 diff`: the comparison of two test reports (table-driven, hand-made reports), its text and
 * JSON, the git helpers, and the command end to end on temporary git repositories.
 *
 * The end-to-end tests call `run()` in this process with `--repo <dir>` rather than spawning
 * bin/t1612 in the repository: bin/t1612 runs the built dist/ (which may be stale while sources
 * change), and process.chdir would move the working directory of the whole test worker. `--repo` is
 * an option users have too (CI scripts that run from elsewhere).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { neutraliseCases } from '../../src/diff/against-ref.js';
import { compareSides, type Aspect, type CheckLike, type DiffSide, type RuleStatus } from '../../src/diff/compare.js';
import { diffJson, formatDiffText, summaryLine } from '../../src/diff/format.js';
import { fetchHint, gitEnv, listFiles, pathKind, resolveCommit } from '../../src/diff/git.js';
import { captureIo } from '../support/io.js';

// ---------------------------------------------------------------------------------------------
// Hand-made reports

const COLUMNS = ['ir', 'spl/sysmon_linux', 'sigma/taxonomy'];

const hit = (tier: string, action: string, score: number): CheckLike['actual'] => ({ matched: true, tier, action, score });
const miss: CheckLike['actual'] = { matched: false, tier: null, action: null, score: 0 };
/** One outcome on every column (Sigma computes no score: NaN, as its evaluator reports). */
const everywhere = (a: CheckLike['actual'], columns = COLUMNS): CheckLike[] => columns.map((column) => ({ column, actual: column.startsWith('sigma/') && a.matched ? { ...a, score: Number.NaN } : a }));
const chains = (text: string, columns = COLUMNS): CheckLike[] => columns.map((column) => ({ column, actual: miss, chains: { actual: text } }));

interface CaseSpec {
  readonly rule: string;
  readonly name: string;
  readonly checks: readonly CheckLike[];
}

function side(rules: readonly (readonly [string, 'rule' | 'correlation', string])[], cases: readonly CaseSpec[], columns = COLUMNS): DiffSide {
  return {
    rules: rules.map(([name, kind, fingerprint]) => ({ name, kind, fingerprint })),
    report: { columns, cases: cases.map((c) => ({ rule: c.rule, testCase: { name: c.name }, checks: c.checks })) },
  };
}

const R = [['build', 'rule', 'fp1']] as const;
const C = [['chain', 'correlation', 'fpc']] as const;
const CHAIN = 'dev-07 2026-11-20T10:00:00Z→2026-11-20T10:05:00Z';

interface Row {
  readonly name: string;
  readonly before: DiffSide;
  readonly after: DiffSide;
  readonly status: Readonly<Record<string, RuleStatus>>;
  /** `case@column: aspects` for every changed cell. */
  readonly cells: readonly string[];
  readonly summary: string;
  readonly changed: boolean;
}

const rows: Row[] = [
  {
    name: 'nothing differs',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) }]),
    after: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) }]),
    status: { build: 'unchanged' },
    cells: [],
    summary: 't1612 diff main: 0 rule(s) changed, 0 added, 0 removed; 0 case result(s) differ on 0 target column(s)',
    changed: false,
  },
  {
    name: 'tier change',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('medium', 'alert', 4)) }]),
    after: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('high', 'alert', 4)) }]),
    status: { build: 'changed' },
    cells: ['a@ir: tier', 'a@spl/sysmon_linux: tier', 'a@sigma/taxonomy: tier'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 3 target column(s)',
    changed: true,
  },
  {
    name: 'score change (Sigma computes no score, so it shows none)',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) }]),
    after: side([['build', 'rule', 'fp2']], [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 3)) }]),
    status: { build: 'changed' },
    cells: ['a@ir: score', 'a@spl/sysmon_linux: score'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 2 target column(s)',
    changed: true,
  },
  {
    name: 'matched flip',
    before: side(R, [
      { rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) },
      { rule: 'build', name: 'b', checks: everywhere(miss) },
    ]),
    after: side(R, [
      { rule: 'build', name: 'a', checks: everywhere(miss) },
      { rule: 'build', name: 'b', checks: everywhere(miss) },
    ]),
    status: { build: 'changed' },
    cells: ['a@ir: matched tier action', 'a@spl/sysmon_linux: matched tier action', 'a@sigma/taxonomy: matched tier action'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 3 target column(s)',
    changed: true,
  },
  {
    name: 'a score below the threshold is no result: an unmatched event compares no score',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere({ ...miss, score: 1 }) }]),
    after: side(R, [{ rule: 'build', name: 'a', checks: everywhere({ ...miss, score: 0 }) }]),
    status: { build: 'unchanged' },
    cells: [],
    summary: 't1612 diff main: 0 rule(s) changed, 0 added, 0 removed; 0 case result(s) differ on 0 target column(s)',
    changed: false,
  },
  {
    name: 'chain added',
    before: side(C, [{ rule: 'chain', name: 'k', checks: chains('no chain') }]),
    after: side(C, [{ rule: 'chain', name: 'k', checks: chains(CHAIN) }]),
    status: { chain: 'changed' },
    cells: ['k@ir: chains', 'k@spl/sysmon_linux: chains', 'k@sigma/taxonomy: chains'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 3 target column(s)',
    changed: true,
  },
  {
    name: 'chain removed on one column only',
    before: side(C, [{ rule: 'chain', name: 'k', checks: chains(CHAIN) }]),
    after: side(C, [{ rule: 'chain', name: 'k', checks: [...chains(CHAIN, ['ir', 'spl/sysmon_linux']), ...chains('no chain', ['sigma/taxonomy'])] }]),
    status: { chain: 'changed' },
    cells: ['k@sigma/taxonomy: chains'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 1 target column(s)',
    changed: true,
  },
  {
    name: 'rule added: its cases count as added',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(miss) }]),
    after: side([...R, ['egress', 'rule', 'fp9']], [
      { rule: 'build', name: 'a', checks: everywhere(miss) },
      { rule: 'egress', name: 'e1', checks: everywhere(hit('low', 'risk', 2)) },
      { rule: 'egress', name: 'e2', checks: everywhere(miss) },
    ]),
    status: { build: 'unchanged', egress: 'added' },
    cells: [],
    summary: 't1612 diff main: 0 rule(s) changed, 1 added, 0 removed; 0 case result(s) differ on 0 target column(s); 2 case(s) added, 0 removed',
    changed: true,
  },
  {
    name: 'rule removed: the ref’s cases count as removed',
    before: side([...R, ...C], [
      { rule: 'build', name: 'a', checks: everywhere(miss) },
      { rule: 'chain', name: 'k', checks: chains(CHAIN) },
    ]),
    after: side(R, [{ rule: 'build', name: 'a', checks: everywhere(miss) }]),
    status: { build: 'unchanged', chain: 'removed' },
    cells: [],
    summary: 't1612 diff main: 0 rule(s) changed, 0 added, 1 removed; 0 case result(s) differ on 0 target column(s); 0 case(s) added, 1 removed',
    changed: true,
  },
  {
    name: 'a rule without cases is added too',
    before: side([], []),
    after: side(R, []),
    status: { build: 'added' },
    cells: [],
    summary: 't1612 diff main: 0 rule(s) changed, 1 added, 0 removed; 0 case result(s) differ on 0 target column(s)',
    changed: true,
  },
  {
    name: 'column present on one side only: not compared, but reported',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) }]),
    after: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2), [...COLUMNS, 'kql/asim']) }], [...COLUMNS, 'kql/asim']),
    status: { build: 'unchanged' },
    cells: [],
    summary: 't1612 diff main: 0 rule(s) changed, 0 added, 0 removed; 0 case result(s) differ on 0 target column(s); column(s) only now: kql/asim',
    changed: true,
  },
  {
    name: 'a profile that can run the rule on one side only',
    before: side(R, [{ rule: 'build', name: 'a', checks: [...everywhere(hit('low', 'risk', 2), ['ir', 'sigma/taxonomy']), { column: 'spl/sysmon_linux', actual: miss, skipped: 'lacks Image' }] }]),
    after: side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) }]),
    status: { build: 'changed' },
    cells: ['a@spl/sysmon_linux: runs'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 1 target column(s)',
    changed: true,
  },
  {
    name: 'definition changed, no case result differs',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(miss) }]),
    after: side([['build', 'rule', 'fp2']], [{ rule: 'build', name: 'a', checks: everywhere(miss) }]),
    status: { build: 'changed' },
    cells: [],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 0 case result(s) differ on 0 target column(s)',
    changed: true,
  },
  {
    name: 'an error on one side',
    before: side(R, [{ rule: 'build', name: 'a', checks: everywhere(miss) }]),
    after: side(R, [{ rule: 'build', name: 'a', checks: [...everywhere(miss, ['ir', 'sigma/taxonomy']), { column: 'spl/sysmon_linux', actual: { ...miss, error: 'unknown command foo' } }] }]),
    status: { build: 'changed' },
    cells: ['a@spl/sysmon_linux: error'],
    summary: 't1612 diff main: 1 rule(s) changed, 0 added, 0 removed; 1 case result(s) differ on 1 target column(s)',
    changed: true,
  },
];

describe('compareSides', () => {
  it.each(rows)('$name', (row) => {
    const d = compareSides(row.before, row.after);
    expect(Object.fromEntries(d.rules.map((r) => [r.name, r.status]))).toEqual(row.status);
    expect(d.rules.flatMap((r) => r.changes.map((c) => `${c.case}@${c.column}: ${c.aspects.join(' ')}`))).toEqual(row.cells);
    expect(summaryLine(d, 'main')).toBe(row.summary);
    expect(d.changed).toBe(row.changed);
  });

  it('lists plain rules before correlations, each by name', () => {
    const d = compareSides(side([['b', 'rule', 'x'], ['z', 'correlation', 'y']], []), side([['a', 'correlation', 'w'], ['c', 'rule', 'v']], []));
    expect(d.rules.map((r) => `${r.kind}:${r.name}`)).toEqual(['rule:b', 'rule:c', 'correlation:a', 'correlation:z']);
  });

  it('records the cells before and after, scores null where the column computes none', () => {
    const d = compareSides(side(R, [{ rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) }]), side(R, [{ rule: 'build', name: 'a', checks: everywhere(miss) }]));
    const sigma = d.rules[0]!.changes.find((c) => c.column === 'sigma/taxonomy')!;
    expect(sigma.before).toEqual({ kind: 'outcome', matched: true, tier: 'low', action: 'risk', score: null });
    expect(sigma.after).toEqual({ kind: 'outcome', matched: false, tier: null, action: null, score: null });
    const aspects: Aspect[] = ['matched', 'tier', 'action'];
    expect(sigma.aspects).toEqual(aspects);
  });
});

describe('text and JSON', () => {
  const before = side([...R, ['gone', 'rule', 'g'], ...C], [
    { rule: 'build', name: 'a', checks: everywhere(hit('low', 'risk', 2)) },
    { rule: 'build', name: 'b', checks: everywhere(hit('high', 'alert', 6)) },
    { rule: 'gone', name: 'g1', checks: everywhere(miss) },
    { rule: 'chain', name: 'k', checks: chains(CHAIN) },
  ]);
  const after = side([['build', 'rule', 'fp2'], ['new', 'rule', 'n'], ...C], [
    { rule: 'build', name: 'a', checks: everywhere(miss) },
    { rule: 'build', name: 'b', checks: everywhere(hit('high', 'alert', 7)) },
    { rule: 'new', name: 'n1', checks: everywhere(miss) },
    { rule: 'chain', name: 'k', checks: chains('no chain') },
  ]);
  const d = compareSides(before, after);

  it('groups the columns that change the same way, then the summary line', () => {
    expect(formatDiffText(d, { ref: 'origin/main' }).split('\n')).toEqual([
      'build (rule): changed (definition changed, 2 case result(s) differ)',
      '  a',
      '    low/risk score 2 → no match: ir, spl/sysmon_linux',
      '    low/risk → no match: sigma/taxonomy',
      '  b',
      '    high/alert score 6 → high/alert score 7: ir, spl/sysmon_linux',
      'gone (rule): removed (1 case(s) at origin/main)',
      'new (rule): added, not at origin/main (1 case(s))',
      'chain (correlation): changed (1 case result(s) differ)',
      '  k',
      `    ${CHAIN} → no chain: ir, spl/sysmon_linux, sigma/taxonomy`,
      '',
      't1612 diff origin/main: 2 rule(s) changed, 1 added, 1 removed; 3 case result(s) differ on 3 target column(s); 1 case(s) added, 1 removed',
    ]);
  });

  it('prints only the summary when nothing differs', () => {
    expect(formatDiffText(compareSides(before, before), { ref: 'v1' })).toBe('t1612 diff v1: 0 rule(s) changed, 0 added, 0 removed; 0 case result(s) differ on 0 target column(s)');
  });

  it('JSON carries the ref, commit, summary, counts and every rule', () => {
    const j = JSON.parse(JSON.stringify(diffJson(d, { ref: 'origin/main', commit: 'abc' }))) as Record<string, unknown>;
    expect(j).toMatchObject({
      ref: 'origin/main',
      commit: 'abc',
      changed: true,
      counts: { rulesChanged: 2, rulesAdded: 1, rulesRemoved: 1, casesDiffer: 3, columnsDiffer: 3, casesAdded: 1, casesRemoved: 1 },
      columns: { onlyBefore: [], onlyAfter: [] },
    });
    expect(j.summary).toBe(summaryLine(d, 'origin/main'));
    expect((j.rules as { name: string; status: string }[]).map((r) => `${r.name}:${r.status}`)).toEqual(['build:changed', 'gone:removed', 'new:added', 'chain:changed']);
  });
});

describe('helpers', () => {
  it('the current cases, neutralised for the old rule: same events, no expectation naming a tier or profile', () => {
    const text = readFileSync('rules/docker-build-risk.tests.yml', 'utf8');
    const original = yaml.load(text, { schema: yaml.CORE_SCHEMA }) as { rule: string; cases: { name: string; event: unknown; expect: unknown; expectByProfile?: unknown }[] };
    const out = yaml.load(neutraliseCases(text), { schema: yaml.CORE_SCHEMA }) as typeof original;
    expect(out.rule).toBe(original.rule);
    expect(out.cases.map((c) => [c.name, c.event])).toEqual(original.cases.map((c) => [c.name, c.event]));
    for (const c of out.cases) {
      expect(c.expect).toEqual({ matched: false, score: 0 });
      expect(c.expectByProfile).toBeUndefined();
    }
    // correlation cases (event streams, chains) are left as written
    const corr = readFileSync('rules/det0459-build-then-run.tests.yml', 'utf8');
    expect(neutraliseCases(corr)).toBe(corr);
  });

  it('fetch hints name the remote and branch', () => {
    expect(fetchHint('origin/main')).toBe('git fetch origin main');
    expect(fetchHint('upstream/release/2.0', ['origin', 'upstream'])).toBe('git fetch upstream release/2.0');
    expect(fetchHint('refs/remotes/origin/main')).toBe('git fetch origin main');
    expect(fetchHint('v1.2')).toBe('git fetch origin v1.2');
  });

  it('git runs with a fixed environment: inherited GIT_* dropped, no system config, no pager', () => {
    const env = gitEnv({ PATH: '/bin', GIT_DIR: '/elsewhere/.git', GIT_PAGER: 'less', HOME: '/home/u' });
    expect(env).toMatchObject({ PATH: '/bin', HOME: '/home/u', GIT_CONFIG_NOSYSTEM: '1', GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
    expect(env.GIT_DIR).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// End to end, on temporary git repositories

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** Run git in a test repository, independent of the user's and the system's configuration. */
function git(dir: string, ...args: string[]): string {
  const env = { ...gitEnv(), GIT_CONFIG_GLOBAL: devNull };
  const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A repository holding the bundled rules/ in one commit (changed by `atRef` first, if given: the
 * working copy then goes back to the bundled rules); `edit` then changes the working copy.
 */
function repoWithRules(edit: (dir: string) => void, atRef?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 't1612-diff-repo-'));
  temps.push(dir);
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 't1612 tests');
  git(dir, 'config', 'user.email', 'tests@t1612.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  cpSync(resolve('rules'), join(dir, 'rules'), { recursive: true });
  atRef?.(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'rules');
  if (atRef) cpSync(resolve('rules'), join(dir, 'rules'), { recursive: true, force: true });
  edit(dir);
  return dir;
}

function replaceIn(file: string, from: RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!from.test(text)) throw new Error(`${from} not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

async function diff(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = captureIo();
  const code = await run(['diff', ...args], io);
  return { code, out: io.stdout.join('\n').split('\n'), err: io.stderr };
}

describe('t1612 diff <ref> on a repository', () => {
  // docker-build-risk's threshold 2 → 3 in the working copy: a shell parent alone (score 2) no
  // longer gives a result, so the Atomic Red Team case goes from low/risk to no match.
  let dir: string;
  let status: string;
  beforeAll(() => {
    dir = repoWithRules((d) => replaceIn(join(d, 'rules/docker-build-risk.yml'), /^threshold: 2$/m, 'threshold: 3'));
    status = git(dir, 'status', '--porcelain');
  });
  const SUMMARY = 't1612 diff HEAD: 1 rule(s) changed, 0 added, 0 removed; 6 case result(s) differ on 7 target column(s)';

  it('lists the changed results and one summary line; exit 0 without --fail-on-change', async () => {
    const r = await diff(['HEAD', '--repo', dir]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe(SUMMARY);
    expect(r.out[0]).toBe('docker-build-risk (rule): changed (definition changed, 6 case result(s) differ)');
    const i = r.out.indexOf('  atomic-red-team-t1612');
    expect(r.out.slice(i, i + 3)).toEqual([
      '  atomic-red-team-t1612',
      '    low/risk score 2 → no match: ir, spl/cim, spl/sysmon_linux, kql/asim, kql/defender, kql/sentinel',
      '    low/risk → no match: sigma/taxonomy',
    ]);
    // neither the working tree nor the index was touched
    expect(git(dir, 'status', '--porcelain')).toBe(status);
  }, 180_000);

  it('exit 1 with --fail-on-change, same summary', async () => {
    const r = await diff(['HEAD', '--repo', dir, '--fail-on-change']);
    expect(r.code).toBe(1);
    expect(r.out.at(-1)).toBe(SUMMARY);
  }, 180_000);

  it('exit 0 with --fail-on-change when the paths given hold no change', async () => {
    const r = await diff(['HEAD', 'rules/dockerfile-in-temp.yml', '--repo', dir, '--target', 'sigma', '--fail-on-change']);
    expect(r).toEqual({ code: 0, out: ['t1612 diff HEAD: 0 rule(s) changed, 0 added, 0 removed; 0 case result(s) differ on 0 target column(s)'], err: [] });
  }, 180_000);

  it('--format json: the changes per case and column', async () => {
    const r = await diff(['HEAD', 'rules/docker-build-risk.yml', '--repo', dir, '--target', 'sigma', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.join('\n')) as { ref: string; commit: string; summary: string; rules: { name: string; changes: { case: string; column: string; aspects: string[]; before: unknown; after: unknown }[] }[] };
    expect(j.ref).toBe('HEAD');
    expect(j.commit).toBe(git(dir, 'rev-parse', 'HEAD').trim());
    expect(j.summary).toBe('t1612 diff HEAD: 1 rule(s) changed, 0 added, 0 removed; 5 case result(s) differ on 2 target column(s)');
    expect(j.rules[0]!.changes.find((c) => c.case === 'atomic-red-team-t1612' && c.column === 'sigma/taxonomy')).toEqual({
      case: 'atomic-red-team-t1612',
      column: 'sigma/taxonomy',
      aspects: ['matched', 'tier', 'action'],
      before: { kind: 'outcome', matched: true, tier: 'low', action: 'risk', score: null },
      after: { kind: 'outcome', matched: false, tier: null, action: null, score: null },
    });
  }, 180_000);

  it('a ref that does not resolve: exit 2 and one line', async () => {
    const r = await diff(['origin/main', '--repo', dir, '--fail-on-change']);
    expect(r.code).toBe(2);
    expect(r.out).toEqual(['']);
    expect(r.err).toEqual(['t1612: error: cannot read rules at origin/main (it does not name a commit in this clone) (fetch it first: git fetch origin main)']);
  });

  it('a folder that is not a repository: exit 2 and one line', async () => {
    const plain = mkdtempSync(join(tmpdir(), 't1612-diff-plain-'));
    temps.push(plain);
    const r = await diff(['HEAD', '--repo', plain]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^t1612: error: cannot read rules at HEAD \(not a git repository.*\) \(run it in a clone of the rules repository, or pass --repo <dir>\)$/);
  });

  it('a path that exists on neither side: usage, exit 2', async () => {
    const r = await diff(['HEAD', 'no-such-rules', '--repo', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['t1612:1:1: error: no-such-rules exists neither in the working tree nor at HEAD (pass rule files or folders (default: rules))']);
  });
});

describe('t1612 diff: added, removed and invalid rules', () => {
  it('a rule renamed since the ref: one removed with the ref’s cases, one added with the current ones', async () => {
    const dir = repoWithRules((d) => {
      const text = readFileSync(join(d, 'rules/dockerfile-in-temp.yml'), 'utf8');
      writeFileSync(join(d, 'rules/dockerfile-in-temp-v2.yml'), text.replace(/^name: dockerfile-in-temp$/m, 'name: dockerfile-in-temp-v2').replace(/^id: .*$/m, 'id: 0d6f7a2e-8b1c-4e3a-9f50-1a2b3c4d5e6f'));
      const tests = readFileSync(join(d, 'rules/dockerfile-in-temp.tests.yml'), 'utf8');
      writeFileSync(join(d, 'rules/dockerfile-in-temp-v2.tests.yml'), tests.replace(/^rule: dockerfile-in-temp$/m, 'rule: dockerfile-in-temp-v2'));
      rmSync(join(d, 'rules/dockerfile-in-temp.yml'));
      rmSync(join(d, 'rules/dockerfile-in-temp.tests.yml'));
    });
    const r = await diff(['HEAD', 'rules/dockerfile-in-temp.yml', 'rules/dockerfile-in-temp-v2.yml', '--repo', dir, '--target', 'sigma', '--fail-on-change']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      'dockerfile-in-temp (rule): removed (12 case(s) at HEAD)',
      'dockerfile-in-temp-v2 (rule): added, not at HEAD (12 case(s))',
      '',
      't1612 diff HEAD: 0 rule(s) changed, 1 added, 1 removed; 0 case result(s) differ on 0 target column(s); 12 case(s) added, 12 removed',
    ]);
  }, 180_000);

  it('the current cases run on the old rule even when they name a tier it lacks', async () => {
    // At the ref the first tier is called `high_old`; now `high`, and the current cases expect `high`.
    const dir = repoWithRules(
      () => undefined,
      (d) => replaceIn(join(d, 'rules/dockerfile-in-temp.yml'), /^ {2}- name: high$/m, '  - name: high_old'),
    );
    const r = await diff(['HEAD', 'rules/dockerfile-in-temp.yml', '--repo', dir, '--target', 'sigma']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toMatch(/^t1612 diff HEAD: 1 rule\(s\) changed, 0 added, 0 removed; [1-9]\d* case result\(s\) differ on 2 target column\(s\)$/);
    expect(r.out).toContain('    high_old/alert score 5 → high/alert score 5: ir');
  }, 180_000);

  it('rules/ did not exist at the ref: every rule is added', async () => {
    const dir = repoWithRules(
      () => undefined,
      (d) => {
        rmSync(join(d, 'rules'), { recursive: true });
        writeFileSync(join(d, 'README.md'), 'rules to come\n');
      },
    );
    const r = await diff(['HEAD', 'rules/dockerfile-in-temp.yml', '--repo', dir, '--target', 'sigma', '--fail-on-change']);
    expect(r.code).toBe(1);
    expect(r.out.at(-1)).toBe('t1612 diff HEAD: 0 rule(s) changed, 1 added, 0 removed; 0 case result(s) differ on 0 target column(s); 12 case(s) added, 0 removed');
  }, 180_000);

  it('--repo that is not a folder: usage, exit 2', async () => {
    const r = await diff(['HEAD', '--repo', join(tmpdir(), 't1612-diff-no-such-folder')]);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^t1612:1:1: error: .*t1612-diff-no-such-folder is not a folder \(pass --repo the folder of a clone of the rules repository\)$/);
  });

  it('invalid rules at the ref: exit 2, each problem located at <ref>:<path>', async () => {
    const dir = repoWithRules(
      () => undefined,
      (d) => replaceIn(join(d, 'rules/dockerfile-in-temp.yml'), /^threshold: 3$/m, 'treshold: 3'),
    );
    const r = await diff(['HEAD', 'rules/dockerfile-in-temp.yml', '--repo', dir]);
    expect(r.code).toBe(2);
    expect(r.err.length).toBeGreaterThan(0);
    for (const line of r.err) expect(line).toMatch(/^HEAD:rules\/dockerfile-in-temp\.yml:\d+:\d+: error: /);
  });
});

describe('git helpers on a repository', () => {
  it('lists regular files at a commit, tells folders from files, resolves refs', () => {
    const dir = repoWithRules(() => undefined);
    const commit = resolveCommit(dir, 'HEAD');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const files = listFiles(dir, commit, ['rules']);
    expect(files).toContain('rules/allowlists/approved-build-hosts.allowlist.yml');
    expect(files).toContain('rules/docker-build-risk.tests.yml');
    expect(pathKind(dir, commit, 'rules')).toBe('tree');
    expect(pathKind(dir, commit, 'rules/docker-build-risk.yml')).toBe('blob');
    expect(pathKind(dir, commit, 'nope')).toBeUndefined();
    expect(() => resolveCommit(dir, 'no-such-branch')).toThrow(/does not name a commit/);
    expect(() => resolveCommit(dir, '--output=x')).toThrow(/is not a ref/);
  });
});
