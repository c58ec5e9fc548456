/**
 * The Splunk package (issue #6 §2): an app folder `t1612_detections/` and `t1612_detections.tgz` of
 * it, built from the SPL target's compiled files for one profile (never re-rendered):
 *
 *     t1612_detections/
 *       default/app.conf            app.ts
 *       default/savedsearches.conf  savedsearches.ts, es.ts (stanzas from detections.ts)
 *       default/macros.conf         macros.ts (the profile's macros.conf, plus drilldown macros)
 *       default/transforms.conf     lookups.ts (the allowlist lookups, when rules read any)
 *       lookups/t1612_<list>.csv    lookups.ts
 *       metadata/default.meta       app.ts
 *     t1612_detections.tgz          tar.ts, gzip.ts: the folder's files, byte for byte
 */
import { hasErrors } from '../../model/diagnostics.js';
import type { SplProfile } from '../../backends/spl/profiles.js';
import type { PackageFile, PackageRequest, PackageResult, PackageTarget } from '../types.js';
import { renderAppConf, renderDefaultMeta } from './app.js';
import { renderConf } from './conf.js';
import { packageDetections } from './detections.js';
import { gzipDeterministic } from './gzip.js';
import { renderLookups } from './lookups.js';
import { renderMacros } from './macros.js';
import { APP_ARCHIVE, APP_ID, confHeader } from './provenance.js';
import { SAVEDSEARCHES_LEGEND } from './savedsearches.js';
import { tarArchive } from './tar.js';

const encoder = new TextEncoder();

function buildSplunk(request: PackageRequest): PackageResult {
  const profile = request.profile as SplProfile;
  const compiled = request.compiled.files.filter((f) => f.path.startsWith(`spl/${profile.id}/`));
  const detections = packageDetections(request.rules, request.correlations, profile, compiled);
  if (hasErrors(detections.diagnostics)) return { files: [], diagnostics: detections.diagnostics };

  const macrosPath = `spl/${profile.id}/macros.conf`;
  const macros = compiled.find((f) => f.path === macrosPath);
  const app: { path: string; content: string }[] = [
    { path: 'default/app.conf', content: renderAppConf(profile.id) },
    { path: 'default/savedsearches.conf', content: renderConf(confHeader(profile.id, ...SAVEDSEARCHES_LEGEND), detections.stanzas) },
    { path: 'default/macros.conf', content: renderMacros(macros?.content ?? '', macrosPath, profile, detections.results) },
    ...renderLookups(compiled, profile.id).files,
    { path: 'metadata/default.meta', content: renderDefaultMeta(profile.id) },
  ];
  app.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files: PackageFile[] = app.map((f) => ({ path: `${APP_ID}/${f.path}`, content: f.content }));
  const archive = gzipDeterministic(tarArchive(files.map((f) => ({ path: f.path, content: typeof f.content === 'string' ? encoder.encode(f.content) : f.content }))));
  return { files: [...files, { path: APP_ARCHIVE, content: archive }], diagnostics: detections.diagnostics };
}

export const splunkPackage: PackageTarget = {
  id: 'splunk',
  description: 'Splunk app (folder and .tgz): saved searches with Enterprise Security risk and notable actions, macros and allowlist lookups',
  queryTarget: 'spl',
  defaultProfile: 'sysmon_linux',
  build: buildSplunk,
};
