/**
 * Real regex engines for differential tests: PCRE2 (pcre2test, from Debian's pcre2-utils: the
 * library family Splunk's `match()` uses) and Rust's `regex` crate (ripgrep, from Debian's ripgrep:
 * the engine family KQL documents since 2024). Each runs whole subjects (not lines), many at once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function haveTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function encodeSubject(s: string): string {
  // A blank data line would end the subject list; a lone backslash is pcre2test's empty subject.
  if (s === '') return '\\';
  return Array.from(s)
    .map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`)
    .join('');
}

/** For each pattern, which subjects PCRE2 (UTF mode, no other options) finds a match in. */
export function pcre2Matches(patterns: readonly string[], subjects: readonly string[]): boolean[][] {
  const delimiters = ['/', '!', '#', '%', '&', '~', '@', ';', ',', '=', '`'];
  let input = '';
  for (const p of patterns) {
    const d = delimiters.find((c) => !p.includes(c));
    if (!d) throw new Error(`no delimiter for ${p}`);
    input += `${d}${p}${d}utf\n`;
    for (const s of subjects) input += `    ${encodeSubject(s)}\n`;
    input += '\n';
  }
  const dir = mkdtempSync(join(tmpdir(), 't1612-pcre2-'));
  try {
    writeFileSync(join(dir, 'in.txt'), input);
    const out = execFileSync('pcre2test', ['-q', join(dir, 'in.txt')], { encoding: 'utf8', maxBuffer: 1 << 28 });
    // Output echoes each pattern and subject, followed by " 0: …" (match) or "No match".
    const verdicts = out.split('\n').filter((l) => /^ 0: /.test(l) || /^No match$/.test(l)).map((l) => l.startsWith(' 0:'));
    if (verdicts.length !== patterns.length * subjects.length) throw new Error(`pcre2test: expected ${patterns.length * subjects.length} verdicts, got ${verdicts.length}:\n${out.slice(0, 2000)}`);
    return patterns.map((_, i) => verdicts.slice(i * subjects.length, (i + 1) * subjects.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For each pattern, which subjects Rust's regex crate finds a match in. ripgrep searches each subject
 * file as one haystack (`-U`), with multi-line anchors turned off (`(?-m)`, as KQL compiles them),
 * treating every file as text (`-a`).
 */
export function rustMatches(patterns: readonly string[], subjects: readonly string[]): boolean[][] {
  const dir = mkdtempSync(join(tmpdir(), 't1612-rg-'));
  try {
    subjects.forEach((s, i) => writeFileSync(join(dir, `s${String(i).padStart(5, '0')}`), s));
    const files = readdirSync(dir).sort();
    return patterns.map((p) => {
      const r = spawnSync('rg', ['--no-config', '-U', '-a', '-l', '--no-ignore', '--hidden', '--regexp', `(?-m)${p}`, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed on ${p}: ${r.stderr}`);
      const hit = new Set(r.stdout.split('\n').filter(Boolean).map((l) => l.slice(dir.length + 1)));
      return files.map((f) => hit.has(f));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
