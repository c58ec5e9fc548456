/**
 * Profiles as configuration: every profile is a YAML file (`schema/profile.schema.json`). The bundled
 * ones live in `profiles/<target>/`; yours live in any folder passed with `--profiles`, may
 * `extends` a bundled profile of the same target, and are checked like rules (one located line per
 * problem).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, formatDiagnostic, hasErrors, type Diagnostic } from '../model/diagnostics.js';
import { parseAndValidate } from '../model/load.js';
import { packageRoot } from '../paths.js';
import type { ProfileBase, TargetId } from '../backends/types.js';

type Raw = Record<string, unknown> & { target: TargetId; id: string; extends?: string };

const COMMON = ['target', 'id', 'extends', 'description', 'fields', 'placeholders'];
/** The keys each target's profiles have (all required once `extends` is resolved). */
export const TARGET_KEYS: Readonly<Record<TargetId, readonly string[]>> = {
  spl: ['macros', 'timeField'],
  kql: ['tables', 'timeColumn', 'keepColumns', 'schemaSet'],
  sigma: ['product'],
};

/**
 * Keys a profile may set but need not (their default is stated in schema/profile.schema.json). An spl
 * log source is read either with a base search (`baseSearch`, with `hostField`) or from a data model
 * (`dataModels`); the SPL target reports a log source that has neither (src/backends/spl/source.ts).
 */
export const OPTIONAL_TARGET_KEYS: Readonly<Record<TargetId, readonly string[]>> = { spl: ['baseSearch', 'hostField', 'dataModels', 'ingestionLag'], kql: ['allowlistSource', 'ingestionLag'], sigma: ['logsources'] };

export type ProfileSet = Readonly<Record<TargetId, readonly ProfileBase[]>>;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function merge(base: Record<string, unknown>, over: Raw): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'extends' || k === 'target') continue;
    if (k === 'fields' || k === 'baseSearch' || k === 'tables' || k === 'dataModels' || k === 'logsources') {
      const merged: Record<string, unknown> = { ...(base[k] as Record<string, unknown> | undefined) };
      for (const [category, value] of Object.entries(v as Record<string, unknown>))
        merged[category] = k === 'fields' ? { ...(merged[category] as object | undefined), ...(value as object) } : value;
      out[k] = merged;
    } else if (k === 'macros') {
      const byName = new Map(((base.macros as { name: string }[] | undefined) ?? []).map((m) => [m.name, m]));
      for (const m of v as { name: string; description?: string }[]) byName.set(m.name, { description: '', ...byName.get(m.name), ...m });
      out.macros = [...byName.values()];
    } else out[k] = v;
  }
  return out;
}

/**
 * Load profile files. `bundled` are the profiles `extends` may name (none while loading the bundled
 * ones themselves). Returns the profiles per target and one diagnostic per problem.
 */
export function loadProfiles(dirs: readonly string[], bundled: ProfileSet | undefined): { profiles: ProfileSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const profiles: Record<TargetId, ProfileBase[]> = { spl: [], kql: [], sigma: [] };
  for (const dir of dirs) {
    let files: string[];
    try {
      files = yamlFiles(dir);
    } catch {
      diagnostics.push(diagnostic(dir, { line: 1, column: 1 }, 'error', 'io', 'profiles folder does not exist', 'pass a folder of profile files'));
      continue;
    }
    for (const path of files) {
      const parsed = parseAndValidate(path, 'profile');
      diagnostics.push(...parsed.diagnostics);
      if (!parsed.doc || hasErrors(parsed.diagnostics)) continue;
      const raw = parsed.doc.value as Raw;
      const err = (pointer: string, message: string, hint: string, atKey = false) =>
        diagnostics.push(diagnostic(parsed.file, atKey ? parsed.doc!.keyAt(pointer) : parsed.doc!.at(pointer), 'error', 'profile', message, hint));
      const allowed = [...COMMON, ...TARGET_KEYS[raw.target], ...OPTIONAL_TARGET_KEYS[raw.target]];
      let bad = false;
      for (const k of Object.keys(raw))
        if (!allowed.includes(k)) {
          err(`/${k}`, `key "${k}" does not apply to ${raw.target} profiles`, `${raw.target} profiles take: ${allowed.join(', ')}`, true);
          bad = true;
        }
      let resolved: Record<string, unknown> = raw;
      if (raw.extends !== undefined) {
        const base = bundled?.[raw.target].find((p) => p.id === raw.extends);
        if (!base) {
          err('/extends', `no bundled ${raw.target} profile "${raw.extends}" to extend`, `use one of: ${(bundled?.[raw.target] ?? []).map((p) => p.id).join(', ') || 'none'}`);
          continue;
        }
        resolved = merge(base as unknown as Record<string, unknown>, raw);
      }
      for (const k of ['description', 'fields', 'placeholders', ...TARGET_KEYS[raw.target]])
        if (resolved[k] === undefined) {
          err('', `${raw.target} profile "${raw.id}" has no "${k}"`, raw.extends === undefined ? `add ${k}, or extend a bundled profile` : `add ${k}`);
          bad = true;
        }
      const taken = [...(bundled?.[raw.target] ?? []), ...profiles[raw.target]].find((p) => p.id === raw.id);
      if (taken) {
        err('/id', `${raw.target} profile id "${raw.id}" is already used`, 'choose another id; to change a bundled profile, extend it under a new id');
        bad = true;
      }
      if (bad) continue;
      const { target: _t, extends: _e, ...profile } = resolved as Raw;
      void _t;
      void _e;
      profiles[raw.target].push({ ...(profile as unknown as ProfileBase), ...(raw.extends !== undefined ? { basedOn: raw.extends } : {}) });
    }
  }
  return { profiles, diagnostics };
}

let bundledSet: ProfileSet | undefined;

/** The profiles shipped in profiles/<target>/; a problem there is a packaging bug. */
export function bundledProfiles(): ProfileSet {
  if (!bundledSet) {
    const { profiles, diagnostics } = loadProfiles([join(packageRoot(), 'profiles')], undefined);
    if (hasErrors(diagnostics)) throw new Error(`internal: bundled profiles are invalid:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    bundledSet = profiles;
  }
  return bundledSet;
}
