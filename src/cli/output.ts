/** Terminal output: colours only on a TTY and never with NO_COLOR; diagnostics as lines or JSON. */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDiagnostic, type Diagnostic } from '../model/diagnostics.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly color: ChalkInstance;
}

export function processIo(): Io {
  const tty = Boolean(process.stderr.isTTY) && Boolean(process.stdout.isTTY);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const color = new Chalk({ level: tty && !noColor ? 1 : 0 });
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    color,
  };
}

export function printDiagnostics(io: Io, ds: readonly Diagnostic[], format: 'text' | 'json'): void {
  if (format === 'json') {
    io.out(JSON.stringify({ diagnostics: ds }, null, 2));
    return;
  }
  for (const d of ds) {
    const line = formatDiagnostic(d);
    const paint = d.severity === 'error' ? io.color.red : d.severity === 'warning' ? io.color.yellow : io.color.cyan;
    io.err(line.replace(`${d.severity}:`, paint(`${d.severity}:`)));
  }
}
