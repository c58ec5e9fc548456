/** Reading rule and test files: YAML with positions, then JSON Schema, each problem a Diagnostic. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { loadLocatedYaml, YamlSyntaxError, type LocatedDocument } from './yaml.js';
import { validateAgainstSchema, type SchemaName } from '../schema/validate.js';

export interface ParsedFile {
  readonly file: string;
  readonly doc?: LocatedDocument;
  readonly diagnostics: readonly Diagnostic[];
}

/** Path as shown to users: relative to the working directory, `/`-separated. */
export function displayFile(path: string): string {
  const rel = relative(process.cwd(), path);
  // Inside the working directory: relative (stable across machines); outside it: absolute.
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
  return shown.split(sep).join('/');
}

export function parseAndValidate(path: string, schema: SchemaName): ParsedFile {
  const file = displayFile(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { file, diagnostics: [diagnostic(file, { line: 1, column: 1 }, 'error', 'io', code === 'ENOENT' ? 'file does not exist' : `cannot read file (${code ?? 'error'})`, 'check the path')] };
  }
  let doc: LocatedDocument;
  try {
    doc = loadLocatedYaml(text, file);
  } catch (e) {
    if (e instanceof YamlSyntaxError) return { file, diagnostics: [diagnostic(file, e.position, 'error', 'yaml', `invalid YAML: ${e.reason}`, 'fix the YAML syntax')] };
    throw e;
  }
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value))
    return { file, diagnostics: [diagnostic(file, doc.at(''), 'error', 'schema', `the document must be a mapping of keys (got ${doc.value === null || doc.value === undefined ? 'nothing' : Array.isArray(doc.value) ? 'a list' : typeof doc.value})`, schema === 'rule' ? 'start from rules/docker-build-risk.yml' : 'start from rules/docker-build-risk.tests.yml')] };
  const diagnostics = validateAgainstSchema(schema, file, doc);
  return { file, doc, diagnostics };
}

export const RULE_SUFFIX = /\.ya?ml$/;
export const TESTS_SUFFIX = /\.tests\.ya?ml$/;
export const ALLOWLIST_FILE = /\.allowlist\.ya?ml$/;

/**
 * Rule files under the given paths (files as given; directories recursively), sorted for determinism,
 * and the allowlist files (`*.allowlist.yml`) found there or beside a rule file given directly.
 */
export function findRuleFiles(paths: readonly string[]): { files: string[]; allowlists: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const lists = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const walkLists = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walkLists(p);
      else if (ALLOWLIST_FILE.test(name)) lists.add(p);
    }
  };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (ALLOWLIST_FILE.test(name)) lists.add(p);
      else if (RULE_SUFFIX.test(name) && !TESTS_SUFFIX.test(name)) files.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      diagnostics.push(diagnostic(displayFile(p), { line: 1, column: 1 }, 'error', 'io', 'path does not exist', 'pass a rule file or a directory of rules'));
      continue;
    }
    if (st.isDirectory()) walk(p);
    else if (ALLOWLIST_FILE.test(p)) lists.add(p);
    else {
      files.push(p);
      // A rule given alone still sees the lists declared beside it.
      walkLists(dirname(p));
    }
  }
  const unique = [...new Set(files)].sort((a, b) => (displayFile(a) < displayFile(b) ? -1 : displayFile(a) > displayFile(b) ? 1 : 0));
  const byShown = (a: string, b: string) => (displayFile(a) < displayFile(b) ? -1 : displayFile(a) > displayFile(b) ? 1 : 0);
  const allowlists = [...new Set([...lists].map((p) => resolve(p)))].sort(byShown);
  return { files: unique, allowlists, diagnostics };
}
