/** Field mappings shared by profiles. */
import { CANONICAL_FIELDS, type CanonicalField, type LogsourceCategory } from '../model/types.js';

/** The identity mapping: profiles whose events use the Sigma taxonomy's own field names. */
export function taxonomyFields(category: LogsourceCategory): Readonly<Partial<Record<CanonicalField, string>>> {
  return Object.fromEntries(CANONICAL_FIELDS[category].map((f) => [f, f]));
}

/** Fields a result shows, in a fixed order: the user first, then the rest of the category's fields. */
export function shownFields(category: LogsourceCategory): CanonicalField[] {
  const all = [...CANONICAL_FIELDS[category]] as CanonicalField[];
  return all.includes('User') ? ['User', ...all.filter((f) => f !== 'User')] : all;
}
