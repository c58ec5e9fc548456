/**
 * KQL profiles: Defender advanced hunting and Microsoft Sentinel (the same Device* tables, with
 * `Timestamp` in Defender and `TimeGenerated` in Sentinel; columns in
 * ../shared/reference/defender-tables.json; field names follow pySigma's Defender mapping; Device
 * tables record no current directory, so relative paths cannot be resolved there), and Microsoft
 * Sentinel through the ASIM unifying parsers (`asim`: `_Im_ProcessCreate()`, `_Im_FileEvent()`,
 * `_Im_NetworkSession()`; columns in asim-tables.ts). `sentinel` also reads AKS's Kubernetes audit
 * log (`AKSAuditAdmin`, aks-tables.ts) for `k8s_audit`, mapping fields to paths inside its dynamic
 * columns (column-path.ts); Defender advanced hunting and ASIM have no Kubernetes audit table.
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { ProfileBase } from '../types.js';
import { bundledProfiles } from '../../profiles/load.js';
import type { AllowlistSource } from './watchlists.js';
import type { KqlSchemaSet } from './tables.js';

/** A KQL profile. Its `fields` values are columns, or paths inside dynamic columns (`ObjectRef.resource`: column-path.ts). */
export interface KqlProfile extends ProfileBase {
  readonly tables: Readonly<Partial<Record<LogsourceCategory, string>>>;
  readonly timeColumn: string;
  /**
   * Columns every result keeps before the rule's own (a Defender custom detection needs Timestamp,
   * DeviceId, ReportId), those of them the log source's table has (AKSAuditAdmin has no DeviceId).
   */
  readonly keepColumns: readonly string[];
  /**
   * The schemas the output is checked and run against: a key of ../shared/reference/defender-tables.json
   * (`defender`, `sentinel`; sentinel also has AKSAuditAdmin, aks-tables.ts), or `asim` (the ASIM parser functions of a Sentinel workspace, asim-tables.ts).
   * A profile's `tables` name the set's tables, or its functions (called with no arguments).
   */
  readonly schemaSet: KqlSchemaSet;
  /**
   * Where queries read exact allowlists from: `let` lists written into each query, or Microsoft
   * Sentinel watchlists (`_GetWatchlist`, with the CSVs written beside the queries). Optional.
   */
  readonly allowlistSource?: AllowlistSource;
}

/**
 * A profile's allowlist source: as set, else watchlists where the schema set has them (Sentinel
 * workspaces, `sentinel` and `asim`, where lists are managed as watchlists), else `let` lists
 * (Defender advanced hunting has no watchlists).
 */
export function allowlistSourceOf(profile: Pick<KqlProfile, 'allowlistSource' | 'schemaSet'>): AllowlistSource {
  return profile.allowlistSource ?? (profile.schemaSet === 'defender' ? 'let' : 'watchlist');
}

/** The bundled KQL profiles (profiles/kql/*.yml). */
export const kqlProfiles = bundledProfiles().kql as readonly KqlProfile[];

export const defender: KqlProfile = kqlProfiles.find((p) => p.id === 'defender')!;
export const sentinel: KqlProfile = kqlProfiles.find((p) => p.id === 'sentinel')!;
export const asim: KqlProfile = kqlProfiles.find((p) => p.id === 'asim')!;
