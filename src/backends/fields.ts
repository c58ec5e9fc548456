/** Field mappings shared by profiles. */
import { CANONICAL_FIELDS, type CanonicalField, type LogsourceCategory } from '../model/types.js';

/** Fields a result shows, in a fixed order: the user first, then the rest of the category's fields. */
export function shownFields(category: LogsourceCategory): CanonicalField[] {
  const all = [...CANONICAL_FIELDS[category]] as CanonicalField[];
  return all.includes('User') ? ['User', ...all.filter((f) => f !== 'User')] : all;
}
