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
 *   `new DatabaseSymbol.ctor(name, Symbol[])` (plain JS arrays are accepted for the `T[]` overloads);
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

const globalsCache = new Map<string, Kusto.Language.GlobalState>();

/** Kusto globals whose default database (`database`) holds exactly these tables; cached by key. */
export function kustoGlobals(key: string, database: string, tables: readonly KustoTable[]): Kusto.Language.GlobalState {
  loadKusto();
  const cached = globalsCache.get(key);
  if (cached) return cached;
  const { ColumnSymbol, DatabaseSymbol, ScalarTypes, TableSymbol } = Kusto.Language.Symbols;
  const symbols = tables.map(
    (t) =>
      new TableSymbol.$ctor4(
        t.name,
        t.columns.map(([column, typeName]) => {
          const type = ScalarTypes.GetSymbol(typeName);
          if (!type) throw new Error(`${database}.${t.name}.${column}: unknown Kusto type '${typeName}'`);
          return new ColumnSymbol(column, type, null, null, null, null); // description, originalColumns, source, examples
        }),
      ),
  );
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
