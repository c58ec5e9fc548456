/**
 * default/macros.conf: the macros the SPL target writes for the profile (its `spl/<profile>/macros.conf`:
 * the profile's index and source macros, every `<rule>_allowlist` and every `<rule>_filter` of the
 * rules and correlations it runs), read back and written again with a comment on what each is and
 * who changes it; then one `t1612_<detection>_results` macro per packaged detection, holding its
 * compiled query for the notable's drilldown search (a drilldown cannot call the saved search:
 * "use with the search command '|savedsearch' does not currently work with multi-line search
 * strings", savedsearches.conf.spec).
 *
 * A `_filter` macro is the customer's: they change it in local/macros.conf. Splunk merges the copies
 * of a .conf file and, for a setting both set, uses the one with the higher precedence, and an app's
 * local directory has precedence over its default directory (Admin Manual, "Configuration file
 * precedence", https://docs.splunk.com/Documentation/Splunk/9.2.4/Admin/Wheretofindtheconfigurationfiles).
 * The package ships default/ only, so installing an update never overwrites a customer's filter.
 */
import { parseConf } from '../../backends/spl/conf.js';
import { splMacroName } from '../../backends/spl/escape.js';
import type { SplProfile } from '../../backends/spl/profiles.js';
import { renderConf, type ConfStanza } from './conf.js';
import { confHeader } from './provenance.js';

export function resultsMacroName(detection: string): string {
  return `t1612_${splMacroName(detection)}_results`;
}

export interface ResultsMacro {
  readonly detection: string;
  readonly search: string;
}

function macroComment(name: string, profile: SplProfile): string[] {
  if (profile.macros.some((m) => m.name === name)) return [`From the ${profile.id} profile: where its events are. Set your index in local/macros.conf.`];
  if (name.endsWith('_allowlist')) return ['Generated from the allowlist files (rules/allowlists/): edit those and rebuild the package, not this macro.'];
  if (name.endsWith('_filter'))
    return [
      'Yours to tune: copy this stanza to local/macros.conf and change the definition there (keep it streaming:',
      'search, where, eval). local/ takes precedence over default/ and an app update ships default/ only, so an',
      'update never overwrites your filter.',
    ];
  return [];
}

/** The profile's macros.conf as the SPL target wrote it, then the drilldown macros. */
export function renderMacros(compiledMacros: string, compiledPath: string, profile: SplProfile, results: readonly ResultsMacro[]): string {
  const stanzas: ConfStanza[] = [];
  for (const [name, settings] of parseConf(compiledMacros, compiledPath)) {
    if (name === 'default' && settings.size === 0) continue;
    stanzas.push({ name, comments: macroComment(name, profile), settings: [...settings].map(([key, value]) => ({ key, value })) });
  }
  const defined = new Set(stanzas.map((s) => s.name));
  for (const r of results) {
    const name = resultsMacroName(r.detection);
    if (defined.has(name)) throw new Error(`internal: macro ${name} is defined twice`);
    defined.add(name);
    stanzas.push({
      name,
      comments: [`The compiled query of ${r.detection} (its saved search's search), for its notables' drilldown search.`],
      settings: [
        { key: 'definition', value: r.search },
        { key: 'description', value: `Results of ${r.detection}: the query its saved search runs, for drilldowns. Generated; tune ${splMacroName(r.detection)}_filter instead.` },
        { key: 'iseval', value: '0' },
      ],
    });
  }
  return renderConf(confHeader(profile.id, '', 'Index and source macros of the profile, allowlist and filter macros of every rule and correlation, and the drilldown macros.'), stanzas);
}
