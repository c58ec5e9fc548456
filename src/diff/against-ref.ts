/**
 * `t1612 diff <ref>`: the rules as they were at a git ref, compiled and tested by the current
 * compiler, against the rules now.
 *
 * Which cases: those of the current tree, run against both the old and the new rules, so a result
 * that changes is the rules' doing, never the cases'. The expectations of those cases play no part
 * (the diff compares results, not pass/fail), so on the ref's side they are neutralised: an
 * expectation naming a tier the old rule lacks must not stop its event from being run. A rule the
 * ref lacks has its cases counted as added; a rule gone since the ref keeps the ref's own cases,
 * counted as removed.
 *
 * The ref's files are written to a temporary folder (removed afterwards), never to the working tree.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import type { Diagnostic } from '../model/diagnostics.js';
import { ALLOWLIST_FILE, displayFile, RULE_SUFFIX, TESTS_SUFFIX } from '../model/load.js';
import { testsPathFor } from '../testing/cases.js';
import type { TestOptions } from '../testing/run.js';
import { compareSides, type ReportDiff } from './compare.js';
import { fetchHint, GitError, listFiles, materialize, pathKind, remotes, repoRoot, resolveCommit } from './git.js';
import { loadSide, testSide } from './side.js';

export interface DiffAgainstRefOptions {
  /** The folder git runs in and `paths` are relative to (default: the working directory). */
  readonly repo?: string;
  readonly ref: string;
  /** Rule files or folders, relative to `repo` (default `rules`). */
  readonly paths?: readonly string[];
  readonly test?: TestOptions;
}

export type DiffAgainstRefResult =
  | { readonly ok: true; readonly diff: ReportDiff; readonly commit: string }
  /** The ref (or the repository) cannot be read: one line, `hint` says what to do. */
  | { readonly ok: false; readonly kind: 'git'; readonly message: string; readonly hint: string }
  /** Invalid rules at either side (files at the ref shown as `<ref>:<path>`). */
  | { readonly ok: false; readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly kind: 'usage'; readonly message: string; readonly hint: string };

const YAML_FILE = /\.ya?ml$/;

/** `path` with its longest existing ancestor resolved through symlinks (git reports real paths). */
function realish(path: string): string {
  const tail: string[] = [];
  let p = path;
  for (;;) {
    try {
      return join(realpathSync(p), ...tail.reverse());
    } catch {
      const up = dirname(p);
      if (up === p) return path;
      tail.push(basename(p));
      p = up;
    }
  }
}

function kindNow(path: string): 'dir' | 'file' | undefined {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * The current tree's cases for a rule, with expectations that cannot constrain the old rule: each
 * rule case expects "no match" and names no profile. Correlation cases are left as they are (their
 * expectations are not checked against the correlation). Unparsable text is left for the loader to
 * report.
 */
export function neutraliseCases(text: string): string {
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch {
    return text;
  }
  const cases = (doc as { cases?: unknown } | null)?.cases;
  if (!Array.isArray(cases)) return text;
  let touched = false;
  for (const c of cases) {
    if (!c || typeof c !== 'object' || !('event' in c)) continue;
    (c as Record<string, unknown>).expect = { matched: false, score: 0 };
    delete (c as Record<string, unknown>).expectByProfile;
    touched = true;
  }
  return touched ? yaml.dump(doc, { schema: yaml.CORE_SCHEMA, lineWidth: -1, noRefs: true }) : text;
}

export function diffAgainstRef(opts: DiffAgainstRefOptions): DiffAgainstRefResult {
  const repo = resolve(opts.repo ?? '.');
  const ref = opts.ref;
  const paths = opts.paths?.length ? opts.paths : ['rules'];
  if (kindNow(repo) !== 'dir') return { ok: false, kind: 'usage', message: `${opts.repo ?? repo} is not a folder`, hint: 'pass --repo the folder of a clone of the rules repository' };
  let top: string;
  let commit: string;
  try {
    top = repoRoot(repo);
    commit = resolveCommit(top, ref);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    const hint = e.kind === 'ref' ? `fetch it first: ${fetchHint(ref, [...remotes(repo), 'origin'])}` : e.kind === 'repo' ? 'run it in a clone of the rules repository, or pass --repo <dir>' : 'check that git works here';
    return { ok: false, kind: 'git', message: `cannot read rules at ${ref} (${e.message})`, hint };
  }
  const realTop = realish(top);

  // Each path, as it is now and as it was at the ref; the folders whose files the ref's side needs.
  const sides: { now?: string; rel: string; atRef?: 'tree' | 'blob' }[] = [];
  const folders = new Set<string>();
  for (const p of paths) {
    const abs = resolve(repo, p);
    const rel = relative(realTop, realish(abs)).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel))
      return { ok: false, kind: 'usage', message: `${p} lies outside the repository at ${top}`, hint: 'pass rule files or folders inside the repository (or --repo <dir>)' };
    const now = kindNow(abs);
    let atRef: 'tree' | 'blob' | undefined;
    try {
      atRef = pathKind(top, commit, rel);
    } catch {
      atRef = undefined;
    }
    if (!now && !atRef) return { ok: false, kind: 'usage', message: `${p} exists neither in the working tree nor at ${ref}`, hint: 'pass rule files or folders (default: rules)' };
    const folder = now === 'dir' || atRef === 'tree' ? rel : posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    folders.add(folder);
    sides.push({ ...(now ? { now: abs } : {}), rel, ...(atRef ? { atRef } : {}) });
  }

  const tmp = mkdtempSync(join(tmpdir(), 't1612-diff-'));
  try {
    let files: string[];
    try {
      files = listFiles(top, commit, [...folders]).filter((f) => YAML_FILE.test(f));
      materialize(top, commit, files, tmp);
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      return { ok: false, kind: 'git', message: `cannot read rules at ${ref} (${e.message})`, hint: 'check that the clone is complete (git fetch)' };
    }
    // The current tree's cases, beside the ref's rules.
    for (const r of files) {
      if (!RULE_SUFFIX.test(r) || TESTS_SUFFIX.test(r) || ALLOWLIST_FILE.test(r)) continue;
      const t = testsPathFor(r);
      const current = join(top, ...t.split('/'));
      const copy = join(tmp, ...t.split('/'));
      if (existsSync(current)) writeFileSync(copy, neutraliseCases(readFileSync(current, 'utf8')));
      else if (existsSync(join(top, ...r.split('/')))) rmSync(copy, { force: true }); // the rule has no cases now
      // else: the rule is gone now; the ref's own cases (if any) show what goes with it
    }

    const oldPaths = sides.filter((s) => s.atRef).map((s) => join(tmp, ...(s.rel === '' ? [] : s.rel.split('/'))));
    const newPaths = sides.flatMap((s) => (s.now ? [s.now] : []));
    // Both sides loaded (and fingerprinted) before either is run.
    const oldRules = loadSide(oldPaths);
    const newRules = loadSide(newPaths);
    const shownTmp = displayFile(tmp);
    const atRef = (d: Diagnostic): Diagnostic => (d.file.startsWith(`${shownTmp}/`) ? { ...d, file: `${ref}:${d.file.slice(shownTmp.length + 1)}` } : d);
    const invalid = [...oldRules.diagnostics.filter((d) => d.severity === 'error').map(atRef), ...newRules.diagnostics.filter((d) => d.severity === 'error')];
    if (invalid.length) return { ok: false, kind: 'invalid', diagnostics: invalid };

    const before = testSide(oldRules, opts.test);
    const after = testSide(newRules, opts.test);
    // At the ref, only the rules must be valid: the current cases were written for the current rules.
    const errors = [...before.diagnostics.filter((d) => d.severity === 'error' && !TESTS_SUFFIX.test(d.file)).map(atRef), ...after.diagnostics.filter((d) => d.severity === 'error')];
    if (errors.length) return { ok: false, kind: 'invalid', diagnostics: errors };
    return { ok: true, diff: compareSides(before.side, after.side), commit };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
