// Copies the Handlebars templates next to the compiled JavaScript (tsc copies only .ts output).
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.hbs')) {
      const dest = join('dist', p);
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(p, dest);
    }
  }
}
walk('src');
