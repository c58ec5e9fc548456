/**
 * What a deployed detection's alert shows on Splunk, from its `alert` (src/ir/nodes.ts) and the
 * columns its compiled query outputs (columns.ts):
 * - the message, `{name}` tokens as Splunk's `$column$` tokens, which Enterprise Security fills from
 *   the result in the notable's title and the risk message ("Risk messages … can use fields from the
 *   event surrounded by "$"", ES 7.1 "Create a risk message to add context for investigations",
 *   https://docs.splunk.com/Documentation/ES/7.1.0/RBA/CreateRiskMessage). Without a message: the
 *   detection's title, followed by " on $<host column>$" when the results show a host;
 * - the entities (risk objects and drilldown filters): the declared ones, or the host and user
 *   columns for a rule and the group-by fields for a correlation when none are declared;
 * - the details: the columns the notable's description lists as tokens after the detection's
 *   description, and the drilldown shows beside the entities.
 * Every declared name must be a column: `lineageErrors` (src/package/outputs.ts) reports those that
 * are not, and the package is not written.
 */
import type { CanonicalField } from '../../model/types.js';
import type { DetectionMetadata } from '../../ir/nodes.js';
import type { ColumnLookup } from '../outputs.js';

export interface AlertEntity {
  readonly field: CanonicalField;
  readonly column: string;
}

export interface AlertView {
  /** The message in Splunk's token form. */
  readonly message: string;
  readonly entities: readonly AlertEntity[];
  /** Detail columns, without those already shown as entities. */
  readonly details: readonly string[];
}

/** A notable's description: the detection's, then its details as `$column$` tokens. */
export function notableDescription(description: string, view: AlertView): string {
  return view.details.length ? `${description} Details: ${view.details.map((c) => `${c}=$${c}$`).join(', ')}.` : description;
}

/** Static text in a field Splunk reads tokens from: does it hold a `$`, which Splunk would take for a token's start? */
export function hasDollar(text: string): boolean {
  return text.includes('$');
}

export function alertView(d: DetectionMetadata, lookup: ColumnLookup, defaultEntities: readonly CanonicalField[]): AlertView {
  const col = (name: string): string => lookup.column(name) ?? name;
  const host = lookup.column('Host');
  const message = d.alert.message !== undefined ? d.alert.message.replace(/\{([^{}]*)\}/g, (_, n: string) => `$${col(n)}$`) : `${d.title}${host ? ` (host $${host}$)` : ''}`;
  const declared = d.alert.entities.length > 0;
  const entities = (declared ? d.alert.entities : defaultEntities).flatMap((field) => {
    const column = lookup.column(field);
    return column === undefined ? [] : [{ field, column }];
  });
  const shown = new Set(entities.map((e) => e.column));
  const details = [...new Set(d.alert.details.map(col))].filter((c) => !shown.has(c));
  return { message, entities, details };
}
