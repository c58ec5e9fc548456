/**
 * `t1612 diff`, the comparison: two test reports (the rules at a git ref and the rules now, both run
 * on the current tree's cases by the current compiler) → which results change, per rule, case and
 * column. Pure: no files, no git.
 */

/** What one column of `t1612 test` says about one case, reduced to what a diff compares. */
export type Cell =
  | { readonly kind: 'outcome'; readonly matched: boolean; readonly tier: string | null; readonly action: string | null; readonly score: number | null }
  | { readonly kind: 'chains'; readonly chains: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: string };

/**
 * What differs between two cells: `matched`, `tier`, `action`, `score` (only when both sides match
 * and the column computes one), `chains` (correlations), `runs` (the profile can run the rule on one
 * side only), `error` (a query that fails to compile or run on one side), `kind` (a rule became a
 * correlation of the same name or back).
 */
export type Aspect = 'matched' | 'tier' | 'action' | 'score' | 'chains' | 'runs' | 'error' | 'kind';

export interface CellChange {
  readonly case: string;
  readonly column: string;
  readonly aspects: readonly Aspect[];
  readonly before: Cell;
  readonly after: Cell;
}

export type RuleStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface RuleDiff {
  readonly name: string;
  readonly kind: 'rule' | 'correlation';
  /**
   * `changed`: on both sides, and its definition (fingerprint) or a case result differs; `added`: not
   * at the ref (its cases count as added); `removed`: only at the ref.
   */
  readonly status: RuleStatus;
  /** Both sides carry a fingerprint of the rule and they differ. */
  readonly definitionChanged: boolean;
  /** Cases with a result on the current side only (all cases of an added rule). */
  readonly casesAdded: readonly string[];
  /** Cases with a result at the ref only (all cases of a removed rule). */
  readonly casesRemoved: readonly string[];
  /** Cells that differ, by case (current order) then column (report order). */
  readonly changes: readonly CellChange[];
}

export interface DiffCounts {
  readonly rulesChanged: number;
  readonly rulesAdded: number;
  readonly rulesRemoved: number;
  /** Cases present on both sides with at least one differing column. */
  readonly casesDiffer: number;
  /** Columns (`ir` and each `<target>/<profile>`) on which at least one case differs. */
  readonly columnsDiffer: number;
  readonly casesAdded: number;
  readonly casesRemoved: number;
}

export interface ReportDiff {
  /** Columns one side has and the other lacks (their cells are not compared). */
  readonly columns: { readonly onlyBefore: readonly string[]; readonly onlyAfter: readonly string[] };
  /** Every rule and correlation of either side: rules first, then correlations, each by name. */
  readonly rules: readonly RuleDiff[];
  readonly counts: DiffCounts;
  /** Anything differs: a rule added, removed or changed, or a column on one side only. */
  readonly changed: boolean;
}

/** The part of a `TestReport` (src/testing/run.ts) the comparison reads; a TestReport is one. */
export interface ReportLike {
  readonly columns: readonly string[];
  readonly cases: readonly CaseLike[];
}

export interface CaseLike {
  readonly rule: string;
  readonly testCase: { readonly name: string };
  readonly checks: readonly CheckLike[];
}

export interface CheckLike {
  readonly column: string;
  readonly actual: { readonly matched: boolean; readonly score: number; readonly tier: string | null; readonly action: string | null; readonly error?: string };
  readonly skipped?: string;
  readonly chains?: { readonly actual: string };
}

export interface RuleInfo {
  readonly name: string;
  readonly kind: 'rule' | 'correlation';
  /** A digest of the rule's meaning (src/diff/side.ts); a definition change without result changes still counts. */
  readonly fingerprint?: string;
}

/** One side: the rules it has (with or without cases) and its test report. */
export interface DiffSide {
  readonly rules: readonly RuleInfo[];
  readonly report: ReportLike;
}

/** The cell a check gives. Sigma computes no score (NaN): `score: null`. */
export function cellOf(check: CheckLike): Cell {
  if (check.skipped !== undefined) return { kind: 'skipped', reason: check.skipped };
  if (check.actual.error !== undefined) return { kind: 'error', error: check.actual.error };
  if (check.chains) return { kind: 'chains', chains: check.chains.actual };
  const a = check.actual;
  return { kind: 'outcome', matched: a.matched, tier: a.matched ? (a.tier ?? null) : null, action: a.matched ? (a.action ?? null) : null, score: a.matched && Number.isFinite(a.score) ? a.score : null };
}

/** What differs between two cells ([] when nothing does). */
export function compareCells(before: Cell, after: Cell): Aspect[] {
  if (before.kind !== after.kind) {
    if (before.kind === 'skipped' || after.kind === 'skipped') return ['runs'];
    if (before.kind === 'error' || after.kind === 'error') return ['error'];
    return ['kind'];
  }
  switch (before.kind) {
    case 'skipped':
      return []; // still cannot run there; a reworded reason is not a result
    case 'error':
      return before.error === (after as typeof before).error ? [] : ['error'];
    case 'chains':
      return before.chains === (after as typeof before).chains ? [] : ['chains'];
    case 'outcome': {
      const b = after as typeof before;
      const out: Aspect[] = [];
      if (before.matched !== b.matched) out.push('matched');
      if (before.tier !== b.tier) out.push('tier');
      if (before.action !== b.action) out.push('action');
      // An unmatched event has no score; a column without scores (Sigma) compares none.
      if (before.matched && b.matched && before.score !== null && b.score !== null && before.score !== b.score) out.push('score');
      return out;
    }
  }
}

interface SideIndex {
  readonly columns: ReadonlySet<string>;
  readonly rules: Map<string, { kind: 'rule' | 'correlation'; fingerprint?: string; cases: Map<string, ReadonlyMap<string, Cell>> }>;
}

function indexSide(side: DiffSide): SideIndex {
  const rules: SideIndex['rules'] = new Map();
  for (const r of side.rules) rules.set(r.name, { kind: r.kind, ...(r.fingerprint !== undefined ? { fingerprint: r.fingerprint } : {}), cases: new Map() });
  for (const c of side.report.cases) {
    let entry = rules.get(c.rule);
    if (!entry) {
      entry = { kind: c.checks.some((ch) => ch.chains) ? 'correlation' : 'rule', cases: new Map() };
      rules.set(c.rule, entry);
    }
    entry.cases.set(c.testCase.name, new Map(c.checks.map((ch) => [ch.column, cellOf(ch)])));
  }
  return { columns: new Set(side.report.columns), rules };
}

/** Compare the side at the ref (`before`) with the current one (`after`). */
export function compareSides(before: DiffSide, after: DiffSide): ReportDiff {
  const b = indexSide(before);
  const a = indexSide(after);
  const columns = [...after.report.columns.filter((c) => b.columns.has(c))];
  const onlyBefore = before.report.columns.filter((c) => !a.columns.has(c));
  const onlyAfter = after.report.columns.filter((c) => !b.columns.has(c));

  const names = [...new Set([...a.rules.keys(), ...b.rules.keys()])];
  const kindOf = (n: string) => (a.rules.get(n) ?? b.rules.get(n))!.kind;
  names.sort((x, y) => (kindOf(x) === kindOf(y) ? (x < y ? -1 : x > y ? 1 : 0) : kindOf(x) === 'rule' ? -1 : 1));

  const rules: RuleDiff[] = [];
  const columnsDiffer = new Set<string>();
  let casesDiffer = 0;
  for (const name of names) {
    const old = b.rules.get(name);
    const now = a.rules.get(name);
    if (!old || !now) {
      const only = (old ?? now)!;
      const caseNames = [...only.cases.keys()];
      rules.push({ name, kind: only.kind, status: now ? 'added' : 'removed', definitionChanged: false, casesAdded: now ? caseNames : [], casesRemoved: now ? [] : caseNames, changes: [] });
      continue;
    }
    const changes: CellChange[] = [];
    for (const [caseName, cellsNow] of now.cases) {
      const cellsOld = old.cases.get(caseName);
      if (!cellsOld) continue;
      let differs = false;
      for (const column of columns) {
        const x = cellsOld.get(column);
        const y = cellsNow.get(column);
        if (!x || !y) continue;
        const aspects = compareCells(x, y);
        if (!aspects.length) continue;
        changes.push({ case: caseName, column, aspects, before: x, after: y });
        columnsDiffer.add(column);
        differs = true;
      }
      if (differs) casesDiffer++;
    }
    const casesAdded = [...now.cases.keys()].filter((k) => !old.cases.has(k));
    const casesRemoved = [...old.cases.keys()].filter((k) => !now.cases.has(k));
    const definitionChanged = old.fingerprint !== undefined && now.fingerprint !== undefined && old.fingerprint !== now.fingerprint;
    const changed = definitionChanged || changes.length > 0 || casesAdded.length > 0 || casesRemoved.length > 0 || old.kind !== now.kind;
    rules.push({ name, kind: now.kind, status: changed ? 'changed' : 'unchanged', definitionChanged, casesAdded, casesRemoved, changes });
  }
  const counts: DiffCounts = {
    rulesChanged: rules.filter((r) => r.status === 'changed').length,
    rulesAdded: rules.filter((r) => r.status === 'added').length,
    rulesRemoved: rules.filter((r) => r.status === 'removed').length,
    casesDiffer,
    columnsDiffer: columnsDiffer.size,
    casesAdded: rules.reduce((n, r) => n + r.casesAdded.length, 0),
    casesRemoved: rules.reduce((n, r) => n + r.casesRemoved.length, 0),
  };
  const changed = rules.some((r) => r.status !== 'unchanged') || onlyBefore.length > 0 || onlyAfter.length > 0;
  return { columns: { onlyBefore, onlyAfter }, rules, counts, changed };
}
