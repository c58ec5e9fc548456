/**
 * Reading an export: the file's records, each a map column → value as the export holds it (text
 * from CSV, JSON types from JSON), with the line it starts on. Which shape a file has is read from
 * its content (never its name):
 *
 * Splunk (search results)
 * - `splunk-export`: the search/jobs/export endpoint with `output_mode=json` (and Splunk Web's
 *   JSON export), one object per line: `{"preview":false,"offset":0,"result":{"_time":
 *   "2024-04-30T10:00:00.000+00:00","host":…}}`; a multivalue field is an array. Lines with
 *   `"preview":true` (partial results a final set replaces) and lines without `result` (the
 *   `{"preview":false,"lastrow":true}` marker, `messages`) are skipped. Splunk REST API Reference,
 *   search/jobs/export (docs.splunk.com/Documentation/Splunk/latest/RESTREF/RESTsearch); Search
 *   Manual, "Export data using the Splunk REST API"
 *   (help.splunk.com/…/export-search-results/export-data-using-the-splunk-rest-api).
 * - `json-array`: a JSON array of result objects (or of the same `{"result":…}` lines), as UI and
 *   SDK exports save them.
 * - `splunk-results`: `{"preview":false,"init_offset":0,"messages":[],"fields":[…],"results":[…]}`,
 *   search/jobs/{sid}/results with `output_mode=json`.
 *
 * Microsoft Defender / Sentinel (Advanced Hunting, Log Analytics)
 * - `advanced-hunting-api`: `{"Schema":[{"Name":"Timestamp","Type":"DateTime"},…],"Results":[{…}]}`,
 *   the Defender advanced hunting API (POST api/advancedqueries/run; "Advanced hunting API",
 *   learn.microsoft.com/defender-endpoint/api/run-advanced-query-api), and the same with
 *   `schema`/`results` (and `name`/`type`) from Microsoft Graph security `runHuntingQuery`
 *   (learn.microsoft.com/graph/api/security-security-runhuntingquery). The Schema gives the columns
 *   and their order; values are converted by the table's column types (convert.ts), not by the
 *   Schema's .NET type names.
 * - `log-analytics-api`: `{"tables":[{"name":"PrimaryResult","columns":[{"name":…,"type":…}],
 *   "rows":[[…]]}]}`, the Azure Monitor Log Analytics query API ("Azure Monitor Log Analytics API
 *   response format", learn.microsoft.com/azure/azure-monitor/logs/api/response-format); every
 *   table's rows are read.
 * - `json-array`: a JSON array of row objects.
 *
 * Both
 * - `csv`: a header row naming the columns, then one record per row (csv.ts). A header cell
 *   `Name [UTC]` (the Azure portal's CSV download: `"TimeGenerated [UTC]"`) names column `Name`.
 */
import { readFileSync } from 'node:fs';
import { csvRows, CsvSyntaxError } from '../backends/csv.js';
import { parseLocatedJson, JsonSyntaxError } from './json.js';

export type ExportShape = 'splunk-export' | 'splunk-results' | 'json-array' | 'advanced-hunting-api' | 'log-analytics-api' | 'csv';

export interface ExportRecord {
  /** The 1-based line the record starts on. */
  readonly line: number;
  readonly cells: Readonly<Record<string, unknown>>;
}

export interface ExportFile {
  /** The file as named on the command line. */
  readonly file: string;
  readonly shape: ExportShape;
  /** Values are text (CSV): an empty cell is an empty value, never a JSON null. */
  readonly text: boolean;
  /** The columns the export declares (a header, a Schema), or the keys its records use, in order. */
  readonly columns: readonly string[];
  readonly records: readonly ExportRecord[];
  /** Lines skipped as not being results (previews, markers), with why. */
  readonly skipped: number;
}

/** Input the replay cannot read: one line per problem, `FILE:line: …`. */
export class ReplayInputError extends Error {
  constructor(readonly problems: readonly { readonly file: string; readonly line?: number; readonly message: string }[]) {
    super(problems.map((p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`).join('\n'));
    this.name = 'ReplayInputError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A header cell `TimeGenerated [UTC]` names column `TimeGenerated`. */
export function columnName(header: string): string {
  return header.replace(/\s*\[UTC\]$/i, '');
}

function record(line: number, entries: Iterable<readonly [string, unknown]>): ExportRecord {
  const cells: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(cells, k, { value: v, enumerable: true, writable: true, configurable: true });
  return { line, cells };
}

function keysInOrder(records: readonly ExportRecord[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.cells)) seen.add(k);
  return [...seen];
}

export function readExportFile(path: string, displayName = path): ExportFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReplayInputError([{ file: displayName, message: `cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : ((e as Error).message ?? code)})` }]);
  }
  return parseExport(text, displayName);
}

/** Read an export's text (see the file comment for the shapes). */
export function parseExport(text: string, file: string): ExportFile {
  const body = text.replace(/^\uFEFF/, '');
  const first = /\S/.exec(body);
  if (!first) return { file, shape: 'csv', text: true, columns: [], records: [], skipped: 0 };
  if (first[0] === '[' || first[0] === '{') return parseJsonExport(body, file);
  return parseCsvExport(body, file);
}

function parseCsvExport(text: string, file: string): ExportFile {
  let rows;
  try {
    rows = csvRows(text, { skipBlankLines: true });
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new ReplayInputError([{ file, line: e.line, message: `not CSV: ${e.message}` }]);
    throw e;
  }
  const [header, ...data] = rows;
  if (!header) return { file, shape: 'csv', text: true, columns: [], records: [], skipped: 0 };
  const columns = header.cells.map(columnName);
  const problems: { file: string; line: number; message: string }[] = [];
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) problems.push({ file, line: header.line, message: `the header names column ${dup} twice` });
  const records: ExportRecord[] = [];
  for (const r of data) {
    if (r.cells.length !== columns.length) {
      problems.push({ file, line: r.line, message: `${r.cells.length} cell(s), but the header names ${columns.length} column(s)` });
      continue;
    }
    records.push(record(r.line, columns.map((c, i) => [c, r.cells[i]] as const)));
  }
  if (problems.length) throw new ReplayInputError(problems);
  return { file, shape: 'csv', text: true, columns, records, skipped: 0 };
}

/** A Splunk export line or array element: `{"preview":…,"result":{…}}`, or a result object itself. */
function splunkLine(v: unknown): { result?: Record<string, unknown>; skip: boolean } {
  if (!isObject(v)) return { skip: false };
  const wrapped = Object.hasOwn(v, 'result') || Object.hasOwn(v, 'preview') || Object.hasOwn(v, 'lastrow');
  if (!wrapped) return { result: v, skip: false };
  if (own(v, 'preview') === true) return { skip: true };
  const result = own(v, 'result');
  if (result === undefined) return { skip: true };
  return isObject(result) ? { result, skip: false } : { skip: false };
}

function parseJsonExport(text: string, file: string): ExportFile {
  let parsed;
  try {
    parsed = parseLocatedJson(text, { whole: true });
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    // One JSON object per line (search/jobs/export): read line by line.
    if (text.trimStart().startsWith('{')) return parseJsonLines(text, file);
    throw new ReplayInputError([{ file, line: e.line, message: `not JSON: ${e.message}` }]);
  }
  const { value, elementLines } = parsed;
  const linesOf = (arr: unknown[]) => elementLines.get(arr) ?? arr.map(() => 1);
  const problems: { file: string; line: number; message: string }[] = [];
  const notARow = (line: number, what: string) => problems.push({ file, line, message: `${what} is not a row (an object of column: value)` });

  if (Array.isArray(value)) {
    const lines = linesOf(value);
    const records: ExportRecord[] = [];
    let skipped = 0;
    value.forEach((el, i) => {
      const { result, skip } = splunkLine(el);
      if (skip) skipped++;
      else if (!result) notARow(lines[i]!, `element ${i + 1} of the array`);
      else records.push(record(lines[i]!, Object.entries(result)));
    });
    if (problems.length) throw new ReplayInputError(problems);
    return { file, shape: 'json-array', text: false, columns: keysInOrder(records), records, skipped };
  }
  if (!isObject(value)) throw new ReplayInputError([{ file, line: 1, message: 'a JSON export is an array of rows or an object holding them (Results, results, tables)' }]);

  // Advanced hunting: {"Schema":[{"Name","Type"}],"Results":[{…}]} (Graph: schema/results, name/type);
  // Splunk search/jobs/{sid}/results: {"fields":[…],"results":[…]}.
  const results = own(value, 'Results') ?? own(value, 'results');
  const schema = own(value, 'Schema') ?? own(value, 'schema');
  if (Array.isArray(results)) {
    const lines = linesOf(results);
    const records: ExportRecord[] = [];
    results.forEach((el, i) => (isObject(el) ? records.push(record(lines[i]!, Object.entries(el))) : notARow(lines[i]!, `result ${i + 1}`)));
    if (problems.length) throw new ReplayInputError(problems);
    if (!Array.isArray(schema)) return { file, shape: 'splunk-results', text: false, columns: keysInOrder(records), records, skipped: 0 };
    const declared = schema.map((s) => (isObject(s) ? own(s, 'Name') ?? own(s, 'name') : undefined)).filter((n): n is string => typeof n === 'string');
    const columns = [...declared, ...keysInOrder(records).filter((k) => !declared.includes(k))];
    return { file, shape: 'advanced-hunting-api', text: false, columns, records, skipped: 0 };
  }
  // Log Analytics query API: {"tables":[{"name","columns":[{"name","type"}],"rows":[[…]]}]}.
  const tables = own(value, 'tables');
  if (Array.isArray(tables)) {
    const records: ExportRecord[] = [];
    const columns: string[] = [];
    for (const t of tables) {
      if (!isObject(t)) continue;
      const cols = own(t, 'columns');
      const rows = own(t, 'rows');
      if (!Array.isArray(cols) || !Array.isArray(rows)) continue;
      const names = cols.map((c) => (isObject(c) ? own(c, 'name') : undefined));
      if (names.some((n) => typeof n !== 'string')) throw new ReplayInputError([{ file, line: 1, message: 'a table of "tables" has a column without a name' }]);
      for (const n of names as string[]) if (!columns.includes(n)) columns.push(n);
      const lines = linesOf(rows);
      rows.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== names.length) {
          problems.push({ file, line: lines[i]!, message: `row ${i + 1} is not an array of ${names.length} value(s), one per column` });
          return;
        }
        records.push(record(lines[i]!, (names as string[]).map((n, j) => [n, row[j]] as const)));
      });
    }
    if (problems.length) throw new ReplayInputError(problems);
    return { file, shape: 'log-analytics-api', text: false, columns, records, skipped: 0 };
  }
  // A single Splunk export line, or a single result object.
  const { result, skip } = splunkLine(value);
  if (skip) return { file, shape: 'splunk-export', text: false, columns: [], records: [], skipped: 1 };
  if (result && result !== value) return { file, shape: 'splunk-export', text: false, columns: Object.keys(result), records: [record(1, Object.entries(result))], skipped: 0 };
  throw new ReplayInputError([{ file, line: 1, message: 'a JSON export is an array of rows, one {"result":…} object per line, or an object with Results, results or tables' }]);
}

function parseJsonLines(text: string, file: string): ExportFile {
  const records: ExportRecord[] = [];
  const problems: { file: string; line: number; message: string }[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = parseLocatedJson(raw, { firstLine: i + 1, whole: true }).value;
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      problems.push({ file, line: i + 1, message: `not JSON: ${e.message}` });
      return;
    }
    const { result, skip } = splunkLine(v);
    if (skip) skipped++;
    else if (!result) problems.push({ file, line: i + 1, message: 'not a row (an object of field: value, or {"result":{…}})' });
    else records.push(record(i + 1, Object.entries(result)));
  });
  if (problems.length) throw new ReplayInputError(problems);
  return { file, shape: 'splunk-export', text: false, columns: keysInOrder(records), records, skipped };
}
