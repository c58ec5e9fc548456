/**
 * The app's own files: default/app.conf and metadata/default.meta.
 *
 * app.conf (app.conf.spec, Splunk Enterprise 9.0/10.0,
 * https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/10.0/10.0.0-configuration-file-reference/app.conf):
 * - `[id] name` / `version` and `[launcher] version`: the app's id and t1612's version (package.json);
 *   `[launcher] description` ("Limit descriptions to 200 characters"), `author`;
 * - `[install] is_configured = true`: "whether the application's custom setup has been performed";
 *   the app has no setup page (the index macro is set in local/macros.conf), so there is nothing to
 *   perform; `[install] build` is required, "a positive integer", and changes with every version:
 *   it is derived from the version (major·10000 + minor·100 + patch, at least 1);
 * - `[ui] is_visible = false`: "Apps require at least one view to be available in Splunk Web", and
 *   this one has none; `label` is required;
 * - `[package] id` "must be the same as the folder name in which your app lives";
 *   `check_for_updates = false`: do not ask Splunkbase about an app that is not there.
 *
 * default.meta (default.meta.conf.spec, https://docs.splunk.com/Documentation/Splunk/9.0.2/Admin/Defaultmetaconf):
 * "By default, objects are only visible within the app in which they were created. To make an
 * object available to all apps, set the object's 'export' setting to "system"."
 * - macros, lookups and transforms: `export = system`. Enterprise Security runs a notable's drilldown
 *   search in its own app, and that search calls this app's macros (`t1612_<detection>_results`,
 *   which call the index, allowlist and filter macros and the allowlist lookups);
 * - savedsearches: `export = system` too, as Splunk's own ES content app does (contentctl's
 *   app_template/metadata/default.meta exports the whole app): ES's Content Management and Incident
 *   Review, in ES's app, read the correlation searches' settings. The scheduler runs them here either way;
 * - the app itself: everyone reads it, admins (sc_admin on Splunk Cloud) write it.
 */
import { renderConf } from './conf.js';
import { APP_ID, confHeader, toolVersion } from './provenance.js';

export function appBuild(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.+-]/).map((p) => Number.parseInt(p, 10)).map((n) => (Number.isFinite(n) ? n : 0));
  return Math.max(1, major * 10000 + minor * 100 + patch);
}

export function renderAppConf(profileId: string): string {
  const version = toolVersion();
  return renderConf(confHeader(profileId), [
    { name: 'install', settings: [{ key: 'is_configured', value: 'true' }, { key: 'build', value: String(appBuild(version)) }] },
    { name: 'id', settings: [{ key: 'name', value: APP_ID }, { key: 'version', value: version }] },
    {
      name: 'launcher',
      settings: [
        { key: 'author', value: 't1612' },
        { key: 'version', value: version },
        { key: 'description', value: `T1612 (Build Image on Host) detections for the ${profileId} profile: scheduled searches with Enterprise Security risk and notable actions.` },
      ],
    },
    { name: 'ui', settings: [{ key: 'is_visible', value: 'false' }, { key: 'label', value: 'T1612 detections' }] },
    { name: 'package', settings: [{ key: 'id', value: APP_ID }, { key: 'check_for_updates', value: 'false' }] },
  ]);
}

export function renderDefaultMeta(profileId: string): string {
  const exported = (name: string) => ({ name, settings: [{ key: 'export', value: 'system' }] });
  return renderConf(
    confHeader(profileId, '', 'Macros, lookups and transforms are exported to every app: Enterprise Security runs notable drilldown', 'searches in its own app, and they call this app\'s macros and lookups. Saved searches are exported as', 'Splunk\'s own ES content is, so ES\'s Content Management and Incident Review see them.'),
    [{ name: '', settings: [{ key: 'access', value: 'read : [ * ], write : [ admin, sc_admin ]' }, { key: 'export', value: 'none' }] }, exported('macros'), exported('lookups'), exported('transforms'), exported('savedsearches')],
  );
}
