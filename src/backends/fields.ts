/** Field mappings shared by profiles. */
import { CANONICAL_FIELDS, type CanonicalField, type LogsourceCategory } from '../model/types.js';

/** The identity mapping: profiles whose events use the Sigma taxonomy's own field names. */
export function taxonomyFields(category: LogsourceCategory): Readonly<Partial<Record<CanonicalField, string>>> {
  return Object.fromEntries(CANONICAL_FIELDS[category].map((f) => [f, f]));
}
