/**
 * A gzip member (RFC 1952) whose bytes do not depend on the machine that writes it.
 *
 * `zlib.gzipSync` writes the header itself, and zlib puts the operating system it was built for in
 * the header's OS byte (zutil.h OS_CODE: 3 on Unix, 10 on Windows, 19 on macOS since zlib 1.2.12), so the same
 * archive would differ between machines. This writes the 10-byte header itself:
 *   1f 8b        magic
 *   08           CM = deflate
 *   00           FLG: no name, comment, extra field or header CRC
 *   00 00 00 00  MTIME = 0 ("no time stamp is available", RFC 1952 §2.3.1)
 *   00           XFL (informational only)
 *   ff           OS = 255, "unknown" (what Python's gzip module writes too)
 * then the raw deflate stream from `zlib.deflateRawSync` (level 9), then the CRC-32 and the input
 * size modulo 2^32, both little-endian.
 *
 * The deflate stream is zlib's: the same Node release gives the same bytes on every OS (the test
 * checks two builds are identical); a different zlib version could in principle compress
 * differently, which any reader still inflates to the same tar.
 */
import { crc32, deflateRawSync } from 'node:zlib';

const HEADER = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

export function gzipDeterministic(data: Uint8Array): Uint8Array {
  const body = deflateRawSync(data, { level: 9 });
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc32(data) >>> 0, true);
  view.setUint32(4, data.length >>> 0, true);
  const out = new Uint8Array(HEADER.length + body.length + trailer.length);
  out.set(HEADER, 0);
  out.set(body, HEADER.length);
  out.set(trailer, HEADER.length + body.length);
  return out;
}
