/**
 * KQL profiles: Defender advanced hunting and Microsoft Sentinel (the same Device* tables, with
 * `Timestamp` in Defender and `TimeGenerated` in Sentinel; columns in
 * ../shared/reference/defender-tables.json). Field names follow pySigma's Defender mapping.
 * Device tables record no current directory, so relative paths cannot be resolved here.
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { ProfileBase } from '../types.js';
import { bundledProfiles } from '../../profiles/load.js';

export interface KqlProfile extends ProfileBase {
  readonly tables: Readonly<Partial<Record<LogsourceCategory, string>>>;
  readonly timeColumn: string;
  /** Columns every result keeps before the rule's own (a Defender custom detection needs Timestamp, DeviceId, ReportId). */
  readonly keepColumns: readonly string[];
  /** Key of ../shared/reference/defender-tables.json whose schema the output is checked against. */
  readonly schemaSet: 'defender' | 'sentinel';
}

/** The bundled KQL profiles (profiles/kql/*.yml). */
export const kqlProfiles = bundledProfiles().kql as readonly KqlProfile[];

export const defender: KqlProfile = kqlProfiles.find((p) => p.id === 'defender')!;
export const sentinel: KqlProfile = kqlProfiles.find((p) => p.id === 'sentinel')!;
