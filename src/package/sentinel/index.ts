/**
 * The Sentinel package (issue #6 §3): `t1612 package --target sentinel [--profile sentinel|asim|…]`.
 * From the compiled KQL of the chosen profile it writes, per detection the profile runs:
 *
 *     arm/<name>.json          ARM template of a Scheduled analytics rule (arm.ts)
 *     yaml/<name>.yaml         the same rule in the Azure-Sentinel repository's YAML format (yaml.ts)
 *
 * and, for a profile whose queries read watchlists, `watchlists/<list>.json` per watchlist
 * (watchlists.ts). What each rule holds and why is in rule.ts and the files it uses: severity.ts
 * (critical → High), tactics.ts (stealth → DefenseEvasion), entities.ts, details.ts, message.ts,
 * schedule.ts, incident.ts, connectors.ts, query.ts; the documented limits in limits.ts.
 *
 * A detection the profile cannot run (no compiled query) is skipped with a note; `t1612 compile`
 * says why. A name the alert uses that the compiled query does not output, or a Sentinel limit a
 * detection exceeds, is an error and nothing is written. The same rules give byte-identical files.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { Allowlist } from '../../model/allowlist.js';
import { allowlistSourceOf, type KqlProfile } from '../../backends/kql/profiles.js';
import type { PackageFile, PackageRequest, PackageResult, PackageTarget } from '../types.js';
import { sentinelRule } from './rule.js';
import { armTemplate } from './arm.js';
import { yamlTemplate } from './yaml.js';
import { watchlistCsvs, watchlistTemplate } from './watchlists.js';

const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function isKqlProfile(p: PackageRequest['profile']): p is KqlProfile {
  const k = p as Partial<KqlProfile>;
  return typeof k.tables === 'object' && typeof k.timeColumn === 'string' && typeof k.schemaSet === 'string';
}

export function buildSentinelPackage(request: PackageRequest): PackageResult {
  const { profile } = request;
  if (!isKqlProfile(profile))
    return { files: [], diagnostics: [diagnostic('t1612', { line: 1, column: 1 }, 'error', 'package', `profile ${profile.id} is not a KQL profile`, 'use a kql profile (sentinel, asim)')] };
  const generator = `t1612 package --target sentinel --profile ${profile.id}`;
  const compiled = new Map(request.compiled.files.map((f) => [f.path, f.content]));
  const files: PackageFile[] = [];
  const diagnostics: Diagnostic[] = [];

  const detections: (RuleIR | CorrelationIR)[] = [...[...request.rules].sort(byName), ...[...request.correlations].sort(byName)];
  for (const d of detections) {
    const text = compiled.get(`kql/${profile.id}/${d.name}.kql`);
    if (text === undefined) {
      diagnostics.push(
        diagnostic(d.file, { line: 1, column: 1 }, 'note', 'sentinel-skip', `kql profile ${profile.id} does not run ${d.name}; it is not packaged for Sentinel`, 'run t1612 compile to see why, or use another profile'),
      );
      continue;
    }
    const armFile = `arm/${d.name}.json`;
    const built = sentinelRule(d, profile, text, armFile);
    diagnostics.push(...built.diagnostics);
    if (!built.rule) continue;
    files.push({ path: armFile, content: armTemplate(built.rule, generator) });
    files.push({ path: `yaml/${d.name}.yaml`, content: yamlTemplate(built.rule, generator, armFile) });
  }

  if (allowlistSourceOf(profile) === 'watchlist') {
    const lists = new Map<string, Allowlist>();
    for (const r of [...request.rules, ...request.correlations.flatMap((c) => c.stages.flatMap((s) => s.rules))]) for (const l of r.lists) lists.set(l.name, l);
    for (const [alias, csv] of [...watchlistCsvs(request.compiled.files, profile.id)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      files.push({ path: `watchlists/${alias}.json`, content: watchlistTemplate(alias, csv, lists.get(alias), generator) });
  }

  if (diagnostics.some((x) => x.severity === 'error')) return { files: [], diagnostics };
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}

export const sentinelPackage: PackageTarget = {
  id: 'sentinel',
  description: 'Microsoft Sentinel analytics rules (ARM templates and Azure-Sentinel YAML) and watchlists',
  queryTarget: 'kql',
  defaultProfile: 'sentinel',
  build: buildSentinelPackage,
};
