/**
 * CSV exports (RFC 4180, as Splunk Web and the Microsoft portals write them): a header row, then one
 * record per row, each with the 1-based line it starts on. A quoted cell may hold commas, doubled
 * quotes and line breaks (a CommandLine with a newline is one cell spanning lines). A UTF-8 byte
 * order mark is skipped (Excel-friendly exports start with one); CRLF and LF both end a row; a blank
 * line between records is skipped.
 */

export interface CsvRecord {
  /** The line the record starts on (the header is line 1). */
  readonly line: number;
  readonly cells: readonly string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Every row of the text (the header first), each with its starting line. */
export function readCsvRows(text: string): CsvRecord[] {
  const src = text.replace(/^\uFEFF/, '');
  const rows: CsvRecord[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    // A blank line (nothing before its line break) is no record.
    if (src[i] === '\n' || (src[i] === '\r' && src[i + 1] === '\n')) {
      i += src[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (src[i] === '"') {
        const cellLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(cellLine, 'a quoted cell is not closed (a " is missing)');
          const c = src[i]!;
          if (c === '"') {
            if (src[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        const after = src[i];
        if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r')
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(after)} after a quoted cell (a quote inside a cell is written "")`);
      } else {
        const from = i;
        while (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
          if (src[i] === '"') throw new CsvSyntaxError(line, 'a quote inside an unquoted cell (quote the cell and double the quote: "a ""b"" c")');
          i++;
        }
        cell = src.slice(from, i);
      }
      cells.push(cell);
      if (i >= n) break;
      if (src[i] === ',') {
        i++;
        continue;
      }
      if (src[i] === '\r') {
        if (src[i + 1] !== '\n') throw new CsvSyntaxError(line, 'a carriage return without a line feed');
        i++;
      }
      i++; // the line feed
      line++;
      break;
    }
    rows.push({ line: start, cells });
  }
  return rows;
}
