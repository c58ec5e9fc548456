/**
 * Model → IR. Helpers become regex nodes with their grammar (src/ir/helpers.ts); value lists with
 * `match: all` become conjunctions; defaults (case-insensitive, `any`) are made explicit.
 * Lowering assumes the rule passed schema validation; what can still be wrong (a regex outside the
 * portable subset) is reported as a located Diagnostic.
 */
import type { CanonicalField, FieldPredicate, LoadedRule, Predicate, TierCondition } from '../model/types.js';
import { NUMERIC_FIELDS, STRING_OPS } from '../model/types.js';
import type { Allowlist } from '../model/allowlist.js';
import { ALL_ADDRESSES, NON_PUBLIC_NETWORKS, parseNetwork, type IpNetwork } from './ip.js';
import { diagnostic, type Diagnostic, type Position } from '../model/diagnostics.js';
import type { CompareOp, Expr, ListRef, RuleIR, TierCond } from './nodes.js';
import { detectionMetadata, fieldsOf } from './nodes.js';
import { PortableRegex } from './regex.js';
import * as H from './helpers.js';
import { lowerImageKey } from './image-key.js';

export interface LowerResult {
  readonly ir?: RuleIR;
  readonly diagnostics: readonly Diagnostic[];
}

/** A subcommand grammar without `optionsWithValue`: every global option is a single word. */
const NO_VALUE_OPTIONS: readonly string[] = [];
/** An image helper's option list the rule leaves out. */
const NO_OPTIONS: readonly string[] = [];

/** Networks the model defines itself (src/ir/ip.ts), parsed once. */
function networks(texts: readonly string[]): IpNetwork[] {
  return texts.map((t) => {
    const n = parseNetwork(t);
    if ('problem' in n) throw new Error(`internal: ${n.problem}`);
    return n;
  });
}
const EVERY_ADDRESS = networks(ALL_ADDRESSES);
const NON_PUBLIC = networks(NON_PUBLIC_NETWORKS.map((n) => n.network));

export function listRef(list: Allowlist): ListRef {
  return { name: list.name, match: list.match, values: list.entries.map((e) => e.value.toLowerCase()) };
}

/** Lower a rule; `lists` are the allowlists of this run by name (the unknown-list check ran first). */
export function lowerRule(rule: LoadedRule, lists: ReadonlyMap<string, Allowlist> = new Map()): LowerResult {
  const diagnostics: Diagnostic[] = [];
  const used = new Map<string, Allowlist>();
  const refOf = (name: string): ListRef => {
    const list = lists.get(name);
    if (!list) throw new Error(`internal: unknown allowlist ${name}`);
    used.set(name, list);
    return listRef(list);
  };
  /**
   * An allowlist compiled into a helper's pattern (the image helper's registry test): its entries are
   * read now, so it is not one of the lists the targets look up at run time (`ir.lists`).
   */
  const inlineList = (name: string): H.ImageRegistryTest => {
    const list = lists.get(name);
    if (!list) throw new Error(`internal: unknown allowlist ${name}`);
    return { kind: 'listed', entries: listRef(list).values, match: list.match };
  };
  const optionalFields: { field: CanonicalField; use: string; position: Position }[] = [];
  /** Nodes that only refine a predicate (a current-directory test): their field may be missing. */
  const optionalNodes = new Set<Expr>();
  const m = rule.model;

  const regexNode = (field: CanonicalField, source: string, ci: boolean, origin: string, pointer: string): Expr => {
    const parsed = PortableRegex.parse(source, ci);
    if (parsed instanceof PortableRegex) return { kind: 'regex', field, regex: parsed, caseSensitive: !ci, origin };
    const pos = rule.locate.at(pointer);
    // The column points into the pattern when it sits on the node's line as a plain or quoted scalar.
    diagnostics.push(diagnostic(rule.file, pos, 'error', 'portable-regex', parsed.message, parsed.hint));
    return { kind: 'or', args: [] };
  };
  const trusted = (field: CanonicalField, source: string, origin: string, needles?: readonly string[], needlesCi = false): Expr => ({
    kind: 'regex',
    field,
    regex: PortableRegex.trusted(source, false),
    caseSensitive: true,
    origin,
    ...(needles && needles.every((n) => n.length > 0) ? { needles: needlesCi ? needles.map((n) => n.toLowerCase()) : needles, needlesCaseInsensitive: needlesCi } : {}),
  });

  const lowerPredicate = (p: Predicate, ptr: string): Expr => {
    if ('all' in p) return { kind: 'and', args: p.all.map((q, i) => lowerPredicate(q, `${ptr}/all/${i}`)) };
    if ('any' in p) return { kind: 'or', args: p.any.map((q, i) => lowerPredicate(q, `${ptr}/any/${i}`)) };
    if ('not' in p) return { kind: 'not', arg: lowerPredicate(p.not, `${ptr}/not`) };
    if ('executable' in p) {
      const g = p.executable;
      return trusted(
        g.field,
        H.executableRegex({ names: g.names, versionSuffix: g.versionSuffix ?? false, caseInsensitive: (g.case ?? 'insensitive') === 'insensitive' }),
        `executable ${g.names.join('|')}`,
        g.names,
        (g.case ?? 'insensitive') === 'insensitive',
      );
    }
    if ('flag' in p) {
      const g = p.flag;
      return trusted(
        g.field,
        H.flagRegex({ names: g.names, ...(g.values ? { values: g.values } : {}), caseInsensitive: (g.case ?? 'insensitive') === 'insensitive' }),
        `flag ${g.names.join('|')}`,
        // a short flag can hide in a cluster (-qf), so only long-only flags give needles
        g.names.every((n) => n.startsWith('--')) ? g.names : undefined,
      );
    }
    if ('argument' in p) {
      const g = p.argument;
      return trusted(
        g.field,
        H.argumentRegex({ ...g, caseInsensitive: (g.case ?? 'insensitive') === 'insensitive' }),
        'argument',
        [...(g.startswith ?? []), ...(g.contains ?? []), ...(g.endswith ?? [])],
        (g.case ?? 'insensitive') === 'insensitive',
      );
    }
    if ('pathArgument' in p) {
      const g = p.pathArgument;
      const dirs = g.under.map((d) => (d.length > 1 ? d.replace(/\/+$/, '') : d));
      const absolute = trusted(g.field, H.pathUnderRegex(g.under), `path under ${g.under.join('|')}`, dirs);
      if (!g.cwdField) return absolute;
      optionalFields.push({ field: g.cwdField, use: 'relative paths (. and ./…) are not resolved and count as outside the directories', position: rule.locate.at(`${ptr}/pathArgument/cwdField`) });
      const cwdTest = trusted(g.cwdField, H.directoryUnderRegex(g.under), `directory under ${g.under.join('|')}`, dirs);
      optionalNodes.add(cwdTest);
      return {
        kind: 'or',
        args: [absolute, { kind: 'and', args: [cwdTest, trusted(g.field, H.relativePathRegex(), 'relative path', ['.'])] }],
      };
    }
    if ('subcommand' in p) {
      const g = p.subcommand;
      return trusted(
        g.field,
        H.subcommandRegex({ words: g.words, optionsWithValue: g.optionsWithValue ?? NO_VALUE_OPTIONS }),
        `subcommand ${g.words.join('|')}`,
        g.words.map((w) => w.split(' ')[0]!),
      );
    }
    if ('image' in p) {
      const g = p.image;
      const registry: H.ImageRegistryTest = g.registry === 'explicit' ? { kind: 'explicit' } : inlineList(g.registry.listed);
      return trusted(
        g.field,
        H.imageRegex({
          words: g.words,
          optionsWithValue: g.optionsWithValue ?? NO_OPTIONS,
          booleanOptions: g.booleanOptions ?? NO_OPTIONS,
          subcommandOptionsWithValue: g.subcommandOptionsWithValue ?? NO_OPTIONS,
          subcommandBooleanOptions: g.subcommandBooleanOptions ?? NO_OPTIONS,
          registry,
        }),
        `image ${g.words.join('|')} registry ${g.registry === 'explicit' ? 'explicit' : `listed ${g.registry.listed}`}`,
        g.words.map((w) => w.split(' ')[0]!),
      );
    }
    if ('publicAddress' in p) {
      const f = p.publicAddress.field;
      return { kind: 'and', args: [{ kind: 'cidr', field: f, networks: EVERY_ADDRESS }, { kind: 'not', arg: { kind: 'cidr', field: f, networks: NON_PUBLIC } }] };
    }
    if ('listed' in p) return { kind: 'listed', field: p.listed.field, list: refOf(p.listed.list) };
    return lowerField(p, ptr);
  };

  const lowerField = (p: FieldPredicate, ptr: string): Expr => {
    const ci = (p.case ?? 'insensitive') === 'insensitive';
    const parts: Expr[] = [];
    if (p.cidr !== undefined) {
      const texts = Array.isArray(p.cidr) ? p.cidr : [p.cidr];
      // Validity was checked before lowering (field-kind check).
      parts.push({ kind: 'cidr', field: p.field, networks: networks(texts) });
    }
    if (NUMERIC_FIELDS.has(p.field) && p.equals !== undefined) {
      const raw = p.equals;
      parts.push({ kind: 'numeq', field: p.field, values: (Array.isArray(raw) ? raw : [raw]) as number[] });
      return parts.length === 1 ? parts[0]! : { kind: 'and', args: parts };
    }
    for (const op of STRING_OPS) {
      const raw = p[op] as string | string[] | undefined;
      if (raw === undefined) continue;
      const values = Array.isArray(raw) ? raw : [raw];
      const all = (p.match ?? 'any') === 'all';
      if (op === 'regex') {
        const nodes = values.map((v, i) => regexNode(p.field, v, ci, 'regex', Array.isArray(raw) ? `${ptr}/regex/${i}` : `${ptr}/regex`));
        parts.push(nodes.length === 1 ? nodes[0]! : { kind: all ? 'and' : 'or', args: nodes });
      } else if (all && values.length > 1) {
        parts.push({ kind: 'and', args: values.map((v) => ({ kind: 'compare', field: p.field, op: op as CompareOp, values: [v], caseSensitive: !ci })) });
      } else {
        parts.push({ kind: 'compare', field: p.field, op: op as CompareOp, values, caseSensitive: !ci });
      }
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', args: parts };
  };

  const lowerTier = (c: TierCondition): TierCond => {
    if ('all' in c) return { kind: 'and', args: c.all.map(lowerTier) };
    if ('any' in c) return { kind: 'or', args: c.any.map(lowerTier) };
    if ('not' in c) return { kind: 'not', arg: lowerTier(c.not) };
    if ('signal' in c) return { kind: 'signal', id: c.signal };
    const cmp = Object.entries(c.score) as [('gte' | 'gt' | 'lte' | 'lt'), number][];
    const nodes: TierCond[] = cmp.map(([op, value]) => ({ kind: 'score', op, value }));
    return nodes.length === 1 ? nodes[0]! : { kind: 'and', args: nodes };
  };

  const match = lowerPredicate(m.match, '/match');
  const suppress = (m.allowlists ?? []).map((a) => ({ field: a.field, list: refOf(a.list) }));
  const signals = m.signals.map((s, i) => ({
    id: s.id,
    weight: s.weight,
    description: s.description,
    expr: lowerPredicate(s.when, `/signals/${i}/when`),
  }));
  const tiers = m.tiers.map((t) => ({
    name: t.name,
    title: t.title,
    cond: t.when ? lowerTier(t.when) : ({ kind: 'always' } as const),
    isDefault: t.default === true,
    level: t.level,
    action: t.action,
  }));

  (m.optionalFields ?? []).forEach((o, i) => optionalFields.push({ field: o.field, use: o.use, position: rule.locate.at(`/optionalFields/${i}/field`) }));
  const declaredOptional = new Set((m.optionalFields ?? []).map((o) => o.field));
  // Fields the rule needs: every field a predicate reads, except those read only to refine one.
  const read = new Set<CanonicalField>();
  const collect = (e: Expr): void => {
    if (e.kind === 'and' || e.kind === 'or') e.args.forEach(collect);
    else if (e.kind === 'not') collect(e.arg);
    else if (!optionalNodes.has(e)) for (const f of fieldsOf(e)) if (!declaredOptional.has(f)) read.add(f);
  };
  collect(match);
  signals.forEach((s) => collect(s.expr));
  suppress.forEach((s) => read.add(s.field));

  if (diagnostics.length) return { diagnostics };
  const ir: RuleIR = {
    ...detectionMetadata(m),
    ...(m.alert ? { alert: { ...detectionMetadata(m).alert, position: rule.locate.at('/alert') } } : {}),
    logsource: m.logsource,
    match,
    suppress,
    lists: [...used.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    signals,
    threshold: m.threshold,
    tiers,
    file: rule.file,
    fieldsRead: [...read].sort(),
    optionalFields,
    imageKey: lowerImageKey(m.imageKey ?? []),
  };
  return { ir, diagnostics };
}
