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
import type { CanonicalField, LogsourceCategory } from '../../model/types.js';
import type { CanonicalEvent } from '../../ir/evaluate.js';
import type { Row } from '../evaluation.js';
import type { KqlProfile } from './profiles.js';
import type { ProfileView } from '../types.js';
import { fieldPairs } from '../fields.js';
import { DEVICE_TABLE_COLUMNS } from './tables.js';

export type KqlColumnType = 'string' | 'long' | 'int' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';
export type KqlColumns = readonly (readonly [string, KqlColumnType])[];

/** The tables (name → columns) a profile's queries are analysed and run against. */
export function kqlTablesOf(profile: KqlProfile | ProfileView<KqlProfile>): ReadonlyMap<string, KqlColumns> {
  const out = new Map<string, KqlColumns>();
  for (const table of Object.values(profile.tables)) {
    if (table === undefined) continue;
    const columns = DEVICE_TABLE_COLUMNS[profile.schemaSet][table];
    if (!columns) throw new Error(`kql profile ${profile.id}: no schema for table ${table}`);
    out.set(table, columns);
  }
  return out;
}

/**
 * What a row states by construction, per log source: its ActionType, and which canonical fields give
 * the `FileName` and `InitiatingProcessFileName` columns (the last path component).
 */
const BY_CATEGORY: Readonly<Record<LogsourceCategory, { action: string; fileName: CanonicalField; initiatingFileName: CanonicalField }>> = {
  process_creation: { action: 'ProcessCreated', fileName: 'Image', initiatingFileName: 'ParentImage' },
  file_event: { action: 'FileCreated', fileName: 'TargetFilename', initiatingFileName: 'Image' },
  network_connection: { action: 'ConnectionSuccess', fileName: 'Image', initiatingFileName: 'Image' },
};

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
  readonly table: string;
  readonly empty: Readonly<Record<string, unknown>>;
  readonly pairs: readonly (readonly [CanonicalField, string])[];
  readonly columns: ReadonlySet<string>;
}

const templates = new Map<string, Template>();

function templateOf(profile: ProfileView<KqlProfile>): Template {
  const key = `${profile.id}\u0000${profile.category}`;
  let t = templates.get(key);
  if (!t) {
    const table = profile.tables[profile.category];
    const columns = table === undefined ? undefined : DEVICE_TABLE_COLUMNS[profile.schemaSet][table];
    if (!table || !columns) throw new Error(`kql profile ${profile.id}: no table schema for ${profile.category}`);
    const empty: Record<string, unknown> = {};
    for (const [name, type] of columns) empty[name] = type === 'string' ? '' : null;
    const names = new Set(columns.map(([n]) => n));
    const pairs = fieldPairs(profile.fields);
    for (const [canonical, column] of pairs)
      if (!names.has(column)) throw new Error(`kql profile ${profile.id}: field ${canonical} maps to ${column}, not a column of ${table}`);
    t = { table, empty, pairs, columns: names };
    templates.set(key, t);
  }
  return t;
}

/** The row of the profile's table for a canonical event, as the profile's telemetry would hold it. */
export function kqlRow(event: CanonicalEvent, profile: ProfileView<KqlProfile>): Row {
  const { table, empty, pairs, columns } = templateOf(profile);
  const facts = BY_CATEGORY[profile.category];
  const row: Record<string, unknown> = { ...empty };
  row.ActionType = facts.action;
  if (columns.has('Type')) row.Type = table;
  for (const [canonical, column] of pairs) {
    const v = Object.hasOwn(event, canonical) ? event[canonical] : undefined;
    row[column] = typeof v === 'string' ? v : '';
  }
  const time = event._time;
  const ms = typeof time === 'string' ? Date.parse(time) : time instanceof Date ? time.getTime() : Number.NaN;
  for (const c of TIME_COLUMNS) if (columns.has(c)) row[c] = Number.isNaN(ms) ? null : new Date(ms);
  const host = typeof event.Host === 'string' ? event.Host : '';
  row.DeviceName = host;
  row.DeviceId = sha1(`DeviceId:${host}`);
  row.ReportId = parseInt(sha1(`ReportId:${canonicalJson(event)}`).slice(0, 12), 16);
  const file = profile.fields[facts.fileName];
  if (file && typeof row[file] === 'string') row.FileName = baseName(row[file] as string);
  const initiating = profile.fields[facts.initiatingFileName];
  if (initiating && typeof row[initiating] === 'string') row.InitiatingProcessFileName = baseName(row[initiating] as string);
  return row;
}
