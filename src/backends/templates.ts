/**
 * Handlebars, configured once: strict (a missing value throws), no HTML escaping (queries are not
 * HTML), known helpers only. Templates arrange fragments that typed code has already built and
 * escaped; they make no decisions.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

const cache = new Map<string, HandlebarsTemplateDelegate>();

export function loadTemplate(url: URL): HandlebarsTemplateDelegate {
  const key = url.href;
  let t = cache.get(key);
  if (!t) {
    t = Handlebars.compile(readFileSync(url, 'utf8'), { strict: true, noEscape: true, knownHelpersOnly: true });
    cache.set(key, t);
  }
  return t;
}
