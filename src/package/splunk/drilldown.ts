/**
 * A notable's drilldown search: the detection's results (its `t1612_<detection>_results` macro,
 * macros.ts) narrowed to the notable's entity values, over the triggering search's time range
 * (es.ts), showing the time, the entities and the alert's details when it declares some.
 *
 * Only `$column$` tokens appear in it: the compiled query itself holds regexes with `$` (end of
 * string), which Enterprise Security would read as tokens if the query were inlined here.
 */
import type { AlertView } from './alert.js';
import type { Drilldown } from './es.js';
import { resultsMacroName } from './macros.js';

export function drilldown(detection: string, view: AlertView, timeColumn: string | undefined): Drilldown {
  const filters = view.entities.map((e) => `${e.column}="$${e.column}$"`);
  const shown = [...new Set([...(timeColumn ? [timeColumn] : []), ...view.entities.map((e) => e.column), ...view.details])];
  const search = [`\`${resultsMacroName(detection)}\``, ...(filters.length ? [`search ${filters.join(' ')}`] : []), ...(view.details.length ? [`table ${shown.join(', ')}`] : [])].join(' | ');
  const name = filters.length ? `Results of ${detection} for ${view.entities.map((e) => `${e.column}=$${e.column}$`).join(', ')}` : `Results of ${detection}`;
  return { name, search };
}
