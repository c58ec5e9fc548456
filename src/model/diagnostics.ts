/**
 * One problem with a rule, located in its source file. Every error the tool reports to a user is a
 * Diagnostic, printed as one line: `rules/x.yml:12:5: error: <what is wrong> (<what to do>)`.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  /** What is wrong, one sentence, no trailing full stop. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
  /** Stable identifier of the check that produced it (e.g. `schema`, `unreachable-tier`). */
  readonly code: string;
}

export function diagnostic(
  file: string,
  pos: Position,
  severity: Severity,
  code: string,
  message: string,
  hint?: string,
): Diagnostic {
  return { file, line: pos.line, column: pos.column, severity, code, message, ...(hint ? { hint } : {}) };
}

/** The single text form of a diagnostic. */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${hint}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Sort by file, line, column, then message, so output is stable across machines. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Thrown by library code for a located user error; the CLI prints it as one line, never a stack. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticError';
  }
}
