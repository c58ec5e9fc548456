/**
 * Microsoft's own Kusto parser and semantic analyser (`@kusto/language-service-next`, the Bridge.NET
 * build of Kusto.Language) as a test oracle for emitted KQL (semantics.md §2.5, §2.7).
 *
 * The package is not a JavaScript module: its two scripts define the globals `Bridge`, `System` and
 * `Kusto` when evaluated, so they are loaded once per process with `require`. Its declaration file
 * describes those globals; the triple-slash reference below brings them into scope for this file.
 *
 * API used (all found in Kusto.Language.Bridge.d.ts and checked by test/kql/kusto-analysis.test.ts):
 * - `Kusto.Language.Symbols.ScalarTypes.GetSymbol('string' | 'long' | …)` for a column type;
 * - `new ColumnSymbol(name, type)`, `new TableSymbol.$ctor4(name, ColumnSymbol[])`,
 *   `new FunctionSymbol.$ctor5(name, TableSymbol, Parameter[])` (src/backends/kql/kusto.ts),
 *   `new DatabaseSymbol.ctor(name, Symbol[])` (plain JS arrays are accepted for the `T[]` overloads);
 * - `GlobalState.Default.WithDatabase(db)` and `KustoCode.ParseAndAnalyze(text, globals)`;
 * - `code.GetDiagnostics()` → `IReadOnlyList$1<Diagnostic>` (`Count`, `getItem(i)`), each with
 *   `Severity` (compare with `DiagnosticSeverity.Error`), `Message`, `Start`, `Length`, `Code`;
 * - `code.Syntax.GetDescendants(LiteralExpression)` and `LiteralExpression.LiteralValue` (the decoded
 *   value of a string literal).
 */
/// <reference types="@kusto/language-service-next" />
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kustoGlobals as kustoGlobalsFor, listItems, loadKusto } from '../../src/backends/kql/kusto.js';
import { AUDIT_TABLE_COLUMNS, SCHEMA_FUNCTIONS } from '../../src/backends/kql/tables.js';

export type SchemaSet = 'defender' | 'sentinel' | 'asim';

/** The schema sets whose tables defender-tables.json lists; `asim` reads no table, only functions (src/backends/kql/asim-tables.ts). */
export type TableSchemaSet = Exclude<SchemaSet, 'asim'>;

export interface KqlDiagnostic {
  readonly severity: string;
  readonly message: string;
  /** Offset of the diagnostic in the query text (UTF-16 code units). */
  readonly start: number;
  readonly length: number;
  /** Kusto diagnostic code, e.g. KS142 (unknown name). */
  readonly code: string;
}

/** Column name → Kusto type name, per table. */
export type TableColumns = Readonly<Record<string, Readonly<Record<string, string>>>>;

export { loadKusto };

/** /work/shared/reference/defender-tables.json: `../shared/reference/` next to the repository root. */
export const DEFENDER_TABLES_PATH = fileURLToPath(new URL('../../../shared/reference/defender-tables.json', import.meta.url));

let tableFile: Record<TableSchemaSet, TableColumns> | undefined;

/** The tables and column types of one schema set, as written in defender-tables.json. */
export function schemaTables(schemaSet: TableSchemaSet): TableColumns {
  if (!tableFile) {
    if (!existsSync(DEFENDER_TABLES_PATH)) throw new Error(`schema reference not found: ${DEFENDER_TABLES_PATH}`);
    tableFile = JSON.parse(readFileSync(DEFENDER_TABLES_PATH, 'utf8')) as Record<TableSchemaSet, TableColumns>;
  }
  const tables = tableFile[schemaSet];
  if (!tables || typeof tables !== 'object') throw new Error(`no schema set '${schemaSet}' in ${DEFENDER_TABLES_PATH}`);
  return tables;
}

/**
 * Kusto globals whose default database holds the schema set's tables and its functions (Sentinel's
 * `_GetWatchlist`, the ASIM parsers; src/backends/kql/tables.ts SCHEMA_FUNCTIONS), with the
 * production loader. The `asim` set has no table: an ASIM query reads the parser functions only.
 * Kubernetes audit tables, which defender-tables.json does not list, come from their declarations
 * (src/backends/kql/aks-tables.ts, AUDIT_TABLE_COLUMNS: AKSAuditAdmin on sentinel).
 */
export function kustoGlobals(schemaSet: SchemaSet): Kusto.Language.GlobalState {
  const tables = [
    ...(schemaSet === 'asim' ? [] : Object.entries(schemaTables(schemaSet)).map(([name, columns]) => ({ name, columns: Object.entries(columns) as [string, string][] }))),
    ...Object.entries(AUDIT_TABLE_COLUMNS[schemaSet]).map(([name, columns]) => ({ name, columns: columns.map(([n, t]) => [n, t] as [string, string]) })),
  ];
  return kustoGlobalsFor(`reference:${schemaSet}`, schemaSet, tables, SCHEMA_FUNCTIONS[schemaSet]);
}

const toArray = listItems;

/** The query parsed and semantically analysed against the schema set (syntax tree in `.Syntax`). */
export function parseKql(query: string, schemaSet: SchemaSet): Kusto.Language.KustoCode {
  const globals = kustoGlobals(schemaSet); // loads Kusto first
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(query, globals);
  if (!code) throw new Error('KustoCode.ParseAndAnalyze returned null');
  return code;
}

function errorsOf(code: Kusto.Language.KustoCode): KqlDiagnostic[] {
  const error = Kusto.Language.DiagnosticSeverity.Error;
  return toArray(code.GetDiagnostics())
    .filter((d) => d.Severity === error)
    .map((d) => ({ severity: d.Severity ?? '', message: d.Message ?? '', start: d.Start, length: d.Length, code: d.Code ?? '' }));
}

/** Syntax and semantic errors (severity Error only) of the query against the schema set. */
export function kqlDiagnostics(query: string, schemaSet: SchemaSet): KqlDiagnostic[] {
  return errorsOf(parseKql(query, schemaSet));
}

/** One line per error with the text around it, for assertion messages. */
export function formatKqlDiagnostics(query: string, diagnostics: readonly KqlDiagnostic[]): string {
  return diagnostics
    .map((d) => `${d.code} ${d.message} at ${d.start}: …${query.slice(Math.max(0, d.start - 30), d.start)}⟦${query.slice(d.start, d.start + Math.max(d.length, 1))}⟧${query.slice(d.start + Math.max(d.length, 1), d.start + 30)}…`)
    .join('\n');
}

const PRINT_PREFIX = 'print x = ';

/**
 * The value Kusto.Language decodes from a single string literal (`"…"`, `'…'`, `@"…"`, …), read from
 * the syntax tree of `print x = <literal>`. Throws when the literal has any error, is not one string
 * literal token spanning the whole text (e.g. `"a" "b"`, which Kusto concatenates), or is not a string.
 */
export function kqlStringLiteralValue(literal: string): string {
  loadKusto();
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(PRINT_PREFIX + literal);
  if (!code?.Syntax) throw new Error('KustoCode.ParseAndAnalyze returned no syntax tree');
  const errors = errorsOf(code);
  if (errors.length) throw new Error(`not a clean KQL literal: ${literal}\n${formatKqlDiagnostics(PRINT_PREFIX + literal, errors)}`);
  const { LiteralExpression, SyntaxKind } = Kusto.Language.Syntax;
  const literals = toArray(code.Syntax.GetDescendants(LiteralExpression));
  const node = literals[0];
  if (literals.length !== 1 || !node) throw new Error(`expected one literal in ${literal}, found ${literals.length}`);
  if (node.Kind !== SyntaxKind.StringLiteralExpression) throw new Error(`not a string literal: ${literal}`);
  if (node.TextStart !== PRINT_PREFIX.length || node.Width !== literal.length)
    throw new Error(`the string literal does not span the whole text: ${literal}`);
  const value: unknown = node.LiteralValue;
  if (typeof value !== 'string') throw new Error(`literal value is ${typeof value}, not string: ${literal}`);
  return value;
}

/** Kusto.Language's own rule (`KustoFacts.CanBeIdentifier`): the name may be written bare everywhere. */
export function kqlCanBeIdentifier(name: string): boolean {
  loadKusto();
  return Kusto.Language.KustoFacts.CanBeIdentifier(name);
}

/**
 * The column name Kusto.Language reads from a name as written in a query (`Foo`, `['a b']`), used both
 * to declare and to reference a column: `print <name> = 1 | project <name>`. Throws on any error.
 */
export function kqlColumnNameValue(nameSyntax: string): string {
  loadKusto();
  const query = `print ${nameSyntax} = 1 | project ${nameSyntax}`;
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(query);
  if (!code) throw new Error('KustoCode.ParseAndAnalyze returned null');
  const errors = errorsOf(code);
  if (errors.length) throw new Error(`not a clean KQL column name: ${nameSyntax}\n${formatKqlDiagnostics(query, errors)}`);
  const result = code.ResultType;
  if (!(result instanceof Kusto.Language.Symbols.TableSymbol)) throw new Error(`query result is not a table: ${query}`);
  const columns = toArray(result.Columns);
  if (columns.length !== 1) throw new Error(`expected one result column, found ${columns.length}: ${query}`);
  return columns[0]!.Name ?? '';
}
