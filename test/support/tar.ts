/**
 * Reading a .tgz in tests, independently of the writer: gunzip with node:zlib, then the ustar
 * headers (POSIX: name, mode, uid, gid, size, mtime, checksum, type, magic, uname, gname, prefix),
 * checking each header's checksum and that the archive ends with zero blocks.
 */
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly mtime: number;
  readonly content: Buffer;
}

const text = (b: Buffer, start: number, length: number): string => {
  const field = b.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
};
const num = (b: Buffer, start: number, length: number): number => Number.parseInt(text(b, start, length).trim() || '0', 8);

export function readTgz(bytes: Uint8Array): TarEntry[] {
  const tar = gunzipSync(bytes);
  if (tar.length % 512 !== 0) throw new Error(`tar length ${tar.length} is not a multiple of 512`);
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + 512 <= tar.length) {
    const h = tar.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== num(h, 148, 8)) throw new Error(`bad checksum at offset ${at}`);
    if (text(h, 257, 6) !== 'ustar' || text(h, 263, 2) !== '00') throw new Error(`not a ustar header at offset ${at}`);
    const prefix = text(h, 345, 155);
    const name = text(h, 0, 100);
    const size = num(h, 124, 12);
    const flag = String.fromCharCode(h[156]!);
    if (flag !== '0' && flag !== '5') throw new Error(`unexpected entry type ${flag}`);
    entries.push({
      path: prefix ? `${prefix}/${name}` : name,
      type: flag === '5' ? 'directory' : 'file',
      mode: num(h, 100, 8),
      uid: num(h, 108, 8),
      gid: num(h, 116, 8),
      mtime: num(h, 136, 12),
      uname: text(h, 265, 32),
      gname: text(h, 297, 32),
      content: Buffer.from(tar.subarray(at + 512, at + 512 + size)),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  if (!tar.subarray(at).every((x) => x === 0) || tar.length - at < 1024) throw new Error('the archive does not end with two zero blocks');
  return entries;
}
