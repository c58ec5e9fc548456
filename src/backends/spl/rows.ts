/**
 * The Splunk event for a canonical event: what Sysmon for Linux (sourcetype `sysmon:linux`; EventID
 * 1 process creation, 3 network connection, 11 file creation) would put in Splunk, as the SPL
 * evaluator (evaluate.ts) reads it. Every value is a string as the add-on extracts it: a network
 * connection's DestinationPort is the text "2375", which eval compares numerically with 2375.
 *
 * In Splunk an event is a map of field → value (string or number); **a key that is absent means
 * NULL** (semantics.md §1.5: "absent key = NULL; `""` is a value"). So:
 *
 * - each canonical field the profile carries is written under the profile's field name
 *   (`profile.fields`);
 * - a canonical value that is absent in the model's sense (missing, null or `""`) is written as the
 *   profile's placeholder, because Sysmon for Linux writes `-` for a missing value (for example the
 *   ParentImage of a process whose parent is gone); any other value (a placeholder included) is
 *   written as it is. With `absent: 'null'` (or a profile without placeholders) an absent value is
 *   a missing key instead, the event a source that writes nothing would give; the emitted query must
 *   treat both the same;
 * - `_time` becomes epoch seconds (a number; Splunk stores `_time` so, and `sort -_time` orders it
 *   numerically), `FIXED_TIME` when the event has none or it does not parse; `host` is kept;
 * - the `field=value` terms of the profile's base search for the log source (its macro, expanded:
 *   `index=main sourcetype="sysmon:linux" EventID=1` for the bundled profile) are set, so that the
 *   search selects the event — a profile of yours that keeps its events in another index gets rows in
 *   that index;
 * - other keys of the canonical event are not telemetry and are dropped.
 *
 * A log source the profile reads from a data model (`dataModels`, source.ts; the bundled `cim`)
 * gets the row the data model holds for the event instead, which is what tstats reads:
 *
 * - `datamodel` (DATASET_KEY) names the dataset the event belongs to (`Endpoint.Processes`): the
 *   dataset's constraints (its tags) chose it, and `from datamodel=<dataset>` reads only its rows;
 * - `_time` as above, and each canonical field the profile carries under the dataset's field name
 *   (`Processes.process`);
 * - an absent value is the profile's placeholder (default: the CIM's own calculations write
 *   "unknown" for a missing dest, user, process…), or, with `absent: 'null'`, no key: then tstats
 *   writes its fillnull_value for it, the same placeholder, so the query reads both alike.
 */
import type { CanonicalField } from '../../model/types.js';
import type { CanonicalEvent } from '../../ir/evaluate.js';
import type { Row } from '../evaluation.js';
import type { SplProfile } from './profiles.js';
import type { ProfileView } from '../types.js';
import { fieldPairs } from '../fields.js';

/** The key of a data-model row that names its dataset (`Endpoint.Processes`). */
export const DATASET_KEY = 'datamodel';

/** `_time` of an event that has none: 2026-11-20T10:00:00Z. */
export const FIXED_TIME = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;

export interface SplRowOptions {
  /** How an absent canonical value is written: the profile's placeholder (default), or no key (NULL). */
  readonly absent?: 'placeholder' | 'null';
}

interface Mapping {
  readonly pairs: readonly (readonly [CanonicalField, string])[];
  readonly placeholder: string | undefined;
  /** The `field=value` terms of the base search, which every event of the log source carries. */
  readonly selectors: readonly (readonly [string, string])[];
  /** The data model dataset the log source is read from, if it is. */
  readonly dataModel: string | undefined;
}

/** The base search's macro expanded through the profile's macros, then its `field=value` terms. */
function selectorsOf(profile: ProfileView<SplProfile>): [string, string][] {
  const macros = new Map(profile.macros.map((m) => [m.name, m.definition]));
  let text = `\`${profile.baseSearch?.[profile.category] ?? ''}\``;
  for (let depth = 0; depth < 16 && text.includes('`'); depth++) text = text.replace(/`([^`]*)`/g, (_m, name: string) => macros.get(name) ?? '');
  const out: [string, string][] = [];
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|([^\s()"*]+))(?=\s|$)/g))
    out.push([m[1]!, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!]);
  return out;
}

const mappings = new Map<string, Mapping>();

function mappingOf(profile: ProfileView<SplProfile>): Mapping {
  const key = `${profile.id}\u0000${profile.category}`;
  let m = mappings.get(key);
  if (!m) {
    const pairs = fieldPairs(profile.fields);
    const dataModel = profile.dataModels?.[profile.category];
    m = { pairs, placeholder: profile.placeholders[0], selectors: dataModel === undefined ? selectorsOf(profile) : [], dataModel };
    mappings.set(key, m);
  }
  return m;
}

function epochSeconds(t: unknown): number {
  if (typeof t === 'number' && Number.isFinite(t)) return t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  return FIXED_TIME;
}

function put(row: Record<string, unknown>, key: string, value: unknown): void {
  // A field called __proto__ must become an own property, not the prototype.
  if (key === '__proto__') Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}

export function splRow(event: CanonicalEvent, profile: ProfileView<SplProfile>, opts: SplRowOptions = {}): Row {
  const { pairs, placeholder, selectors, dataModel } = mappingOf(profile);
  const absent = opts.absent === 'null' ? undefined : placeholder;
  const row: Record<string, unknown> = {};
  if (dataModel !== undefined) put(row, DATASET_KEY, dataModel);
  put(row, profile.timeField, epochSeconds(Object.hasOwn(event, '_time') ? event._time : undefined));
  const host = Object.hasOwn(event, 'Host') ? event.Host : undefined;
  if (dataModel === undefined && profile.hostField !== undefined && typeof host === 'string' && host !== '') put(row, profile.hostField, host);
  for (const [field, value] of selectors) put(row, field, value);
  for (const [canonical, target] of pairs) {
    const v = Object.hasOwn(event, canonical) ? event[canonical] : undefined;
    if (typeof v === 'string' && v !== '') put(row, target, v);
    else if (absent !== undefined) put(row, target, absent);
  }
  return row;
}
