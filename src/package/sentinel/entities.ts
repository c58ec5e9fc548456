/**
 * Entity mappings: the alert's `entities` (canonical fields; schema/rule.schema.json) as Sentinel
 * entities, each identified by the output column that shows the field on the profile:
 *
 *     Host                → Host     HostName
 *     User                → Account  Name
 *     Image               → Process  CommandLine (the CommandLine column), or File Name (the image path)
 *                                    when the query outputs no command line
 *     ParentImage         → Process  CommandLine (the ParentCommandLine column), or File Name (the parent's path)
 *     TargetFilename      → File     Name
 *     DestinationIp       → IP       Address
 *     DestinationHostname → DNS      DomainName
 *
 * Sentinel's Process entity is identified by ProcessId or CommandLine; the compiled queries output no
 * process id, so the command line is used when there is one. A detection that declares no entities
 * maps every one of these fields its query outputs (for a correlation, its group-by fields).
 * Limits (limits.ts): at most ten mappings per rule and three identifiers per mapping; every mapping
 * here has one identifier.
 */
import type { CanonicalField } from '../../model/types.js';
import { CANONICAL_FIELDS } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import type { ColumnLookup } from '../outputs.js';
import { MAX_ENTITY_MAPPINGS, MAX_IDENTIFIERS_PER_ENTITY } from './limits.js';

export interface FieldMapping {
  readonly identifier: string;
  readonly columnName: string;
}

export interface EntityMapping {
  readonly entityType: string;
  readonly fieldMappings: readonly FieldMapping[];
}

/** Fields with a Sentinel entity, in the order defaults are mapped. */
export const ENTITY_FIELDS: readonly CanonicalField[] = ['Host', 'User', 'Image', 'ParentImage', 'TargetFilename', 'DestinationIp', 'DestinationHostname'];

function one(entityType: string, identifier: string, columnName: string | undefined): EntityMapping | undefined {
  return columnName ? { entityType, fieldMappings: [{ identifier, columnName }] } : undefined;
}

/** The mapping of one field, or undefined when the query outputs no column for it. */
export function entityOf(field: CanonicalField, lookup: ColumnLookup): EntityMapping | undefined {
  const col = (f: CanonicalField) => lookup.column(f);
  switch (field) {
    case 'Host':
      return one('Host', 'HostName', col('Host'));
    case 'User':
      return one('Account', 'Name', col('User'));
    case 'Image':
      return one('Process', 'CommandLine', col('CommandLine')) ?? one('File', 'Name', col('Image'));
    case 'ParentImage':
      return one('Process', 'CommandLine', col('ParentCommandLine')) ?? one('File', 'Name', col('ParentImage'));
    case 'TargetFilename':
      return one('File', 'Name', col('TargetFilename'));
    case 'DestinationIp':
      return one('IP', 'Address', col('DestinationIp'));
    case 'DestinationHostname':
      return one('DNS', 'DomainName', col('DestinationHostname'));
    default:
      return undefined;
  }
}

/** The fields a detection's alert names as entities: as declared, else every entity field of its results. */
export function entityFields(d: RuleIR | CorrelationIR): readonly CanonicalField[] {
  if (d.alert.entities.length > 0) return d.alert.entities;
  if ('kind' in d) return ENTITY_FIELDS.filter((f) => d.groupBy.includes(f));
  const fields: readonly string[] = CANONICAL_FIELDS[d.logsource.category];
  return ENTITY_FIELDS.filter((f) => fields.includes(f));
}

export interface EntityResult {
  readonly mappings: readonly EntityMapping[];
  /** Declared fields with no Sentinel entity or no column (the latter is a lineage error elsewhere). */
  readonly unmapped: readonly CanonicalField[];
  /** Limit violations, as sentences. */
  readonly problems: readonly string[];
}

export function entityMappings(d: RuleIR | CorrelationIR, lookup: ColumnLookup): EntityResult {
  const mappings: EntityMapping[] = [];
  const unmapped: CanonicalField[] = [];
  const seen = new Set<string>();
  for (const field of entityFields(d)) {
    const m = entityOf(field, lookup);
    if (!m) {
      unmapped.push(field);
      continue;
    }
    const key = JSON.stringify(m);
    if (seen.has(key)) continue;
    seen.add(key);
    mappings.push(m);
  }
  const problems: string[] = [];
  if (mappings.length > MAX_ENTITY_MAPPINGS) problems.push(`${mappings.length} entity mappings (Sentinel allows at most ${MAX_ENTITY_MAPPINGS} per rule)`);
  for (const m of mappings)
    if (m.fieldMappings.length > MAX_IDENTIFIERS_PER_ENTITY) problems.push(`${m.fieldMappings.length} identifiers for entity ${m.entityType} (at most ${MAX_IDENTIFIERS_PER_ENTITY})`);
  return { mappings, unmapped, problems };
}
