/**
 * The typed IR: what every backend renders and the reference evaluator runs. Backends read the IR,
 * never the YAML model, so a behaviour is defined once and no target can drift.
 */
import type { ImageKeyCapture } from './image-key.js';
import type { ScheduleEvery } from './schedule.js';
import type { CanonicalField, Level, LogsourceCategory, TierAction, AttackModel, MetadataModel } from '../model/types.js';
import type { PortableRegex } from './regex.js';
import type { Position } from '../model/diagnostics.js';
import type { Allowlist, ListMatch } from '../model/allowlist.js';
import type { IpNetwork } from './ip.js';

/** An allowlist as a predicate reads it: its name, how it matches, its values (ASCII lower-case). */
export interface ListRef {
  readonly name: string;
  readonly match: ListMatch;
  readonly values: readonly string[];
}

export type CompareOp = 'equals' | 'contains' | 'startswith' | 'endswith';

/** A boolean expression over one event's canonical fields. */
export type Expr =
  | { readonly kind: 'and'; readonly args: readonly Expr[] }
  | { readonly kind: 'or'; readonly args: readonly Expr[] }
  | { readonly kind: 'not'; readonly arg: Expr }
  /** True when the field is present and equals / contains / … any of `values`. */
  | {
      readonly kind: 'compare';
      readonly field: CanonicalField;
      readonly op: CompareOp;
      readonly values: readonly string[];
      readonly caseSensitive: boolean;
    }
  /** True when the field is present and the pattern finds a match (unanchored). */
  | {
      readonly kind: 'regex';
      readonly field: CanonicalField;
      readonly regex: PortableRegex;
      readonly caseSensitive: boolean;
      /** Which helper wrote it, for explanations (`flag --no-cache`), or `regex` for a rule's own. */
      readonly origin: string;
      /**
       * Strings of which at least one must occur in the value for the pattern to match (a necessary
       * condition the reference evaluator tests first, to skip most regex runs); lower-case when
       * `needlesCaseInsensitive`. Absent when no such set is known. Backends ignore it.
       */
      readonly needles?: readonly string[];
      readonly needlesCaseInsensitive?: boolean;
    }
  /** True when the field holds an IP address (src/ir/ip.ts) inside one of the networks. */
  | { readonly kind: 'cidr'; readonly field: CanonicalField; readonly networks: readonly IpNetwork[] }
  /** True when the field holds a whole number in plain decimal (no sign, no leading zero) equal to one of the values. */
  | { readonly kind: 'numeq'; readonly field: CanonicalField; readonly values: readonly number[] }
  /**
   * True when the field's value is an entry of the list, ignoring ASCII case; for a `domain` list
   * also when it ends with "." + an entry. Targets read the list through their own mechanism (a
   * lookup, a let list, a watchlist, filters); the meaning is this one.
   */
  | { readonly kind: 'listed'; readonly field: CanonicalField; readonly list: ListRef };

export type TierCond =
  | { readonly kind: 'always' }
  | { readonly kind: 'and'; readonly args: readonly TierCond[] }
  | { readonly kind: 'or'; readonly args: readonly TierCond[] }
  | { readonly kind: 'not'; readonly arg: TierCond }
  | { readonly kind: 'signal'; readonly id: string }
  | { readonly kind: 'score'; readonly op: 'gte' | 'gt' | 'lte' | 'lt'; readonly value: number };

export interface RiskSignal {
  readonly id: string;
  readonly weight: number;
  readonly description: string;
  readonly expr: Expr;
}

export interface VerdictTier {
  readonly name: string;
  readonly title: string;
  readonly cond: TierCond;
  readonly isDefault: boolean;
  readonly level: Level;
  readonly action: TierAction;
}

/** What every detection (a rule or a correlation) says about itself. */
export interface DetectionMetadata {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly status: string;
  readonly author: string;
  readonly created: string;
  readonly modified?: string;
  readonly references: readonly string[];
  readonly severity: Level;
  readonly confidence: string;
  readonly falsePositives: readonly string[];
  readonly tags: readonly string[];
  readonly attack: AttackModel;
  /** As written; src/ir/schedule.ts fills in the defaults. */
  readonly schedule?: { readonly every?: ScheduleEvery };
  /** As written (src/model/types.ts AlertModel); empty when the detection declares none. */
  readonly alert: { readonly message?: string; readonly entities: readonly CanonicalField[]; readonly details: readonly string[]; readonly position?: Position };
}

/** The metadata as written in a rule or correlation document, with the optional lists made empty. */
export function detectionMetadata(m: MetadataModel): DetectionMetadata {
  return {
    id: m.id,
    name: m.name,
    title: m.title,
    description: m.description,
    status: m.status,
    author: m.author,
    created: m.created,
    ...(m.modified ? { modified: m.modified } : {}),
    references: m.references ?? [],
    severity: m.severity,
    confidence: m.confidence,
    falsePositives: m.falsePositives ?? [],
    tags: m.tags ?? [],
    attack: m.attack,
    ...(m.schedule ? { schedule: m.schedule } : {}),
    alert: { ...(m.alert?.message !== undefined ? { message: m.alert.message } : {}), entities: m.alert?.entities ?? [], details: m.alert?.details ?? [] },
  };
}

export interface RuleIR extends DetectionMetadata {
  readonly logsource: { readonly category: LogsourceCategory; readonly product: string };
  /** Which events the rule is about. */
  readonly match: Expr;
  /** Allowlist suppressions: an event for which one holds is not a result (applied after `match`). */
  readonly suppress: readonly { readonly field: CanonicalField; readonly list: ListRef }[];
  /** Every allowlist the rule reads (suppressions and `listed` predicates), by name. */
  readonly lists: readonly Allowlist[];
  readonly signals: readonly RiskSignal[];
  readonly threshold: number;
  /** In order; the first whose condition holds wins; the last is the default. */
  readonly tiers: readonly VerdictTier[];
  /** Source file, relative to the working directory, for headers and messages. */
  readonly file: string;
  /** Fields the rule needs: a profile without one of them cannot run it. */
  readonly fieldsRead: readonly CanonicalField[];
  /** Fields read only to refine a predicate (a profile without them loses that refinement). */
  readonly optionalFields: readonly { field: CanonicalField; use: string; position: Position }[];
  /** Where the rule's events name an image (src/ir/image-key.ts); empty when they never do. */
  readonly imageKey: readonly ImageKeyCapture[];
}

export function fieldsOf(e: Expr, into: Set<CanonicalField> = new Set()): Set<CanonicalField> {
  switch (e.kind) {
    case 'and':
    case 'or':
      e.args.forEach((a) => fieldsOf(a, into));
      return into;
    case 'not':
      return fieldsOf(e.arg, into);
    case 'compare':
    case 'regex':
    case 'cidr':
    case 'numeq':
    case 'listed':
      into.add(e.field);
      return into;
    default:
      return assertNever(e);
  }
}

export function assertNever(x: never): never {
  throw new Error(`internal: unexpected node ${JSON.stringify(x)}`);
}

/** Every field the rule reads, needed or optional, sorted. */
export function allFieldsRead(rule: RuleIR): CanonicalField[] {
  return [...new Set([...rule.fieldsRead, ...rule.optionalFields.map((o) => o.field), ...rule.suppress.map((s) => s.field)])].sort();
}
