/**
 * Compile IR to files for the chosen targets and profiles, and write them all-or-nothing.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diagnostic, type Diagnostic } from './model/diagnostics.js';
import type { RuleIR } from './ir/nodes.js';
import type { CorrelationIR } from './ir/correlation.js';
import { targets, TARGET_IDS, type TargetId } from './backends/index.js';
import type { EmittedFile, ProfileBase } from './backends/types.js';
import { correlationColumns, lineageErrors, ruleColumns, type ColumnLookup } from './package/outputs.js';
import type { ProfileSet } from './profiles/load.js';

export interface CompileOptions {
  readonly targets?: readonly TargetId[];
  /** Profile ids to render; default: every profile of each chosen target. */
  readonly profiles?: readonly string[];
  /** Your profiles (from --profiles), beside the bundled ones. */
  readonly extraProfiles?: ProfileSet;
}

export interface CompileOutput {
  readonly files: readonly EmittedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** The target/profile folders rendered, for finding orphaned files: `spl/sysmon_linux`. */
  readonly folders: readonly string[];
}

/** Every profile of a target: the bundled ones, then yours. */
export function profilesOf(target: TargetId, extra?: ProfileSet): readonly ProfileBase[] {
  return [...(targets[target].profiles as readonly ProfileBase[]), ...(extra?.[target] ?? [])];
}

export function knownProfiles(ids: readonly TargetId[] = TARGET_IDS, extra?: ProfileSet): string[] {
  return ids.flatMap((t) => profilesOf(t, extra).map((p) => p.id));
}

/**
 * Output-field lineage at compile time: every name a detection's `alert` shows must be a column its
 * compiled query outputs on this profile (SPL and KQL; Sigma documents carry no alert fields), or
 * the detection is rejected there, at its `alert` line.
 */
function alertLineage(d: RuleIR | CorrelationIR, target: TargetId, profile: ProfileBase, emitted: readonly EmittedFile[], lookup: (text: string) => ColumnLookup): Diagnostic[] {
  if (target === 'sigma' || (d.alert.message === undefined && !d.alert.entities.length && !d.alert.details.length)) return [];
  const query = emitted.find((f) => f.path === `${target}/${profile.id}/${d.name}.${target}`);
  return query ? lineageErrors(d, lookup(query.content), profile.id) : [];
}

export function compileRules(irs: readonly RuleIR[], opts: CompileOptions = {}, correlations: readonly CorrelationIR[] = []): CompileOutput {
  const chosen = opts.targets ?? TARGET_IDS;
  const files: EmittedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const folders: string[] = [];
  for (const id of chosen) {
    const target = targets[id];
    const all = profilesOf(id, opts.extraProfiles);
    for (const profile of all) {
      if (opts.profiles && !opts.profiles.includes(profile.id)) continue;
      folders.push(`${id}/${profile.id}`);
      for (const rule of irs) {
        const r = target.render(rule, profile);
        files.push(...r.files);
        diagnostics.push(...r.diagnostics);
        diagnostics.push(...alertLineage(rule, id, profile, r.files, (text) => ruleColumns(rule, profile, text, id)));
      }
      for (const c of correlations) {
        if (!target.renderCorrelation) {
          diagnostics.push(diagnostic(c.file, { line: 1, column: 1 }, 'warning', 'unsupported-target', `target ${id} cannot express correlation rules; ${c.name} is skipped there`, 'use another target for this chain'));
          continue;
        }
        const r = target.renderCorrelation(c, profile);
        files.push(...r.files);
        diagnostics.push(...r.diagnostics);
        diagnostics.push(...alertLineage(c, id, profile, r.files, (text) => correlationColumns(c, profile, text, id)));
      }
      if (target.renderShared) files.push(...target.renderShared(irs, profile, correlations));
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics, folders };
}

export interface WritePlan {
  /** Files whose content would change (or be created). */
  readonly changed: readonly string[];
  /** Files in rendered folders that compile no longer produces. */
  readonly orphaned: readonly string[];
}

function listFiles(dir: string, prefix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

/** What writing `output` into `outDir` would change. `orphans` looks for files no longer produced. */
export function planWrite(outDir: string, output: CompileOutput, orphans: boolean): WritePlan {
  const changed = output.files
    .filter((f) => {
      const p = join(outDir, f.path);
      return !existsSync(p) || readFileSync(p, 'utf8') !== f.content;
    })
    .map((f) => f.path);
  const produced = new Set(output.files.map((f) => f.path));
  const orphaned = orphans
    ? output.folders.flatMap((folder) => listFiles(join(outDir, folder), `${folder}/`)).filter((p) => !produced.has(p))
    : [];
  return { changed, orphaned };
}

/**
 * Write every changed file to a temporary sibling first, then rename them all into place, so an
 * error leaves nothing half-written. Orphaned files are removed last.
 */
export function writeOutput(outDir: string, output: CompileOutput, plan: WritePlan): void {
  const byPath = new Map(output.files.map((f) => [f.path, f]));
  const temps: [string, string][] = [];
  try {
    for (const path of plan.changed) {
      const dest = join(outDir, path);
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = `${dest}.${process.pid}.tmp`;
      writeFileSync(tmp, byPath.get(path)!.content);
      temps.push([tmp, dest]);
    }
  } catch (e) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, dest] of temps) renameSync(tmp, dest);
  for (const path of plan.orphaned) rmSync(join(outDir, path), { force: true });
}

export function ioDiagnostic(path: string, e: unknown): Diagnostic {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  return diagnostic(path, { line: 1, column: 1 }, 'error', 'io', `cannot write output (${code})`, 'check that the output directory is writable');
}
