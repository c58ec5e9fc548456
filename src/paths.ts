/** Locations of the package's own files (schema, templates), from source or from dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('internal: cannot find the t1612 package root');
    dir = up;
  }
  root = dir;
  return dir;
}
