/**
 * `t1612 diff`, the git part: read files as they are at a ref, with plumbing commands only, into a
 * folder of our own. Never touches the working tree, the index or any ref of the repository.
 *
 * Every call runs with a fixed environment: inherited GIT_* variables dropped (a hook's GIT_DIR
 * must not redirect us), no system config, no pager, no prompt, C locale, paths unquoted
 * (`core.quotepath=off`, and `-z` where git lists paths) and taken literally.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class GitError extends Error {
  constructor(
    message: string,
    /** `ref`: the ref does not resolve to a commit; `repo`: no repository there; `git`: anything else. */
    readonly kind: 'ref' | 'repo' | 'git',
  ) {
    super(message);
  }
}

/** The environment of every git call. */
export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('GIT_') && v !== undefined) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    GIT_LITERAL_PATHSPECS: '1',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

/** Run git in `cwd`; stdout as bytes, or a GitError with git's first line of complaint. */
export function git(cwd: string, args: readonly string[]): Buffer {
  const r = spawnSync('git', ['--no-pager', '-c', 'core.quotepath=off', ...args], { cwd, env: gitEnv(), maxBuffer: 256 * 1024 * 1024, windowsHide: true });
  if (r.error) throw new GitError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed or not on PATH' : r.error.message}`, 'git');
  if (r.status !== 0) {
    const first = r.stderr.toString('utf8').split('\n').map((l) => l.trim()).find((l) => l) ?? `git ${args[0]} exited with ${r.status}`;
    throw new GitError(first.replace(/^(fatal|error): /, ''), /not a git repository/i.test(first) ? 'repo' : 'git');
  }
  return r.stdout;
}

/** The top folder of the repository `dir` lies in. */
export function repoRoot(dir: string): string {
  return git(dir, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
}

/** The commit a ref names (`origin/main`, a tag, a hash, `HEAD~1`), or a GitError of kind `ref`. */
export function resolveCommit(dir: string, ref: string): string {
  if (!ref || ref.startsWith('-')) throw new GitError(`"${ref}" is not a ref`, 'ref');
  repoRoot(dir); // "not a git repository" first, with its own message
  try {
    return git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).toString('utf8').trim();
  } catch (e) {
    if (e instanceof GitError && e.kind === 'repo') throw e;
    throw new GitError('it does not name a commit in this clone', 'ref');
  }
}

/** The remotes of the repository (for the `git fetch <remote> <branch>` hint). */
export function remotes(dir: string): string[] {
  try {
    return git(dir, ['remote']).toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

/** The fetch that makes a missing ref available: `origin/main` → `git fetch origin main`. */
export function fetchHint(ref: string, known: readonly string[] = ['origin']): string {
  const m = /^(?:refs\/remotes\/)?([^/]+)\/(.+)$/.exec(ref);
  if (m && known.includes(m[1]!)) return `git fetch ${m[1]} ${m[2]}`;
  return `git fetch origin ${ref.replace(/^refs\/heads\//, '')}`;
}

/** What a repository-relative path is at a commit (`''`: the top): a folder (`tree`), a file (`blob`), or nothing. */
export function pathKind(dir: string, commit: string, path: string): 'tree' | 'blob' | undefined {
  try {
    const t = git(dir, ['cat-file', '-t', `${commit}:${path}`]).toString('utf8').trim();
    return t === 'tree' || t === 'blob' ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Regular files (not links or submodules) under the given repository-relative folders at a commit
 * (`git ls-tree -r -z <commit> -- <folders>`), repository-relative with `/`.
 */
export function listFiles(dir: string, commit: string, folders: readonly string[]): string[] {
  if (!folders.length) return [];
  // '' is the whole repository: no path limits the listing.
  const limits = folders.some((f) => f === '' || f === '.') ? [] : ['--', ...folders.map((f) => f.replace(/\/?$/, '/'))];
  const out = git(dir, ['ls-tree', '-r', '-z', '--full-tree', commit, ...limits]).toString('utf8');
  const files = new Set<string>();
  for (const entry of out.split('\0')) {
    // <mode> SP <type> SP <object> TAB <path>
    const m = /^(\d+) (\w+) [0-9a-f]+\t(.*)$/s.exec(entry);
    if (m && m[2] === 'blob' && (m[1] === '100644' || m[1] === '100755')) files.add(m[3]!);
  }
  return [...files].sort();
}

/** A file's bytes at a commit (`git cat-file blob`: raw content, no textconv, filters or pager). */
export function readBlob(dir: string, commit: string, path: string): Buffer {
  return git(dir, ['cat-file', 'blob', `${commit}:${path}`]);
}

/** Write the given files, as they are at the commit, under `into` (same relative paths). */
export function materialize(dir: string, commit: string, files: readonly string[], into: string): void {
  for (const f of files) {
    const target = join(into, ...f.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readBlob(dir, commit, f));
  }
}
