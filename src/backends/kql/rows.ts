/**
 * The `DeviceProcessEvents` row a KQL profile's telemetry would hold for a canonical event (the
 * telemetry mapping of the KQL evaluator, evaluate.ts), and the table's schema.
 *
 * - **Every column of the table is present.** String columns the event does not fill are `""`: KQL
 *   strings cannot be null (semantics.md §2.1, K-null). Other columns are `null` unless known.
 * - Canonical fields are written under the profile's column (`profile.fields`) exactly as the event
 *   has them, placeholders included (the emitted query normalises a profile's placeholders itself);
 *   a missing or null canonical value is `""`.
 * - `_time` (ISO 8601) → the profile's time column as a `Date`, and the table's other time column
 *   (`Timestamp` / `TimeGenerated`: both schema sets have both) the same instant; unparsable or
 *   missing → null.
 * - `host` → `DeviceName`; `DeviceId` is a synthetic but deterministic 40-hex-digit id of the host
 *   (SHA-1 of the host name, the shape of a Defender device id); `ReportId` (long) a deterministic
 *   number derived from the whole event (SHA-1 of its canonical JSON, first 48 bits).
 * - Known by construction for this table: `ActionType` = "ProcessCreated"; `FileName` /
 *   `InitiatingProcessFileName` = the last path component of the image / parent image column (the
 *   Defender tables document them as the file name of the process image); in the sentinel schema
 *   `Type` = "DeviceProcessEvents" (Log Analytics writes the table name there).
 * - Other keys of the event are not telemetry of this table and are dropped.
 */
import { createHash } from 'node:crypto';
import type { CanonicalField } from '../../model/types.js';
import type { CanonicalEvent } from '../../ir/evaluate.js';
import type { Row } from '../evaluation.js';
import type { KqlProfile } from './profiles.js';

export type KqlColumnType = 'string' | 'long' | 'int' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';
export type KqlColumns = readonly (readonly [string, KqlColumnType])[];

export const DEVICE_PROCESS_TABLE = 'DeviceProcessEvents';

/**
 * Columns of `DeviceProcessEvents` (name, Kusto type), in order, per schema set. Copied from
 * ../shared/reference/defender-tables.json (`defender.DeviceProcessEvents`,
 * `sentinel.DeviceProcessEvents`; facts from the Defender XDR advanced-hunting table page and the
 * Azure Monitor Logs table reference, K-tab); test/kql/evaluate.test.ts checks this equals the JSON.
 * The sentinel set is the defender set with `AdditionalFields` typed dynamic, plus the columns Log
 * Analytics adds.
 */
const DEFENDER_DEVICE_PROCESS: KqlColumns = [
  ['Timestamp', 'datetime'], ['DeviceId', 'string'], ['DeviceName', 'string'], ['ActionType', 'string'], ['FileName', 'string'],
  ['FolderPath', 'string'], ['SHA1', 'string'], ['SHA256', 'string'], ['MD5', 'string'], ['FileSize', 'long'],
  ['ProcessVersionInfoCompanyName', 'string'], ['ProcessVersionInfoProductName', 'string'],
  ['ProcessVersionInfoProductVersion', 'string'], ['ProcessVersionInfoInternalFileName', 'string'],
  ['ProcessVersionInfoOriginalFileName', 'string'], ['ProcessVersionInfoFileDescription', 'string'], ['ProcessId', 'long'],
  ['ProcessCommandLine', 'string'], ['ProcessIntegrityLevel', 'string'], ['ProcessTokenElevation', 'string'],
  ['ProcessCreationTime', 'datetime'], ['AccountDomain', 'string'], ['AccountName', 'string'], ['AccountSid', 'string'],
  ['AccountUpn', 'string'], ['AccountObjectId', 'string'], ['LogonId', 'long'], ['InitiatingProcessAccountDomain', 'string'],
  ['InitiatingProcessAccountName', 'string'], ['InitiatingProcessAccountSid', 'string'], ['InitiatingProcessAccountUpn', 'string'],
  ['InitiatingProcessAccountObjectId', 'string'], ['InitiatingProcessIntegrityLevel', 'string'],
  ['InitiatingProcessTokenElevation', 'string'], ['InitiatingProcessSHA1', 'string'], ['InitiatingProcessSHA256', 'string'],
  ['InitiatingProcessMD5', 'string'], ['InitiatingProcessFileName', 'string'], ['InitiatingProcessFileSize', 'long'],
  ['InitiatingProcessVersionInfoCompanyName', 'string'], ['InitiatingProcessVersionInfoProductName', 'string'],
  ['InitiatingProcessVersionInfoProductVersion', 'string'], ['InitiatingProcessVersionInfoInternalFileName', 'string'],
  ['InitiatingProcessVersionInfoOriginalFileName', 'string'], ['InitiatingProcessVersionInfoFileDescription', 'string'],
  ['InitiatingProcessId', 'long'], ['InitiatingProcessCommandLine', 'string'], ['InitiatingProcessCreationTime', 'datetime'],
  ['InitiatingProcessFolderPath', 'string'], ['InitiatingProcessParentId', 'long'], ['InitiatingProcessParentFileName', 'string'],
  ['InitiatingProcessParentCreationTime', 'datetime'], ['InitiatingProcessLogonId', 'long'], ['InitiatingProcessSignerType', 'string'],
  ['InitiatingProcessSignatureStatus', 'string'], ['ReportId', 'long'], ['AppGuardContainerId', 'string'],
  ['AdditionalFields', 'string'], ['InitiatingProcessSessionId', 'long'], ['IsInitiatingProcessRemoteSession', 'bool'],
  ['InitiatingProcessRemoteSessionDeviceName', 'string'], ['InitiatingProcessRemoteSessionIP', 'string'],
  ['CreatedProcessSessionId', 'long'], ['IsProcessRemoteSession', 'bool'], ['ProcessRemoteSessionDeviceName', 'string'],
  ['ProcessRemoteSessionIP', 'string'], ['ProcessUniqueId', 'string'], ['InitiatingProcessUniqueId', 'string'],
  ['TimeGenerated', 'datetime'],
];

const SENTINEL_DEVICE_PROCESS: KqlColumns = [
  ...DEFENDER_DEVICE_PROCESS.map(([name, type]) => [name, name === 'AdditionalFields' ? 'dynamic' : type] as const),
  ['TenantId', 'string'], ['SourceSystem', 'string'], ['Type', 'string'], ['MachineGroup', 'string'],
  ['_BilledSize', 'real'], ['_IsBillable', 'string'],
];

export const DEVICE_PROCESS_COLUMNS: Readonly<Record<KqlProfile['schemaSet'], KqlColumns>> = {
  defender: DEFENDER_DEVICE_PROCESS,
  sentinel: SENTINEL_DEVICE_PROCESS,
};

/** The tables (name → columns) a profile's queries are analysed and run against. */
export function kqlTablesOf(profile: KqlProfile): ReadonlyMap<string, KqlColumns> {
  const out = new Map<string, KqlColumns>();
  for (const table of Object.values(profile.tables)) {
    if (table === undefined) continue;
    if (table !== DEVICE_PROCESS_TABLE) throw new Error(`kql profile ${profile.id}: no schema for table ${table}`);
    out.set(table, DEVICE_PROCESS_COLUMNS[profile.schemaSet]);
  }
  return out;
}

const TIME_COLUMNS = ['Timestamp', 'TimeGenerated'] as const;

/** The last path component (after the last `/` or `\`). */
function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** JSON with object keys sorted, so equal events give equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface Template {
  readonly empty: Readonly<Record<string, unknown>>;
  readonly pairs: readonly (readonly [CanonicalField, string])[];
  readonly columns: ReadonlySet<string>;
}

const templates = new WeakMap<KqlProfile, Template>();

function templateOf(profile: KqlProfile): Template {
  let t = templates.get(profile);
  if (!t) {
    const table = profile.tables.process_creation;
    if (table !== DEVICE_PROCESS_TABLE) throw new Error(`kql profile ${profile.id}: rows are built for ${DEVICE_PROCESS_TABLE}, not ${String(table)}`);
    const columns = DEVICE_PROCESS_COLUMNS[profile.schemaSet];
    const empty: Record<string, unknown> = {};
    for (const [name, type] of columns) empty[name] = type === 'string' ? '' : null;
    const names = new Set(columns.map(([n]) => n));
    const pairs = (Object.entries(profile.fields) as [CanonicalField, string | undefined][])
      .filter((p): p is [CanonicalField, string] => typeof p[1] === 'string')
      .map(([canonical, column]) => {
        if (!names.has(column)) throw new Error(`kql profile ${profile.id}: field ${canonical} maps to ${column}, not a column of ${table}`);
        return [canonical, column] as const;
      });
    t = { empty, pairs, columns: names };
    templates.set(profile, t);
  }
  return t;
}

/** The DeviceProcessEvents row for a canonical event, as the profile's telemetry would hold it. */
export function kqlRow(event: CanonicalEvent, profile: KqlProfile): Row {
  const { empty, pairs, columns } = templateOf(profile);
  const row: Record<string, unknown> = { ...empty };
  row.ActionType = 'ProcessCreated';
  if (columns.has('Type')) row.Type = DEVICE_PROCESS_TABLE;
  for (const [canonical, column] of pairs) {
    const v = Object.hasOwn(event, canonical) ? event[canonical] : undefined;
    row[column] = typeof v === 'string' ? v : '';
  }
  const time = event._time;
  const ms = typeof time === 'string' ? Date.parse(time) : time instanceof Date ? time.getTime() : Number.NaN;
  for (const c of TIME_COLUMNS) if (columns.has(c)) row[c] = Number.isNaN(ms) ? null : new Date(ms);
  const host = typeof event.host === 'string' ? event.host : '';
  row.DeviceName = host;
  row.DeviceId = sha1(`DeviceId:${host}`);
  row.ReportId = parseInt(sha1(`ReportId:${canonicalJson(event)}`).slice(0, 12), 16);
  const image = profile.fields.Image;
  if (image && typeof row[image] === 'string') row.FileName = baseName(row[image] as string);
  const parent = profile.fields.ParentImage;
  if (parent && typeof row[parent] === 'string') row.InitiatingProcessFileName = baseName(row[parent] as string);
  return row;
}
