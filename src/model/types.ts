/**
 * The rule model as written in YAML, after schema validation. These types mirror
 * `schema/rule.schema.json`; `src/ir/lower.ts` turns them into the IR every backend renders.
 */

/** Canonical field names: the Sigma taxonomy's, for every log source the model knows. */
export const CANONICAL_FIELDS = {
  process_creation: ['Image', 'CommandLine', 'ParentImage', 'ParentCommandLine', 'User', 'CurrentDirectory', 'Host'],
  /** Sysmon EventID 11 (FileCreate): the file written and the process that wrote it. */
  file_event: ['TargetFilename', 'Image', 'User', 'Host'],
  /**
   * Sysmon EventID 3 (NetworkConnect), DeviceNetworkEvents: the process that connected and where to.
   * ParentImage is the connecting process's parent (Defender has it; Sysmon for Linux does not).
   */
  network_connection: ['Image', 'User', 'Host', 'DestinationIp', 'DestinationHostname', 'DestinationPort', 'Initiated', 'ParentImage'],
  /**
   * A Kubernetes API server audit event (audit.k8s.io/v1 Event): the verb, the object it acts on
   * (objectRef.resource, objectRef.namespace), who asked (user.username), and for a pod the image of
   * its **first** container only (requestObject.spec.containers[0].image; other containers and init
   * containers are not read). It has no Host: a deploy is an act on the cluster, not on a machine.
   */
  k8s_audit: ['Verb', 'ObjectResource', 'ObjectNamespace', 'User', 'ContainerImage'],
} as const;

/** The product each log source is written for (the rule's `logsource.product`). */
export const CATEGORY_PRODUCT: Readonly<Record<keyof typeof CANONICAL_FIELDS, 'linux' | 'kubernetes'>> = {
  process_creation: 'linux',
  file_event: 'linux',
  network_connection: 'linux',
  k8s_audit: 'kubernetes',
};

/** Fields whose values are whole numbers: compared with numeric `equals`, never as strings. */
export const NUMERIC_FIELDS: ReadonlySet<string> = new Set(['DestinationPort']);
/** Fields holding an IP address (IPv4 or IPv6): the only fields `cidr` and `publicAddress` read. */
export const ADDRESS_FIELDS: ReadonlySet<string> = new Set(['DestinationIp']);

export type LogsourceCategory = keyof typeof CANONICAL_FIELDS;
export type CanonicalField = (typeof CANONICAL_FIELDS)[LogsourceCategory][number];

export type CaseMode = 'sensitive' | 'insensitive';
export type StringOp = 'equals' | 'contains' | 'startswith' | 'endswith' | 'regex';
export const STRING_OPS: readonly StringOp[] = ['equals', 'contains', 'startswith', 'endswith', 'regex'];

export interface FieldPredicate {
  field: CanonicalField;
  /** Strings; on a numeric field (DestinationPort), whole numbers. */
  equals?: string | string[] | number | number[];
  /** The address lies in one of these networks (IPv4 or IPv6 CIDR). */
  cidr?: string | string[];
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
  /** `basename`: the value's last `/` component equals a name (an executable path or bare name). */
  values?: { startswith?: string[]; equals?: string[]; basename?: string[] };
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

/**
 * The image reference of a container CLI command (`docker run … IMAGE`), read through the program,
 * its global options, the subcommand words and the subcommand's options (src/ir/helpers.ts
 * `imageRegex`), and a test of its registry: `explicit` (the reference names a registry host) or
 * `{ listed: <allowlist> }` (the registry, docker.io when implicit, is an entry of the list; the
 * entries are compiled into the pattern).
 */
export interface ImageHelper {
  field: CanonicalField;
  words: string[];
  optionsWithValue?: string[];
  booleanOptions?: string[];
  subcommandOptionsWithValue?: string[];
  subcommandBooleanOptions?: string[];
  registry: 'explicit' | { listed: string };
}

/** The address field holds a public (globally routable) IPv4 or IPv6 address. */
export interface PublicAddressHelper {
  field: CanonicalField;
}

/** The field's value is an entry of a named allowlist (src/model/allowlist.ts). */
export interface ListedHelper {
  field: CanonicalField;
  list: string;
}

/**
 * One place an event names a container image (src/ir/image-key.ts): the positional image of a
 * run/create/pull command, the value of an option (`-t`/`--tag` of a build, kubectl's `--image`), or
 * a field holding a reference.
 */
export type ImageKeySource =
  | { image: Omit<ImageHelper, 'registry'> }
  | { flag: { field: CanonicalField; names: string[] } }
  | { reference: { field: CanonicalField } };

export type Predicate =
  | { all: Predicate[] }
  | { any: Predicate[] }
  | { not: Predicate }
  | FieldPredicate
  | { executable: ExecutableHelper }
  | { flag: FlagHelper }
  | { argument: ArgumentHelper }
  | { pathArgument: PathArgumentHelper }
  | { subcommand: SubcommandHelper }
  | { image: ImageHelper }
  | { publicAddress: PublicAddressHelper }
  | { listed: ListedHelper };

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

/** What a rule or correlation document says about itself, as written. */
export interface MetadataModel {
  id: string;
  name: string;
  title: string;
  description: string;
  status: string;
  author: string;
  created: string;
  modified?: string;
  references?: string[];
  severity: Level;
  confidence: string;
  falsePositives?: string[];
  tags?: string[];
  attack: AttackModel;
  /** How often the detection runs (src/ir/schedule.ts); its lookback follows from it. */
  schedule?: { every?: import('../ir/schedule.js').ScheduleEvery };
  /** What an alert shows: every name is an output column of the detection's results (src/schema/checks/output-lineage.ts). */
  alert?: AlertModel;
}

/**
 * What a deployed detection's alert shows (Splunk notable and risk objects, Sentinel entities and
 * custom details). Every name is an output of the detection's results: for a rule, a field of its log
 * source, `risk_score`, `risk_tier`, `risk_action` or `sig_<signal id>`; for a correlation, a group-by
 * field, `chain_start`, `chain_end`, `correlation`, `correlation_level` or `correlation_action`.
 */
export interface AlertModel {
  /** One line with `{name}` tokens: `Image build on {Host} by {User} ({risk_tier})`. */
  message?: string;
  /** Fields that name the alert's entities: Host (host), User (account), Image (process), DestinationIp (IP address), … */
  entities?: CanonicalField[];
  /** Outputs shown with the alert (Sentinel custom details, Splunk drilldown). */
  details?: string[];
}

export interface RuleModel extends MetadataModel {
  status: 'experimental' | 'test' | 'stable' | 'deprecated' | 'unsupported';
  confidence: 'low' | 'medium' | 'high';
  logsource: { category: LogsourceCategory; product: 'linux' | 'kubernetes' };
  match: Predicate;
  /** Fields read only to widen the rule: profiles without them still run it (what is lost is noted). */
  optionalFields?: { field: CanonicalField; use: string }[];
  /** Events whose field is an entry of the named list are suppressed (approved hosts, CI accounts). */
  allowlists?: { list: string; field: CanonicalField }[];
  /** Where an event of the rule names a container image, for correlations joined on the image (`joinOn: [image]`). */
  imageKey?: ImageKeySource[];
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
