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

/** RFC 4180 rows (header included); a line break inside quotes is part of the cell. */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  const src = text.replace(/^\uFEFF/, '');
  let row: string[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  if (n === 0) return rows;
  for (;;) {
    // One cell, starting at i.
    let cell = '';
    if (src[i] === '"') {
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvError(`${file}:${startLine}: unterminated quoted cell`);
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
      if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') throw new CsvError(`${file}:${line}: unexpected ${JSON.stringify(after)} after a quoted cell`);
    } else {
      const start = i;
      while (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
        if (src[i] === '"') throw new CsvError(`${file}:${line}: a quote inside an unquoted cell`);
        i++;
      }
      cell = src.slice(start, i);
    }
    row.push(cell);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    if (src[i] === ',') {
      i++;
      continue;
    }
    // A line end: CRLF or LF (a lone CR is not one, as in Splunk's reader).
    if (src[i] === '\r') {
      if (src[i + 1] !== '\n') throw new CsvError(`${file}:${line}: a carriage return without a line feed`);
      i++;
    }
    i++;
    line++;
    rows.push(row);
    row = [];
    if (i >= n) return rows;
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
