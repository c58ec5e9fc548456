/**
 * `watchlists/<list>.json`: an ARM template per allowlist the profile's queries read as a Sentinel
 * watchlist (src/backends/kql/watchlists.ts): resource type
 * Microsoft.OperationalInsights/workspaces/providers/watchlists named
 * `<workspace>/Microsoft.SecurityInsights/<alias>`, API 2023-02-01 (WatchlistProperties: displayName,
 * provider, source, itemsSearchKey required; rawContent with contentType text/csv).
 *
 * The alias is the list's name, the one the queries read with `_GetWatchlist("<name>")`; the raw
 * content is, byte for byte, the CSV `t1612 compile` writes beside the queries
 * (`kql/<profile>/watchlists/<name>.csv`), whose SearchKey column holds the entries, so
 * itemsSearchKey is SearchKey. Deploy these before the rules that read them.
 */
import type { EmittedFile } from '../../backends/types.js';
import type { Allowlist } from '../../model/allowlist.js';
import { WATCHLIST_CSV_HEADER } from '../../backends/kql/watchlists.js';
import { armLiteral, WORKSPACE_PARAMETER } from './arm.js';
import { stableJson } from './json.js';
import { ARM_SCHEMA, WATCHLISTS_API_VERSION } from './limits.js';

/** The CSV files of a profile's watchlists, by alias. */
export function watchlistCsvs(files: readonly EmittedFile[], profileId: string): Map<string, string> {
  const prefix = `kql/${profileId}/watchlists/`;
  const out = new Map<string, string>();
  for (const f of files) if (f.path.startsWith(prefix) && f.path.endsWith('.csv')) out.set(f.path.slice(prefix.length, -'.csv'.length), f.content);
  return out;
}

export function watchlistTemplate(alias: string, csv: string, list: Allowlist | undefined, generator: string): string {
  return stableJson({
    $schema: ARM_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: armLiteral({ generator, source: list?.file ?? `allowlist ${alias}` }),
    parameters: WORKSPACE_PARAMETER,
    resources: [
      {
        type: 'Microsoft.OperationalInsights/workspaces/providers/watchlists',
        apiVersion: WATCHLISTS_API_VERSION,
        name: `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${alias.replace(/'/g, "''")}')]`,
        properties: armLiteral({
          watchlistAlias: alias,
          displayName: alias,
          description: (list?.description ?? `t1612 allowlist ${alias}`).trim(),
          provider: 't1612',
          source: 'Local file',
          itemsSearchKey: WATCHLIST_CSV_HEADER[0],
          contentType: 'text/csv',
          numberOfLinesToSkip: 0,
          rawContent: csv,
        }),
      },
    ],
  });
}
