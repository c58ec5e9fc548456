/**
 * The row a KQL profile's telemetry would hold for a canonical event, in the profile's table for the
 * event's log source (`DeviceProcessEvents`, `DeviceFileEvents`, `DeviceNetworkEvents`, `AKSAuditAdmin`): the
 * telemetry mapping of the KQL evaluator (evaluate.ts), and the tables' schemas.
 *
 * - **Every column of the table is present.** String columns the event does not fill are `""`: KQL
 *   strings cannot be null (semantics.md §2.1, K-null). Other columns are `null` unless known.
 * - Canonical fields are written under the profile's column (`profile.fields`) exactly as the event
 *   has them, placeholders included (the emitted query normalises a profile's placeholders itself);
 *   a missing or null canonical value is `""`. An integer column (`RemotePort`, int) holds the
 *   number a canonical value spells when it is the model's whole number (plain decimal, no sign or
 *   leading zero, at most 15 digits) and fits the column's type, else null: telemetry has no number
 *   for `"https"`, `"02375"` (not how a port is written) or a missing port.
 * - `_time` (ISO 8601) → the profile's time column as a `Date`, and the table's other time column
 *   (`Timestamp` / `TimeGenerated`: both schema sets have both) the same instant; unparsable or
 *   missing → null.
 * - `host` → `DeviceName`; `DeviceId` is a synthetic but deterministic 40-hex-digit id of the host
 *   (SHA-1 of the host name, the shape of a Defender device id); `ReportId` (long) a deterministic
 *   number derived from the whole event (SHA-1 of its canonical JSON, first 48 bits).
 * - Known by construction, per table: `ActionType` ("ProcessCreated", "FileCreated",
 *   "ConnectionSuccess"); `FileName` (where the table has it) / `InitiatingProcessFileName` = the last
 *   path component of the image / parent image column for processes, of the file / image column for
 *   file events, and of the image column for connections (the Defender tables document them as the
 *   file name of the process image or file); in the sentinel schema `Type` = the table name (Log
 *   Analytics writes it there).
 * - Other keys of the event are not telemetry of this table and are dropped.
 *
 * An `asim` profile reads ASIM parser functions (`_Im_ProcessCreate`, `_Im_FileEvent`,
 * `_Im_NetworkSession`; asim-tables.ts) instead: the row is the parser's output row, every declared
 * column present as above, canonical fields under the profile's columns as above (`DstPortNumber`,
 * int, from plain-decimal strings only), and by construction: `TimeGenerated`, `EventStartTime` and
 * `EventEndTime` the event's instant (one event per record); `EventCount` 1; the facts of
 * ASIM_FACTS (`EventType`, `EventSchema`, `EventResult`, for connections `NetworkDirection`
 * "Outbound"); each alias of ASIM_DERIVED the value of the field it aliases (`Dvc` = `DvcHostname`,
 * `User` = `TargetUsername` for processes, …), and each file-name field the last path component of
 * its path field (`TargetProcessFilename`, `ActingProcessFilename`, `TargetFileName`, `FileName`).
 * Nothing else is known: `Type` (the parser's source table), ids and product names stay `""`.
 *
 * A Kubernetes audit event (`k8s_audit`) is a row of sentinel's `AKSAuditAdmin` (aks-tables.ts):
 * every column present as above; a field the profile maps to a path inside a dynamic column
 * (column-path.ts: `ObjectRef.resource`, `RequestObject.spec.containers[0].image`) is written at
 * that path, the bags and arrays on the way created (`ObjectRef` = `{"resource": "pods",
 * "namespace": "shop"}`, `RequestObject` = `{"spec": {"containers": [{"image": "evil/app:1"}]}}`),
 * and an absent value is not written (the dynamic column stays null, or its bag lacks the member:
 * `tostring` reads "" either way); by construction `Type` = "AKSAuditAdmin" and `TimeGenerated`,
 * `RequestReceivedTime`, `StageReceivedTime` the event's instant (one audit event per record).
 * Nothing else is known: `Level`, `Stage`, `AuditId`, the response and the user's other members stay
 * `""` or null.
 */
import { createHash } from 'node:crypto';
import type { CanonicalField, LogsourceCategory } from '../../model/types.js';
import type { CanonicalEvent } from '../../ir/evaluate.js';
import type { Row } from '../evaluation.js';
import type { KqlProfile } from './profiles.js';
import type { ProfileView } from '../types.js';
import { fieldPairs } from '../fields.js';
import { kqlSourceOf } from './tables.js';
import { ASIM_DERIVED, ASIM_FACTS } from './asim-tables.js';
import { columnPathOf, type ColumnPathStep } from './column-path.js';

export type KqlColumnType = 'string' | 'long' | 'int' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';
export type KqlColumns = readonly (readonly [string, KqlColumnType])[];

/**
 * The sources (name → columns) a profile's queries read and are run against: the tables of its
 * schema set, or its tabular functions (the ASIM parsers), that `profile.tables` names.
 */
export function kqlTablesOf(profile: KqlProfile | ProfileView<KqlProfile>): ReadonlyMap<string, KqlColumns> {
  const out = new Map<string, KqlColumns>();
  for (const table of Object.values(profile.tables)) {
    if (table === undefined) continue;
    const source = kqlSourceOf(profile.schemaSet, table);
    if (!source) throw new Error(`kql profile ${profile.id}: no schema for table ${table}`);
    out.set(table, source.columns);
  }
  return out;
}

/**
 * What a row states by construction, per log source. A Device table's row: its ActionType, and which
 * canonical fields give the `FileName` and `InitiatingProcessFileName` columns (the last path
 * component). A Kubernetes audit row (AKSAuditAdmin): its time columns (auditRow).
 */
type RowFacts =
  | { readonly kind: 'device'; readonly action: string; readonly fileName: CanonicalField; readonly initiatingFileName: CanonicalField }
  | { readonly kind: 'audit' };

const BY_CATEGORY: Readonly<Record<LogsourceCategory, RowFacts>> = {
  process_creation: { kind: 'device', action: 'ProcessCreated', fileName: 'Image', initiatingFileName: 'ParentImage' },
  file_event: { kind: 'device', action: 'FileCreated', fileName: 'TargetFilename', initiatingFileName: 'Image' },
  network_connection: { kind: 'device', action: 'ConnectionSuccess', fileName: 'Image', initiatingFileName: 'Image' },
  k8s_audit: { kind: 'audit' },
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

/** How a row holds one canonical field: in a column, or at a path inside a dynamic column. */
interface Pair {
  readonly canonical: CanonicalField;
  readonly column: string;
  /** Steps inside the dynamic column (column-path.ts); empty for a field held by the column itself. */
  readonly steps: readonly ColumnPathStep[];
  /** The cell (or, at a path, the value) holding a canonical value; undefined writes nothing. */
  readonly write: (v: unknown) => unknown;
}

interface Template {
  readonly table: string;
  /** A table of the schema set (a Device or audit table), or a tabular function (an ASIM parser). */
  readonly kind: 'table' | 'function';
  readonly empty: Readonly<Record<string, unknown>>;
  readonly pairs: readonly Pair[];
  readonly columns: ReadonlySet<string>;
}

/** The model's whole number (src/ir/evaluate.ts numeq): plain decimal as telemetry writes it, no sign, no leading zero. */
const WHOLE_NUMBER = /^(?:0|[1-9][0-9]{0,14})$/;

const INTEGER_RANGE: Readonly<Partial<Record<KqlColumnType, readonly [number, number]>>> = {
  int: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** How a column of this type holds a canonical value (a string, or absent). */
function cellWriter(type: KqlColumnType, where: string): (v: unknown) => unknown {
  if (type === 'string') return (v) => (typeof v === 'string' ? v : '');
  const range = INTEGER_RANGE[type];
  if (!range) throw new Error(`${where}: a canonical field cannot map to a ${type} column`);
  const [lo, hi] = range;
  return (v) => {
    if (typeof v !== 'string' || !WHOLE_NUMBER.test(v)) return null;
    const n = Number(v);
    return n >= lo && n <= hi ? n : null;
  };
}

const templates = new Map<string, Template>();

function templateOf(profile: ProfileView<KqlProfile>): Template {
  const key = `${profile.id}\u0000${profile.category}`;
  let t = templates.get(key);
  if (!t) {
    const table = profile.tables[profile.category];
    const source = table === undefined ? undefined : kqlSourceOf(profile.schemaSet, table);
    if (!table || !source) throw new Error(`kql profile ${profile.id}: no table schema for ${profile.category}`);
    const { columns, kind } = source;
    const empty: Record<string, unknown> = {};
    for (const [name, type] of columns) empty[name] = type === 'string' ? '' : null;
    const types = new Map(columns);
    const pairs = fieldPairs(profile.fields).map(([canonical, value]): Pair => {
      const { column, steps } = columnPathOf(value);
      const type = types.get(column);
      if (!type) throw new Error(`kql profile ${profile.id}: field ${canonical} maps to ${value}, but ${column} is not a column of ${table}`);
      if (!steps.length) return { canonical, column, steps, write: cellWriter(type, `kql profile ${profile.id}: ${canonical} → ${table}.${column}`) };
      if (type !== 'dynamic') throw new Error(`kql profile ${profile.id}: field ${canonical} maps to ${value}, a path inside ${column}, which is a ${type} column`);
      // Inside a dynamic column a canonical value is the string it is; an absent one is not written.
      return { canonical, column, steps, write: (v) => (typeof v === 'string' ? v : undefined) };
    });
    t = { table, kind, empty, pairs, columns: new Set(types.keys()) };
    templates.set(key, t);
  }
  return t;
}

/** The event's instant, or null when `_time` is missing or unparsable. */
function instantOf(event: CanonicalEvent): Date | null {
  const time = event._time;
  const ms = typeof time === 'string' ? Date.parse(time) : time instanceof Date ? time.getTime() : Number.NaN;
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The row of the profile's table for a canonical event, as the profile's telemetry would hold it. */
export function kqlRow(event: CanonicalEvent, profile: ProfileView<KqlProfile>): Row {
  const t = templateOf(profile);
  if (t.kind === 'function') return asimRow(event, t);
  const facts = BY_CATEGORY[profile.category];
  return facts.kind === 'device' ? deviceRow(event, profile, facts, t) : auditRow(event, t);
}

/**
 * Writes the event's canonical fields into the row: a column's cell, or the value at a path inside a
 * dynamic column, the bags and arrays on the way created as needed (earlier array slots a path skips
 * hold null). Paths of one column share its bags (ObjectRef.resource and ObjectRef.namespace).
 */
function writeFields(row: Record<string, unknown>, event: CanonicalEvent, pairs: readonly Pair[]): void {
  for (const { canonical, column, steps, write } of pairs) {
    const v = write(Object.hasOwn(event, canonical) ? event[canonical] : undefined);
    if (!steps.length) {
      row[column] = v;
      continue;
    }
    if (v === undefined) continue;
    let parent: Record<string | number, unknown> = row;
    let key: string | number = column;
    for (const step of steps) {
      const array = 'index' in step;
      let next = parent[key];
      if (next === null || next === undefined) parent[key] = next = array ? [] : {};
      if (typeof next !== 'object' || Array.isArray(next) !== array) throw new Error(`internal: ${canonical} → ${column}: a path into a ${Array.isArray(next) ? 'list' : typeof next} where another path wrote`);
      if (array) {
        const list = next as unknown[];
        while (list.length < step.index) list.push(null);
        key = step.index;
      } else key = step.member;
      parent = next as Record<string | number, unknown>;
    }
    parent[key] = v;
  }
}

/** A Device table's row (defender, sentinel). */
function deviceRow(event: CanonicalEvent, profile: ProfileView<KqlProfile>, facts: Extract<RowFacts, { kind: 'device' }>, { table, empty, pairs, columns }: Template): Row {
  const row: Record<string, unknown> = { ...empty };
  row.ActionType = facts.action;
  if (columns.has('Type')) row.Type = table;
  writeFields(row, event, pairs);
  const instant = instantOf(event);
  for (const c of TIME_COLUMNS) if (columns.has(c)) row[c] = instant === null ? null : new Date(instant.getTime());
  const host = typeof event.Host === 'string' ? event.Host : '';
  row.DeviceName = host;
  row.DeviceId = sha1(`DeviceId:${host}`);
  row.ReportId = parseInt(sha1(`ReportId:${canonicalJson(event)}`).slice(0, 12), 16);
  const file = profile.fields[facts.fileName];
  if (file && columns.has('FileName') && typeof row[file] === 'string') row.FileName = baseName(row[file] as string);
  const initiating = profile.fields[facts.initiatingFileName];
  if (initiating && typeof row[initiating] === 'string') row.InitiatingProcessFileName = baseName(row[initiating] as string);
  return row;
}

/**
 * The instant columns of a Kubernetes audit row (AKSAuditAdmin): the event's time, and, one audit
 * event per record, the times the API server received the request and reached the event's stage.
 */
const AUDIT_TIME_COLUMNS = ['TimeGenerated', 'RequestReceivedTime', 'StageReceivedTime'] as const;

/** A Kubernetes audit table's row (sentinel's AKSAuditAdmin). */
function auditRow(event: CanonicalEvent, { table, empty, pairs, columns }: Template): Row {
  const row: Record<string, unknown> = { ...empty };
  if (columns.has('Type')) row.Type = table;
  writeFields(row, event, pairs);
  const instant = instantOf(event);
  for (const c of AUDIT_TIME_COLUMNS) if (columns.has(c)) row[c] = instant === null ? null : new Date(instant.getTime());
  return row;
}

/** The event's instant columns of an ASIM parser's row: one event per record. */
const ASIM_TIME_COLUMNS = ['TimeGenerated', 'EventStartTime', 'EventEndTime'] as const;

/** An ASIM parser's output row (asim). */
function asimRow(event: CanonicalEvent, { table, empty, pairs, columns }: Template): Row {
  const row: Record<string, unknown> = { ...empty };
  const set = (column: string, value: unknown) => {
    if (!columns.has(column)) throw new Error(`internal: ${table} has no column ${column}`);
    row[column] = value;
  };
  for (const [column, value] of Object.entries(ASIM_FACTS[table] ?? {})) set(column, value);
  set('EventCount', 1);
  writeFields(row, event, pairs);
  const instant = instantOf(event);
  for (const c of ASIM_TIME_COLUMNS) set(c, instant === null ? null : new Date(instant.getTime()));
  const derived = ASIM_DERIVED[table];
  if (derived) {
    for (const [alias, field] of Object.entries(derived.aliases)) set(alias, row[field]);
    for (const [name, path] of Object.entries(derived.fileNames)) set(name, typeof row[path] === 'string' ? baseName(row[path] as string) : '');
  }
  return row;
}
