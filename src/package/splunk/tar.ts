/**
 * A deterministic POSIX ustar archive (IEEE Std 1003.1, "pax" format's ustar header, the one every
 * tar reads, Python's tarfile included, which Splunk uses to install an app).
 *
 * The same files give the same bytes on every machine:
 * - entries sorted by path (code-unit order), each directory before its contents (a directory's path
 *   ends in `/`, so it sorts before every path under it), and every directory of a file included;
 * - mode 0644 for files and 0755 for directories, uid and gid 0 with empty user and group names (a
 *   reader then uses the numbers; an app installed by the splunk user gets that user's ownership);
 * - every mtime is TAR_MTIME, 1980-01-01T00:00:00Z (315532800): a fixed time rather than 0, which
 *   some tar versions report as an implausibly old time stamp when extracting;
 * - header fields are written in full: octal numbers zero-padded with a NUL terminator, the checksum
 *   as six octal digits, NUL and space (as GNU tar and bsdtar write it);
 * - the archive ends with two zero blocks and is padded to a multiple of 10240 bytes (the 20-block
 *   record both GNU tar and bsdtar write by default).
 */

export interface TarFile {
  /** `/`-separated relative path, no leading `/`, no `.` or `..` segment. */
  readonly path: string;
  readonly content: Uint8Array;
}

export const TAR_MTIME = 315532800;
const BLOCK = 512;
const RECORD = 20 * BLOCK;

const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`internal: ${value} does not fit a ${width}-byte tar field`);
  return `${digits.padStart(width - 1, '0')}\0`;
}

function put(block: Uint8Array, offset: number, width: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > width) throw new Error(`internal: ${JSON.stringify(text)} does not fit a ${width}-byte tar field`);
  block.set(bytes, offset);
}

/** ustar keeps a path of up to 255 bytes as prefix (≤ 155) + "/" + name (≤ 100). */
function splitPath(path: string): { name: string; prefix: string } {
  if (encoder.encode(path).length <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100 && name !== '') return { name, prefix };
  }
  throw new Error(`internal: tar path too long for ustar: ${path}`);
}

function header(path: string, directory: boolean, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const { name, prefix } = splitPath(path);
  put(block, 0, 100, name);
  put(block, 100, 8, octal(directory ? 0o755 : 0o644, 8));
  put(block, 108, 8, octal(0, 8));
  put(block, 116, 8, octal(0, 8));
  put(block, 124, 12, octal(size, 12));
  put(block, 136, 12, octal(TAR_MTIME, 12));
  put(block, 148, 8, '        ');
  put(block, 156, 1, directory ? '5' : '0');
  put(block, 257, 6, 'ustar\0');
  put(block, 263, 2, '00');
  // uname (265, 32) and gname (297, 32) stay empty; devmajor/devminor are written as for GNU tar.
  put(block, 329, 8, octal(0, 8));
  put(block, 337, 8, octal(0, 8));
  put(block, 345, 155, prefix);
  let sum = 0;
  for (const b of block) sum += b;
  put(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.endsWith('/') || path.split('/').some((s) => s === '' || s === '.' || s === '..'))
    throw new Error(`internal: bad tar path ${JSON.stringify(path)}`);
}

/** The archive of `files` and every directory above them. */
export function tarArchive(files: readonly TarFile[]): Uint8Array {
  const entries = new Map<string, Uint8Array | undefined>();
  for (const f of files) {
    checkPath(f.path);
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) entries.set(`${parts.slice(0, i).join('/')}/`, undefined);
    if (entries.has(f.path)) throw new Error(`internal: duplicate tar path ${f.path}`);
    entries.set(f.path, f.content);
  }
  for (const p of entries.keys()) if (!p.endsWith('/') && entries.has(`${p}/`)) throw new Error(`internal: ${p} is both a file and a directory`);
  const paths = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (const p of paths) {
    const content = entries.get(p);
    const block = header(p, content === undefined, content?.length ?? 0);
    chunks.push(block);
    length += BLOCK;
    if (content && content.length) {
      const padded = new Uint8Array(Math.ceil(content.length / BLOCK) * BLOCK);
      padded.set(content);
      chunks.push(padded);
      length += padded.length;
    }
  }
  const total = Math.ceil((length + 2 * BLOCK) / RECORD) * RECORD;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
