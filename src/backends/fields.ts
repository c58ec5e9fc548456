/** Field mappings shared by profiles. */
import { CANONICAL_FIELDS, type CanonicalField, type LogsourceCategory } from '../model/types.js';
import type { FieldMap } from './types.js';

/**
 * Fields a result shows, in a fixed order: the user first, then the rest of the category's fields.
 * The host is not among them: every target shows it in its own place (host, DeviceName).
 */
export function shownFields(category: LogsourceCategory): CanonicalField[] {
  const all = ([...CANONICAL_FIELDS[category]] as CanonicalField[]).filter((f) => f !== 'Host');
  return all.includes('User') ? ['User', ...all.filter((f) => f !== 'User')] : all;
}

/** The (canonical field, target field) pairs a log source's field map carries, in map order. */
export function fieldPairs(fields: FieldMap): (readonly [CanonicalField, string])[] {
  return (Object.entries(fields) as [CanonicalField, string | undefined][])
    .filter((p): p is [CanonicalField, string] => typeof p[1] === 'string')
    .map(([canonical, target]) => [canonical, target] as const);
}
