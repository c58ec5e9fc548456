/**
 * Handlebars, configured once: strict (a missing value throws), no HTML escaping (queries are not
 * HTML), known helpers only. Templates arrange fragments that typed code has already built and
 * escaped; they make no decisions.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../paths.js';

const cache = new Map<string, HandlebarsTemplateDelegate>();
let partialsRegistered = false;

/** The shared partials in the package's top-level templates/ folder (`provenance`, …). */
function registerPartials(): void {
  if (partialsRegistered) return;
  const dir = join(packageRoot(), 'templates');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort())
    Handlebars.registerPartial(name.slice(0, -'.hbs'.length), readFileSync(join(dir, name), 'utf8'));
  partialsRegistered = true;
}

export function loadTemplate(url: URL): HandlebarsTemplateDelegate {
  const key = url.href;
  let t = cache.get(key);
  if (!t) {
    registerPartials();
    t = Handlebars.compile(readFileSync(url, 'utf8'), { strict: true, noEscape: true, knownHelpersOnly: true });
    cache.set(key, t);
  }
  return t;
}
