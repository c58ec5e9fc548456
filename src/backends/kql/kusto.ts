/**
 * Microsoft's own Kusto parser and semantic analyser (`@kusto/language-service-next`, the Bridge.NET
 * build of Kusto.Language), loaded for the KQL evaluator (evaluate.ts), which walks the syntax tree
 * it produces.
 *
 * The package is not a JavaScript module: its two scripts define the globals `Bridge`, `System` and
 * `Kusto` when evaluated, so they are loaded once per process with `require`, and only when a query
 * is first analysed (compiling rules never loads them). Its declaration file describes those
 * globals; the triple-slash reference below brings them into scope.
 *
 * NOTE: the package is a devDependency of t1612; anything that runs the KQL evaluator outside the
 * repository (`t1612 test` from an installed package) needs it as a dependency.
 *
 * API used (Kusto.Language.Bridge.d.ts; the loader mirrors test/support/kusto.ts):
 * - `Kusto.Language.Symbols.ScalarTypes.GetSymbol('string' | 'long' | …)` for a column type;
 * - `new ColumnSymbol(name, type, null, null, null, null)`, `new TableSymbol.$ctor4(name, ColumnSymbol[])`,
 *   `new TableSymbol.ctor(ColumnSymbol[])` (an unnamed result table), `new Parameter.$ctor2(name, type)`
 *   (a required parameter), `Parameter.ParseList('(name:type = default)')` (an optional one, as Kusto
 *   declares it),
 *   `new FunctionSymbol.$ctor5(name, returnType, Parameter[])`, `new DatabaseSymbol.ctor(name, Symbol[])`
 *   (plain JS arrays are accepted for the `T[]` overloads);
 * - `GlobalState.Default.WithDatabase(db)` and `KustoCode.ParseAndAnalyze(text, globals)`;
 * - `code.GetDiagnostics()` → a list (`Count`, `getItem(i)`) of diagnostics with `Severity`,
 *   `Message`, `Start`, `Length`, `Code`.
 */
/// <reference types="@kusto/language-service-next" />
import { createRequire } from 'node:module';

let loaded = false;

/** Evaluates the Bridge.NET runtime and Kusto.Language once per process. */
export function loadKusto(): void {
  if (loaded) return;
  const require = createRequire(import.meta.url);
  require('@kusto/language-service-next/bridge.min.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  if (typeof (globalThis as { Kusto?: unknown }).Kusto !== 'object')
    throw new Error('@kusto/language-service-next did not define the global Kusto');
  loaded = true;
}

/** A table for the analyser: its name and its columns as (name, Kusto type name) pairs, in order. */
export interface KustoTable {
  readonly name: string;
  readonly columns: readonly (readonly [string, string])[];
}

/**
 * A tabular function for the analyser (Sentinel's `_GetWatchlist`, the ASIM parsers): parameters
 * (name, Kusto type, and the default value's text for an optional one) and result columns.
 */
export interface KustoFunction {
  readonly name: string;
  readonly parameters: readonly (readonly [string, string] | readonly [string, string, string])[];
  readonly columns: readonly (readonly [string, string])[];
}

const globalsCache = new Map<string, Kusto.Language.GlobalState>();

function scalarType(typeName: string, where: string): Kusto.Language.Symbols.ScalarSymbol {
  const type = Kusto.Language.Symbols.ScalarTypes.GetSymbol(typeName);
  if (!type) throw new Error(`${where}: unknown Kusto type '${typeName}'`);
  return type;
}

function columnSymbols(columns: readonly (readonly [string, string])[], where: string): Kusto.Language.Symbols.ColumnSymbol[] {
  // description, originalColumns, source, examples
  return columns.map(([column, typeName]) => new Kusto.Language.Symbols.ColumnSymbol(column, scalarType(typeName, `${where}.${column}`), null, null, null, null));
}

function functionSymbol(f: KustoFunction, database: string): Kusto.Language.Symbols.FunctionSymbol {
  const { FunctionSymbol, Parameter, TableSymbol } = Kusto.Language.Symbols;
  const where = `${database}.${f.name}`;
  const parameters = f.parameters.map(([name, typeName, defaultValue]) => {
    const type = scalarType(typeName, `${where}(${name})`);
    if (defaultValue === undefined) return new Parameter.$ctor2(name, type);
    // An optional parameter as Kusto declares one (`name:type = default`), parsed by Kusto.Language itself.
    const parsed = listItems(Parameter.ParseList(`(${name}:${typeName} = ${defaultValue})`));
    const p = parsed[0];
    if (parsed.length !== 1 || !p || !p.IsOptional || p.Name !== name) throw new Error(`${where}(${name}): Kusto.Language does not read the declaration ${name}:${typeName} = ${defaultValue}`);
    return p;
  });
  return new FunctionSymbol.$ctor5(f.name, new TableSymbol.ctor(columnSymbols(f.columns, where)), parameters);
}

/**
 * Kusto globals whose default database (`database`) holds exactly these tables and tabular
 * functions; cached by key.
 */
export function kustoGlobals(key: string, database: string, tables: readonly KustoTable[], functions: readonly KustoFunction[] = []): Kusto.Language.GlobalState {
  loadKusto();
  const cached = globalsCache.get(key);
  if (cached) return cached;
  const { DatabaseSymbol, TableSymbol } = Kusto.Language.Symbols;
  const symbols: Kusto.Language.Symbols.Symbol[] = [
    ...tables.map((t) => new TableSymbol.$ctor4(t.name, columnSymbols(t.columns, `${database}.${t.name}`))),
    ...functions.map((f) => functionSymbol(f, database)),
  ];
  const globals = Kusto.Language.GlobalState.Default!.WithDatabase(new DatabaseSymbol.ctor(database, symbols));
  if (!globals) throw new Error('GlobalState.WithDatabase returned null');
  globalsCache.set(key, globals);
  return globals;
}

/** Items of a Bridge.NET IReadOnlyList as a JS array. */
export function listItems<T>(list: System.Collections.Generic.IReadOnlyList$1<T> | null | undefined): T[] {
  const out: T[] = [];
  if (list) for (let i = 0; i < list.Count; i++) out.push(list.getItem(i));
  return out;
}

export interface KustoError {
  readonly message: string;
  /** Offset in the query text (UTF-16 code units). */
  readonly start: number;
  readonly length: number;
  /** Kusto diagnostic code, e.g. KS142 (unknown name). */
  readonly code: string;
}

/** The query parsed and semantically analysed against the globals (syntax tree in `.Syntax`). */
export function analyseKql(text: string, globals: Kusto.Language.GlobalState): Kusto.Language.KustoCode {
  loadKusto();
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(text, globals);
  if (!code || !code.Syntax) throw new Error('KustoCode.ParseAndAnalyze returned no syntax tree');
  return code;
}

/** The diagnostics of severity Error (syntax and semantic). */
export function kustoErrors(code: Kusto.Language.KustoCode): KustoError[] {
  const error = Kusto.Language.DiagnosticSeverity.Error;
  return listItems(code.GetDiagnostics())
    .filter((d) => d.Severity === error)
    .map((d) => ({ message: d.Message ?? '', start: d.Start, length: d.Length, code: d.Code ?? '' }));
}
