/**
 * The rule model as written in YAML, after schema validation. These types mirror
 * `schema/rule.schema.json`; `src/ir/lower.ts` turns them into the IR every backend renders.
 */

/** Canonical field names: the Sigma taxonomy's, for every log source the model knows. */
export const CANONICAL_FIELDS = {
  process_creation: ['Image', 'CommandLine', 'ParentImage', 'ParentCommandLine', 'User', 'CurrentDirectory'],
  /** Sysmon EventID 11 (FileCreate): the file written and the process that wrote it. */
  file_event: ['TargetFilename', 'Image', 'User'],
} as const;

export type LogsourceCategory = keyof typeof CANONICAL_FIELDS;
export type CanonicalField = (typeof CANONICAL_FIELDS)[LogsourceCategory][number];

export type CaseMode = 'sensitive' | 'insensitive';
export type StringOp = 'equals' | 'contains' | 'startswith' | 'endswith' | 'regex';
export const STRING_OPS: readonly StringOp[] = ['equals', 'contains', 'startswith', 'endswith', 'regex'];

export interface FieldPredicate {
  field: CanonicalField;
  equals?: string | string[];
  contains?: string | string[];
  startswith?: string | string[];
  endswith?: string | string[];
  regex?: string | string[];
  /** With a list of values: `any` (default) or `all` must hold. */
  match?: 'any' | 'all';
  case?: CaseMode;
}

export interface ExecutableHelper {
  field: CanonicalField;
  names: string[];
  versionSuffix?: boolean;
  case?: CaseMode;
}

export interface FlagHelper {
  field: CanonicalField;
  names: string[];
  values?: { startswith?: string[]; equals?: string[] };
  case?: CaseMode;
}

export interface ArgumentHelper {
  field: CanonicalField;
  startswith?: string[];
  contains?: string[];
  endswith?: string[];
  case?: CaseMode;
}

export interface PathArgumentHelper {
  field: CanonicalField;
  under: string[];
  cwdField?: CanonicalField;
}

export interface SubcommandHelper {
  field: CanonicalField;
  words: string[];
  optionsWithValue?: string[];
}

export type Predicate =
  | { all: Predicate[] }
  | { any: Predicate[] }
  | { not: Predicate }
  | FieldPredicate
  | { executable: ExecutableHelper }
  | { flag: FlagHelper }
  | { argument: ArgumentHelper }
  | { pathArgument: PathArgumentHelper }
  | { subcommand: SubcommandHelper };

export type ScoreComparison = { gte?: number; gt?: number; lte?: number; lt?: number };

export type TierCondition =
  | { all: TierCondition[] }
  | { any: TierCondition[] }
  | { not: TierCondition }
  | { signal: string }
  | { score: ScoreComparison };

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type TierAction = 'alert' | 'risk';

export interface TierModel {
  name: string;
  title: string;
  when?: TierCondition;
  default?: boolean;
  level: Level;
  action: TierAction;
}

export interface SignalModel {
  id: string;
  weight: number;
  description: string;
  when: Predicate;
}

export interface AttackModel {
  version: string;
  technique: string;
  tactics: string[];
  strategy: string;
  analytics: string[];
}

export interface RuleModel {
  id: string;
  name: string;
  title: string;
  description: string;
  status: 'experimental' | 'test' | 'stable' | 'deprecated' | 'unsupported';
  author: string;
  created: string;
  modified?: string;
  references?: string[];
  severity: Level;
  confidence: 'low' | 'medium' | 'high';
  falsePositives?: string[];
  tags?: string[];
  attack: AttackModel;
  logsource: { category: LogsourceCategory; product: 'linux' };
  match: Predicate;
  signals: SignalModel[];
  threshold: number;
  tiers: TierModel[];
}

/** A rule as loaded: the model plus where it came from. */
export interface LoadedRule {
  readonly file: string;
  readonly model: RuleModel;
  readonly locate: import('./yaml.js').LocatedDocument;
}
