/**
 * `t1612 test --events FILE --target spl|kql --profile P`: rows exported from Splunk or from
 * Defender / Sentinel replayed through the compiled rules and correlations of one target and
 * profile, with what would alert. Each query is the emitted text run by that target's evaluator
 * (src/backends/<target>/evaluate.ts); the IR is never consulted, except for a correlation's declared
 * level and action (which its query writes as constants) in the report.
 *
 * Which rows a query sees (routing):
 * - SPL: every row is offered to every rule and correlation. A rule's base search (its macro,
 *   `index=main sourcetype="sysmon:linux" EventID=1` for sysmon_linux) or its `tstats … from
 *   datamodel=…` decides which rows are its log source, exactly as in Splunk, where the index holds
 *   every event. Rows read from a data model (a profile with `dataModels`, cim) carry the dataset
 *   they belong to in `datamodel` (rows.ts DATASET_KEY); an export of data-model events that lacks
 *   it names the dataset by its fields' prefix (`Processes.process` → Endpoint.Processes: the
 *   dataset whose fields the profile maps, the one with the most such fields in the row).
 * - KQL: a rule query reads one table (or ASIM parser) and the evaluator does not check which table
 *   a row came from, so each row is given to the queries of the table(s) it is a row of, decided
 *   in this order: `--table T` (every row is a row of T); a `$table` column (Log Analytics `search`
 *   output names each row's table so); a `Type` column when the profile reads tables (Log Analytics
 *   writes the table name there; an ASIM parser's `Type` is its source table, so it is not used
 *   then); an `EventSchema` column for ASIM parsers (ProcessEvent, FileEvent, NetworkSession); else
 *   the export's columns: the one table of the profile that has every column the export declares;
 *   else, per row, every table of the profile that has every column the row holds a value in
 *   (non-empty). A row that fits several tables is offered to each of them (a note says so: pass
 *   --table); one that fits none, or whose `$table`/`Type` names a table the profile does not read,
 *   is replayed nowhere (a note says which lines).
 *
 * Values are converted per column (values.ts) with one line per unreadable value; every row needs
 * its time in the profile's time column (`_time`, `Timestamp`, `TimeGenerated`).
 */
import type { RuleIR } from '../ir/nodes.js';
import type { CorrelationIR } from '../ir/correlation.js';
import type { LogsourceCategory } from '../model/types.js';
import { targets, type TargetId } from '../backends/index.js';
import type { CompiledQuery, Row, StreamRow, TargetResult } from '../backends/evaluation.js';
import { categoriesOf, viewFor, type EmittedFile, type ProfileBase, type ProfileView } from '../backends/types.js';
import { compileRules, profilesOf } from '../compile.js';
import type { ProfileSet } from '../profiles/load.js';
import { correlationTelemetry, telemetryFor } from '../backends/telemetry.js';
import { prepareCorrelation } from '../testing/correlation-cases.js';
import type { SplProfile } from '../backends/spl/profiles.js';
import { DATASET_KEY } from '../backends/spl/rows.js';
import type { KqlProfile } from '../backends/kql/profiles.js';
import type { KqlColumnType } from '../backends/kql/rows.js';
import { kqlSourceOf } from '../backends/kql/tables.js';
import { ASIM_FACTS } from '../backends/kql/asim-tables.js';
import { ReplayInputError, type ExportFile, type ExportRecord } from './read.js';
import { kqlValue, parseTime, splValue, ValueProblem } from './values.js';

export type ReplayTarget = Extract<TargetId, 'spl' | 'kql'>;
export const REPLAY_TARGETS: readonly ReplayTarget[] = ['spl', 'kql'];

export interface ReplayOptions {
  readonly target: ReplayTarget;
  readonly profile: string;
  readonly extraProfiles?: ProfileSet;
  /** KQL: every row is a row of this table (or ASIM parser) of the profile. */
  readonly table?: string;
}

/** One result row of a rule, in the model's terms. */
export interface ReplayResult {
  /** ISO 8601 (UTC), or null when the result row carries no time. */
  readonly time: string | null;
  readonly host: string | null;
  readonly tier: string | null;
  readonly action: string | null;
  readonly score: number | null;
}

export interface ReplayChain {
  /** Canonical field → value (Host → "lab-01"). */
  readonly group: Readonly<Record<string, string>>;
  readonly chain_start: string;
  readonly chain_end: string;
}

export interface DetectionReplay {
  readonly detection: string;
  readonly kind: 'rule' | 'correlation';
  readonly results: readonly ReplayResult[];
  /** Correlations: the chains the query reports (each one result), with the declared level and action. */
  readonly chains?: readonly ReplayChain[];
  readonly level?: string;
  readonly action?: string;
  /** The evaluator could not run the query over these rows. */
  readonly error?: string;
}

export interface ReplayReport {
  readonly file: string;
  readonly shape: ExportFile['shape'];
  readonly target: ReplayTarget;
  readonly profile: string;
  readonly events: number;
  /** Every detection run, rules then correlations, each by name. */
  readonly detections: readonly DetectionReplay[];
  /** Detections the profile cannot run (compile skips them there), with why. */
  readonly notRun: readonly { readonly detection: string; readonly reason: string }[];
  /** How rows were routed where that needs saying (KQL), and lines skipped. */
  readonly notes: readonly string[];
  readonly summary: { readonly results: number; readonly detections: number; readonly alerts: number; readonly risk: number; readonly errors: number };
}

/** The rules and correlations to replay through (loaded by the caller). */
export interface ReplayDetections {
  readonly rules: readonly RuleIR[];
  readonly correlations: readonly CorrelationIR[];
}

const byName = <T extends { name: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A result row's time: epoch seconds (SPL), a Date (KQL), or text. */
function timeOfResult(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return isoOf(v * 1000);
  if (v instanceof Date && !Number.isNaN(v.getTime())) return isoOf(v.getTime());
  if (typeof v === 'string') {
    const ms = parseTime(v);
    return ms === undefined ? null : isoOf(ms);
  }
  return null;
}

/** A row key that may be `__proto__` becomes an own property. */
function put(row: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
}

function hostOf(row: Row, view: ProfileView | undefined): string | null {
  const column = view?.fields.Host;
  if (!column) return null;
  // Data-model queries rename `Processes.dest` to `dest`.
  for (const c of [column, column.slice(column.lastIndexOf('.') + 1)]) {
    const v = Object.hasOwn(row, c) ? row[c] : undefined;
    // A placeholder (Sysmon's `-`, the CIM's `unknown`) is the telemetry saying "no value".
    if (typeof v === 'string' && v !== '') return view!.placeholders.includes(v) ? null : v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

class Problems {
  private readonly seen = new Set<string>();
  readonly list: { file: string; line: number; message: string }[] = [];
  constructor(private readonly file: string) {}
  add(line: number, message: string): void {
    const key = `${line}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ file: this.file, line, message });
  }
  throwIfAny(): void {
    if (this.list.length) throw new ReplayInputError([...this.list].sort((a, b) => a.line - b.line));
  }
}

function linesText(lines: readonly number[]): string {
  const shown = lines.slice(0, 8).join(', ');
  return lines.length > 8 ? `${shown}, … (${lines.length} in all)` : shown;
}

// ---------------------------------------------------------------------------------------------
// Splunk rows

interface SplRows {
  readonly rows: readonly Row[];
  readonly notes: string[];
}

function splRows(file: ExportFile, profile: SplProfile, problems: Problems): SplRows {
  const notes: string[] = [];
  const timeField = profile.timeField;
  // Data-model datasets and the fields the profile maps in each.
  const datasets = categoriesOf(profile).flatMap((c) => {
    const dataset = profile.dataModels?.[c];
    return dataset ? [{ dataset, fields: new Set(Object.values(profile.fields[c] ?? {}) as string[]) }] : [];
  });
  const noDataset: number[] = [];
  const rows: Row[] = [];
  for (const r of file.records) {
    const row: Record<string, unknown> = {};
    for (const [column, raw] of Object.entries(r.cells)) {
      try {
        const v = splValue(column, raw, { text: file.text, timeField });
        if (v !== undefined) put(row, column, v);
      } catch (e) {
        if (e instanceof ValueProblem) problems.add(r.line, e.message);
        else throw e;
      }
    }
    const rawTime = Object.hasOwn(r.cells, timeField) ? r.cells[timeField] : undefined;
    if (!hasValue(rawTime))
      problems.add(r.line, `column ${timeField}: missing; every event needs its time (ISO 8601 or epoch seconds)`);
    if (datasets.length && !Object.hasOwn(row, DATASET_KEY)) {
      let best: { dataset: string; n: number } | undefined;
      for (const d of datasets) {
        const n = Object.keys(row).filter((k) => d.fields.has(k)).length;
        if (n > 0 && (!best || n > best.n)) best = { dataset: d.dataset, n };
      }
      if (best) put(row, DATASET_KEY, best.dataset);
      else noDataset.push(r.line);
    }
    rows.push(row);
  }
  if (noDataset.length)
    notes.push(`${noDataset.length} row(s) of ${file.file} carry no ${DATASET_KEY} and no field of a data model spl profile ${profile.id} reads, so no tstats query sees them (line(s) ${linesText(noDataset)})`);
  return { rows, notes };
}

// ---------------------------------------------------------------------------------------------
// KQL rows

interface KqlSource {
  readonly name: string;
  readonly category: LogsourceCategory;
  readonly kind: 'table' | 'function';
  readonly columns: ReadonlyMap<string, KqlColumnType>;
}

interface KqlRows {
  /** Per source (table or parser) name: its rows. */
  readonly bySource: ReadonlyMap<string, readonly Row[]>;
  readonly notes: string[];
}

function kqlSources(profile: KqlProfile): KqlSource[] {
  const out: KqlSource[] = [];
  for (const category of categoriesOf(profile)) {
    const name = profile.tables[category];
    if (name === undefined) continue;
    const source = kqlSourceOf(profile.schemaSet, name);
    if (!source) throw new Error(`kql profile ${profile.id}: no schema for ${name}`);
    out.push({ name, category, kind: source.kind, columns: new Map(source.columns as readonly (readonly [string, KqlColumnType])[]) });
  }
  return out;
}

function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '';
}

function kqlRows(file: ExportFile, profile: KqlProfile, table: string | undefined, problems: Problems): KqlRows {
  const sources = kqlSources(profile);
  const byName = new Map(sources.map((s) => [s.name, s]));
  const allTables = sources.every((s) => s.kind === 'table');
  const hasFunctions = sources.some((s) => s.kind === 'function');
  const declared = file.columns.filter((c) => c !== '$table');
  const fileFit = declared.length ? sources.filter((s) => declared.every((c) => s.columns.has(c))) : [];
  const notes: string[] = [];
  const elsewhere = new Map<string, number[]>(); // table named by the row, not read by the profile → lines
  const unfit: number[] = [];
  const ambiguous = new Map<string, number[]>(); // "A, B" → lines
  const bySource = new Map<string, Row[]>(sources.map((s) => [s.name, []]));

  const routeOf = (r: ExportRecord): KqlSource[] => {
    if (table !== undefined) return [byName.get(table)!];
    const named = (column: string): string | undefined => {
      const v = Object.hasOwn(r.cells, column) ? r.cells[column] : undefined;
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const explicit = named('$table') ?? (allTables ? named('Type') : undefined);
    if (explicit !== undefined) {
      const s = byName.get(explicit);
      if (s) return [s];
      elsewhere.set(explicit, [...(elsewhere.get(explicit) ?? []), r.line]);
      return [];
    }
    const schema = hasFunctions ? named('EventSchema') : undefined;
    if (schema !== undefined) {
      const s = sources.find((x) => ASIM_FACTS[x.name]?.EventSchema === schema);
      if (s) return [s];
      elsewhere.set(`EventSchema ${schema}`, [...(elsewhere.get(`EventSchema ${schema}`) ?? []), r.line]);
      return [];
    }
    if (fileFit.length === 1) return fileFit;
    const valued = Object.keys(r.cells).filter((c) => c !== '$table' && hasValue(r.cells[c]));
    const fit = sources.filter((s) => valued.every((c) => s.columns.has(c)));
    if (fit.length === 0) unfit.push(r.line);
    if (fit.length > 1) {
      const key = fit.map((s) => s.name).join(', ');
      ambiguous.set(key, [...(ambiguous.get(key) ?? []), r.line]);
    }
    return fit;
  };

  for (const r of file.records) {
    for (const s of routeOf(r)) {
      const row: Record<string, unknown> = {};
      for (const [column, raw] of Object.entries(r.cells)) {
        const type = s.columns.get(column);
        try {
          put(row, column, type === undefined ? raw : kqlValue(column, type, raw, { text: file.text }));
        } catch (e) {
          if (e instanceof ValueProblem) problems.add(r.line, e.message);
          else throw e;
        }
      }
      if (s.columns.has(profile.timeColumn) && !hasValue(r.cells[profile.timeColumn]))
        problems.add(r.line, `column ${profile.timeColumn}: missing; every event needs its time (ISO 8601 or epoch seconds)`);
      bySource.get(s.name)!.push(row);
    }
  }
  const where = `kql profile ${profile.id}`;
  for (const [name, lines] of elsewhere)
    notes.push(`${lines.length} row(s) of ${file.file} are rows of ${name}, which no query of ${where} reads; not replayed (line(s) ${linesText(lines)})`);
  if (unfit.length)
    notes.push(`${unfit.length} row(s) of ${file.file} have values in columns no table of ${where} has all of; not replayed (line(s) ${linesText(unfit)}; pass --table to say which table they are rows of)`);
  for (const [names, lines] of ambiguous)
    notes.push(`${lines.length} row(s) of ${file.file} fit several tables of ${where} (${names}) and are offered to the queries of each (line(s) ${linesText(lines)}; pass --table, or export a Type or $table column, to say which)`);
  return { bySource, notes };
}

// ---------------------------------------------------------------------------------------------
// Running

function compiledRule(rule: RuleIR, target: ReplayTarget, view: ProfileView, files: readonly EmittedFile[]): CompiledQuery {
  const folder = `${target}/${view.id}/`;
  const inFolder = files.filter((f) => f.path.startsWith(folder));
  const query = inFolder.find((f) => f.path.slice(folder.length).replace(/\.[^.]+$/, '') === rule.name);
  if (!query) throw new Error(`${rule.name} was not compiled for ${target}/${view.id}`);
  return targets[target].evaluator!.compile(query, inFolder.filter((f) => f !== query), view);
}

function resultOf(r: TargetResult, view: ProfileView, timeColumn: string): ReplayResult {
  return {
    time: timeOfResult(Object.hasOwn(r.row, timeColumn) ? r.row[timeColumn] : undefined),
    host: hostOf(r.row, view),
    tier: r.tier,
    action: r.action,
    score: typeof r.score === 'number' && !Number.isNaN(r.score) ? r.score : null,
  };
}

/** The rows an export gives, as the profile's queries read them (see the file comment). */
export interface ReplayRows {
  /** The rows a rule of this log source is run over (SPL: every row; KQL: the rows of its table). */
  readonly rowsFor: (category: LogsourceCategory) => readonly Row[];
  /** Every row with its log source, for correlation queries. */
  readonly stream: readonly StreamRow[];
  readonly timeColumn: string;
  readonly notes: readonly string[];
}

/** Convert and route an export's records; unreadable values are thrown as one ReplayInputError. */
export function replayRows(file: ExportFile, profile: ProfileBase, opts: Pick<ReplayOptions, 'target' | 'table'>, problems = new Problems(file.file)): ReplayRows {
  let out: ReplayRows;
  if (opts.target === 'spl') {
    const p = profile as SplProfile;
    const { rows, notes } = splRows(file, p, problems);
    // The SPL evaluator runs a correlation over every event, each stage's search selecting its own
    // log source (compileSplCorrelation ignores the category), as the index holds them all.
    const anyCategory = categoriesOf(p)[0]!;
    out = { rowsFor: () => rows, stream: rows.map((row) => ({ category: anyCategory, row })), timeColumn: p.timeField, notes };
  } else {
    const p = profile as KqlProfile;
    if (opts.table !== undefined && !Object.values(p.tables).includes(opts.table)) throw new Error(`kql profile ${p.id} reads no table ${opts.table}`);
    const { bySource, notes } = kqlRows(file, p, opts.table, problems);
    const rowsFor = (category: LogsourceCategory): readonly Row[] => {
      const t = p.tables[category];
      return t === undefined ? [] : (bySource.get(t) ?? []);
    };
    out = { rowsFor, stream: categoriesOf(p).flatMap((category) => rowsFor(category).map((row) => ({ category, row }))), timeColumn: p.timeColumn, notes };
  }
  problems.throwIfAny();
  return out;
}

/** Replay an export (read.ts) through the detections compiled for one target and profile. */
export function replay(file: ExportFile, detections: ReplayDetections, opts: ReplayOptions): ReplayReport {
  const profile = profilesOf(opts.target, opts.extraProfiles).find((p) => p.id === opts.profile);
  if (!profile) throw new Error(`unknown ${opts.target} profile ${opts.profile}`);
  const rows = replayRows(file, profile, opts);
  const notes: string[] = [...rows.notes];
  if (file.skipped) notes.push(`${file.skipped} line(s) of ${file.file} are not final results (previews, end markers) and were skipped`);
  const { rowsFor, stream, timeColumn } = rows;

  const files = compileRules([...detections.rules], { targets: [opts.target], profiles: [profile.id], ...(opts.extraProfiles ? { extraProfiles: opts.extraProfiles } : {}) }, detections.correlations).files;
  const out: DetectionReplay[] = [];
  const notRun: { detection: string; reason: string }[] = [];
  for (const rule of byName(detections.rules)) {
    const cannot = telemetryFor(rule, opts.target, profile).unsupported;
    const view = viewFor(profile, rule.logsource.category);
    if (cannot || !view) {
      notRun.push({ detection: rule.name, reason: cannot?.message ?? `no ${rule.logsource.category} events in ${opts.target} profile ${profile.id}` });
      continue;
    }
    try {
      const q = compiledRule(rule, opts.target, view, files);
      const results = q.run(rowsFor(rule.logsource.category)).map((r) => resultOf(r, view, timeColumn));
      out.push({ detection: rule.name, kind: 'rule', results });
    } catch (e) {
      out.push({ detection: rule.name, kind: 'rule', results: [], error: (e as Error).message });
    }
  }
  for (const c of byName(detections.correlations)) {
    const cannot = correlationTelemetry(c, opts.target, profile).unsupported;
    if (cannot) {
      notRun.push({ detection: c.name, reason: cannot.message });
      continue;
    }
    const base = { detection: c.name, kind: 'correlation' as const, level: c.level, action: c.action };
    const q = prepareCorrelation(c, opts.target, profile, files);
    if (typeof q === 'string') {
      out.push({ ...base, results: [], chains: [], error: q });
      continue;
    }
    try {
      const chains = q.run(stream).map((x) => ({ group: x.group, chain_start: isoOf(x.start * 1000), chain_end: isoOf(x.end * 1000) }));
      // Each chain is one result, at its end, with the group's host and the declared action.
      const results = chains.map((x) => ({ time: x.chain_end, host: x.group.Host ?? null, tier: null, action: c.action, score: null }));
      out.push({ ...base, results, chains });
    } catch (e) {
      out.push({ ...base, results: [], chains: [], error: (e as Error).message });
    }
  }
  const all = out.flatMap((d) => d.results);
  return {
    file: file.file,
    shape: file.shape,
    target: opts.target,
    profile: profile.id,
    events: file.records.length,
    detections: out,
    notRun,
    notes,
    summary: {
      results: all.length,
      detections: out.filter((d) => d.results.length > 0).length,
      alerts: all.filter((r) => r.action === 'alert').length,
      risk: all.filter((r) => r.action === 'risk').length,
      errors: out.filter((d) => d.error !== undefined).length,
    },
  };
}

/** The report as text: per detection with results, each result; then the summary line. */
export function formatReplay(r: ReplayReport): string {
  const lines: string[] = [];
  const shown = r.detections.filter((d) => d.results.length > 0 || d.error !== undefined);
  const hostWidth = Math.max(4, ...shown.flatMap((d) => d.results.map((x) => (x.host ?? '-').length)));
  const tierWidth = Math.max(4, ...shown.flatMap((d) => d.results.map((x) => (x.tier ?? '-').length)));
  for (const d of shown) {
    if (d.kind === 'correlation') {
      lines.push(`${d.detection} (correlation; level ${d.level}, ${d.action}): ${d.error !== undefined ? `error: ${d.error}` : `${d.chains!.length} chain(s)`}`);
      for (const c of d.chains ?? [])
        lines.push(`  group ${Object.entries(c.group).map(([k, v]) => `${k}=${v}`).join(', ')}  chain_start ${c.chain_start}  chain_end ${c.chain_end}`);
      continue;
    }
    lines.push(`${d.detection}: ${d.error !== undefined ? `error: ${d.error}` : `${d.results.length} result(s)`}`);
    for (const x of d.results)
      lines.push(
        `  ${(x.time ?? '-').padEnd(20)}  host ${(x.host ?? '-').padEnd(hostWidth)}  tier ${(x.tier ?? '-').padEnd(tierWidth)}  ${(x.action ?? '-').padEnd(5)}${x.score === null ? '' : `  score ${x.score}`}`.trimEnd(),
      );
  }
  if (lines.length) lines.push('');
  lines.push(summaryLine(r));
  return lines.join('\n');
}

export function summaryLine(r: ReplayReport): string {
  const s = r.summary;
  return `${r.events} event(s) from ${r.file}; ${s.results} result(s) from ${s.detections} detection(s); ${s.alerts} alert(s), ${s.risk} risk record(s)`;
}
