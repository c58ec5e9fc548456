/**
 * The Sigma-taxonomy log record for a canonical event: what a Sigma rule's detection is matched
 * against (semantics.md §3.4, `product: linux` + `category: process_creation`; `product: kubernetes`
 * + `service: audit` for Kubernetes audit events).
 *
 * - Each canonical field the profile carries is written under the profile's field name
 *   (`profile.fields`; for the taxonomy profile the names are the canonical ones, and for Kubernetes
 *   audit events the audit event's dotted JSON names, `objectRef.resource`: the record is the
 *   flattened event, each dotted name one key, as Sigma rules name them).
 * - The model's one meaning of a missing value (src/ir/evaluate.ts: missing, null, `""` or one of the
 *   profile's placeholders is absent) is written the way the Sigma taxonomy writes it: the field is
 *   left out of the record. So `Field|exists: false` and `Field: null` hold for it, and every string
 *   value (including `''`) fails on it (evaluate.ts states the matching rules).
 * - `_time` is kept as it is when the event has it (no rule matches it, but results carry it back).
 * - Other keys of the event are not telemetry of this profile and are dropped.
 */
import type { CanonicalField } from '../../model/types.js';
import type { CanonicalEvent } from '../../ir/evaluate.js';
import type { Row } from '../evaluation.js';
import type { SigmaProfile } from './profiles.js';
import type { ProfileView } from '../types.js';
import { fieldPairs } from '../fields.js';

const KEPT = ['_time'] as const;

interface Mapping {
  readonly pairs: readonly (readonly [CanonicalField, string])[];
  readonly placeholders: ReadonlySet<string>;
}

const mappings = new Map<string, Mapping>();

function mappingOf(profile: ProfileView<SigmaProfile>): Mapping {
  const key = `${profile.id}\u0000${profile.category}`;
  let m = mappings.get(key);
  if (!m) {
    const pairs = fieldPairs(profile.fields);
    m = { pairs, placeholders: new Set(profile.placeholders) };
    mappings.set(key, m);
  }
  return m;
}

export function sigmaRow(event: CanonicalEvent, profile: ProfileView<SigmaProfile>): Row {
  const { pairs, placeholders } = mappingOf(profile);
  const row: Record<string, unknown> = {};
  for (const k of KEPT) {
    const v = event[k];
    if (v !== undefined && v !== null) row[k] = v;
  }
  for (const [canonical, target] of pairs) {
    const v = Object.hasOwn(event, canonical) ? event[canonical] : undefined;
    if (typeof v !== 'string' || v === '' || placeholders.has(v)) continue;
    row[target] = v;
  }
  return row;
}
