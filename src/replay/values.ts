/**
 * Exported values → what the evaluators read (src/backends/evaluation.ts): Splunk rows hold strings
 * and numbers with `_time` in epoch seconds (src/backends/spl/rows.ts); KQL rows hold each column in
 * its Kusto type (strings, numbers, booleans, `Date`s, parsed JSON for dynamic columns;
 * src/backends/kql/rows.ts). A value that cannot be read is a `ValueProblem`, reported as one line
 * naming the file, line and column; it is never guessed.
 *
 * Times (`parseTime`): ISO 8601 (`2026-11-20T10:00:00Z`, `2026-11-20 10:00:00.123+00:00`,
 * `…+0000`, fractions of any length, cut to milliseconds; a date alone is its midnight) or epoch
 * seconds (`1795168800`, `1795168800.5`). A time written without an offset is read as UTC: Advanced
 * Hunting states its times in UTC ("Time information in advanced hunting is in the UTC zone",
 * learn.microsoft.com/training/modules/mitigate-incidents-microsoft-365-defender/8-explore-advanced-hunting),
 * Splunk's exports write `_time` with its offset (`2024-04-30T10:00:00.000+00:00` in
 * search/jobs/export output), and a trailing ` GMT`/` UTC` names UTC. Besides, the Azure portal's
 * CSV download writes times in its display form under a `<column> [UTC]` header
 * (`"TimeGenerated [UTC]"` … `"2/25/2025, 9:19:25.391 AM"`), so `M/D/YYYY, h:mm:ss[.fff] AM|PM` is read
 * as UTC too; the ` [UTC]` suffix is dropped from the column name (read.ts).
 */
import type { KqlColumnType } from '../backends/kql/rows.js';

/** Why a value cannot be read: `column <name>: <what>`, located by the caller. */
export class ValueProblem extends Error {
  constructor(
    readonly column: string,
    readonly what: string,
  ) {
    super(`column ${column}: ${what}`);
    this.name = 'ValueProblem';
  }
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:\s*(Z|z|[+-]\d{2}(?::?\d{2})?|UTC|GMT))?$/;
const PORTAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*([AaPp][Mm])$/;
const EPOCH = /^-?\d+(?:\.\d+)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Milliseconds from a fraction's digits, cut (not rounded) to whole milliseconds. */
function fractionMs(digits: string | undefined): number {
  return digits ? Number(digits.slice(0, 3).padEnd(3, '0')) : 0;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return Number.isNaN(t) ? undefined : t;
}

/** Epoch milliseconds of a time text, or undefined when it is not one (see the file comment). */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (EPOCH.test(t)) {
    const ms = Math.round(Number(t) * 1000);
    return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined;
  }
  let m = ISO.exec(t);
  if (m) {
    const base = utc(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), fractionMs(m[7]));
    if (base === undefined) return undefined;
    const zone = m[8];
    if (!zone || /^(?:z|utc|gmt)$/i.test(zone)) return base;
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const minutes = +z[2]! * 60 + +(z[3] ?? 0);
    if (+z[2]! > 23 || +(z[3] ?? 0) > 59) return undefined;
    return base - (z[1] === '+' ? 1 : -1) * minutes * 60_000;
  }
  m = PORTAL.exec(t);
  if (m) {
    let h = +m[4]!;
    if (h < 1 || h > 12) return undefined;
    const pm = m[8]!.toLowerCase() === 'pm';
    h = (h % 12) + (pm ? 12 : 0);
    return utc(+m[3]!, +m[1]!, +m[2]!, h, +m[5]!, +m[6]!, fractionMs(m[7]));
  }
  return undefined;
}

const NOT_A_TIME = 'is not a time (ISO 8601 or epoch seconds)';

function quoted(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A time cell (text, or a JSON number of epoch seconds) → epoch milliseconds. */
export function timeOf(column: string, v: unknown): number {
  const ms = typeof v === 'number' ? (Number.isFinite(v) ? Math.round(v * 1000) : undefined) : typeof v === 'string' ? parseTime(v) : undefined;
  if (ms === undefined) throw new ValueProblem(column, `${quoted(v)} ${NOT_A_TIME}`);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Splunk

/**
 * A Splunk field value as the SPL evaluator reads it, or `undefined` for NULL (the key is left
 * out). `text` says the export holds text only (CSV), where an empty cell is a field the event does
 * not have; in JSON a missing key or `null` is, and `""` is a value. The time field becomes epoch
 * seconds. JSON numbers stay numbers and arrays of strings and numbers are multivalue fields (the
 * export's JSON writes a multivalue field as an array); a JSON boolean or object is no Splunk value.
 */
export function splValue(column: string, v: unknown, opts: { text: boolean; timeField: string }): string | number | (string | number)[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (opts.text && v === '') return undefined;
  if (column === opts.timeField) return timeOf(column, v) / 1000;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) {
    const values: (string | number)[] = [];
    for (const x of v) {
      if (typeof x === 'string' || typeof x === 'number') values.push(x);
      else if (x !== null) throw new ValueProblem(column, `${quoted(v)} is not a Splunk field value (a multivalue field holds strings and numbers)`);
    }
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  }
  throw new ValueProblem(column, `${quoted(v)} is not a Splunk field value (text, a number, or a list of them)`);
}

// ---------------------------------------------------------------------------------------------
// KQL

const INT_RANGE: Readonly<Partial<Record<KqlColumnType, readonly [number, number]>>> = {
  int: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const TIMESPAN = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/**
 * A cell of a KQL column of type `type` as the evaluator holds it. `text` says the export holds
 * text (CSV): an empty cell is `""` in a string column and null in any other. From JSON, null is
 * `""` in a string column and null elsewhere; a string column takes any scalar's text and an
 * object's JSON text; other columns take their JSON type or its text form.
 */
export function kqlValue(column: string, type: KqlColumnType, v: unknown, opts: { text: boolean }): unknown {
  if (type === 'string') {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }
  if (v === null || v === undefined || (typeof v === 'string' && v === '')) return null;
  switch (type) {
    case 'int':
    case 'long': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
      if (!Number.isInteger(n)) throw new ValueProblem(column, `${quoted(v)} is not a whole number (${type} column)`);
      const [lo, hi] = INT_RANGE[type]!;
      if (n < lo || n > hi) throw new ValueProblem(column, `${quoted(v)} is outside the range of an ${type} column`);
      return n;
    }
    case 'real': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
      if (!Number.isFinite(n)) throw new ValueProblem(column, `${quoted(v)} is not a number (real column)`);
      return n;
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      const s = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' ? String(v) : '';
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw new ValueProblem(column, `${quoted(v)} is not a boolean (true or false)`);
    }
    case 'datetime':
      return new Date(timeOf(column, v));
    case 'timespan': {
      const m = typeof v === 'string' ? TIMESPAN.exec(v.trim()) : null;
      if (!m || +m[4]! > 59 || +m[5]! > 59 || +m[3]! > 23) throw new ValueProblem(column, `${quoted(v)} is not a timespan ([d.]hh:mm:ss[.fffffff])`);
      const ms = ((+(m[2] ?? 0) * 24 + +m[3]!) * 60 + +m[4]!) * 60_000 + +m[5]! * 1000 + fractionMs(m[6]);
      return m[1] ? -ms : ms;
    }
    case 'dynamic': {
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        // CSV holds a dynamic value as its JSON text; in JSON a string is a string value unless it is JSON text.
        if (opts.text) throw new ValueProblem(column, `${quoted(v)} is not JSON (dynamic column)`);
        return v;
      }
    }
  }
}
