/** Write a package: every file to a temporary sibling first, then renamed into place, so an error leaves nothing half-written. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PackageFile } from './types.js';

export function writePackage(outDir: string, files: readonly PackageFile[]): void {
  const temps: [string, string][] = [];
  try {
    for (const f of files) {
      const dest = join(outDir, f.path);
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = `${dest}.${process.pid}.tmp`;
      writeFileSync(tmp, f.content);
      temps.push([tmp, dest]);
    }
  } catch (e) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, dest] of temps) renameSync(tmp, dest);
}
