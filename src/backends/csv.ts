/**
 * The one CSV writer for generated tables (Splunk lookups, Sentinel watchlists): RFC 4180, a cell
 * quoted when it holds a comma, a quote, a line break or leading/trailing blanks (which a reader might
 * trim), with quotes doubled; as written otherwise. No comment line: CSV has no comment syntax.
 */
export function csvCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows as CSV text, one line each, ending with a line break. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** A malformed CSV table, named by file and line. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

/** Where a CSV text leaves RFC 4180: the line and what is wrong (callers name the file). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvRow {
  /** The 1-based line the row starts on (a quoted cell may span lines). */
  readonly line: number;
  readonly cells: string[];
}

/**
 * The one CSV reader: RFC 4180 rows (header included), each with the line it starts on. A UTF-8
 * byte order mark is skipped; CRLF and LF end a row (a lone CR is not a line end, as in Splunk's
 * reader); a line break inside quotes is part of the cell. A blank line is a row of one empty cell,
 * or no row with `skipBlankLines` (exports).
 */
export function csvRows(text: string, opts: { skipBlankLines?: boolean } = {}): CsvRow[] {
  const src = text.replace(/^\uFEFF/, '');
  const rows: CsvRow[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    if (opts.skipBlankLines && (src[i] === '\n' || (src[i] === '\r' && src[i + 1] === '\n'))) {
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

/** RFC 4180 rows (header included) of a generated table; a syntax error names the file and line. */
export function parseCsv(text: string, file: string): string[][] {
  try {
    return csvRows(text).map((r) => r.cells);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new CsvError(`${file}:${e.line}: ${e.message}`);
    throw e;
  }
}

/** The rows after the header as records (column → cell); every row must have the header's width. */
export function csvRecords(text: string, file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(text, file);
  if (!header) return [];
  return body.map((r, n) => {
    if (r.length !== header.length) throw new CsvError(`${file}: record ${n + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]!]));
  });
}
