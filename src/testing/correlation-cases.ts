/**
 * Test cases of correlation rules (`rules/<name>.tests.yml` beside a correlation): event streams and
 * the chains they must give, run through the reference meaning (src/ir/correlation.ts) and through
 * every target's emitted correlation query.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { parseAndValidate } from '../model/load.js';
import type { CanonicalField, LogsourceCategory } from '../model/types.js';
import { carriesGroup, correlate, sortChains, type ChainResult, type CorrelationIR, type TimedEvent } from '../ir/correlation.js';
import { IMAGE_ONLY_STAGES } from '../backends/telemetry.js';
import type { CanonicalEvent, EvaluateOptions } from '../ir/evaluate.js';
import { targets, type TargetId } from '../backends/index.js';
import { viewFor, type EmittedFile, type ProfileBase } from '../backends/types.js';
import type { CompiledCorrelation, StreamRow } from '../backends/evaluation.js';

export interface ChainExpectation {
  readonly group: Readonly<Record<string, string>>;
  readonly start: string;
  readonly end: string;
}

export interface CorrelationCase {
  readonly name: string;
  readonly reason: string;
  readonly events: readonly (CanonicalEvent & { category: LogsourceCategory; _time: string })[];
  readonly expect: { readonly chains: readonly ChainExpectation[] };
  readonly expectByProfile?: Readonly<Record<string, { readonly chains: readonly ChainExpectation[] }>>;
}

export function loadCorrelationTests(path: string, c: CorrelationIR): { cases?: readonly CorrelationCase[]; diagnostics: Diagnostic[] } {
  const parsed = parseAndValidate(path, 'correlation-tests');
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.doc || diagnostics.length) return { diagnostics };
  const value = parsed.doc.value as { rule: string; cases: CorrelationCase[] };
  if (value.rule !== c.name) diagnostics.push(diagnostic(parsed.file, parsed.doc.at('/rule'), 'error', 'tests', `test file names "${value.rule}", not the correlation ${c.name} beside it`, `set rule: ${c.name}`));
  const seen = new Set<string>();
  value.cases.forEach((k, i) => {
    if (seen.has(k.name)) diagnostics.push(diagnostic(parsed.file, parsed.doc!.at(`/cases/${i}/name`), 'error', 'tests', `duplicate case name "${k.name}"`, 'give each case its own name'));
    seen.add(k.name);
    k.events.forEach((e, j) => {
      if (Number.isNaN(Date.parse(e._time))) diagnostics.push(diagnostic(parsed.file, parsed.doc!.at(`/cases/${i}/events/${j}/_time`), 'error', 'tests', `_time "${e._time}" is not an ISO 8601 time`, 'write 2026-11-20T10:00:00Z'));
    });
  });
  return { cases: value.cases, diagnostics };
}

/** Expected chains in the form results take: epoch seconds, sorted. */
export function expectedChains(chains: readonly ChainExpectation[]): ChainResult[] {
  return sortChains(chains.map((x) => ({ group: { ...x.group }, start: Date.parse(x.start) / 1000, end: Date.parse(x.end) / 1000 })));
}

export function sameChains(a: readonly ChainResult[], b: readonly ChainResult[]): boolean {
  const norm = (r: readonly ChainResult[]) => JSON.stringify(sortChains(r.map((x) => ({ group: Object.fromEntries(Object.entries(x.group).sort()), start: x.start, end: x.end }))));
  return norm(a) === norm(b);
}

export function formatChains(r: readonly ChainResult[]): string {
  if (!r.length) return 'no chain';
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  return r.map((x) => `${Object.values(x.group).join('/')} ${iso(x.start)}→${iso(x.end)}`).join(', ');
}

export function streamOf(c: CorrelationCase): TimedEvent[] {
  return c.events.map((e) => ({ category: e.category, time: Date.parse(e._time) / 1000, event: e }));
}

/**
 * How one profile sees each category, for the reference meaning; undefined where it has no such
 * events. With a correlation and a target that cannot run image-only stage rules (SPL, Sigma:
 * src/backends/telemetry.ts IMAGE_ONLY_STAGES), the categories of the correlation's image-only rules
 * (a log source without the group-by fields, k8s_audit) are left out too, even where the profile has
 * them: the view of the chain the target's query reads, which drops those rules and says so.
 */
export function profileOpts(profile: ProfileBase, dropped?: { readonly c: CorrelationIR; readonly target: TargetId }): (category: string) => EvaluateOptions | undefined {
  const without = new Set<string>();
  if (dropped && IMAGE_ONLY_STAGES[dropped.target] !== undefined)
    for (const s of dropped.c.stages) for (const r of s.rules) if (!carriesGroup(dropped.c, r)) without.add(r.logsource.category);
  return (category) => {
    const view = without.has(category) ? undefined : viewFor(profile, category as LogsourceCategory);
    return view ? { availableFields: new Set(Object.keys(view.fields) as CanonicalField[]), placeholders: view.placeholders } : undefined;
  };
}

/** The reference chains of a case: over every log source, or as a profile sees the stream (and, with a target, as that target's query reads the chain: profileOpts). */
export function irChains(c: CorrelationIR, k: CorrelationCase, profile?: ProfileBase, target?: TargetId): ChainResult[] {
  return correlate(c, streamOf(k), profile ? profileOpts(profile, target ? { c, target } : undefined) : undefined);
}

/** The target rows of a stream as a profile holds them (events of categories it lacks are absent). */
export function streamRows(target: TargetId, profile: ProfileBase, stream: readonly TimedEvent[]): StreamRow[] {
  const evaluator = targets[target].evaluator!;
  const rows: StreamRow[] = [];
  for (const te of stream) {
    const view = viewFor(profile, te.category as LogsourceCategory);
    if (view) rows.push({ category: view.category, row: evaluator.toRow({ ...te.event, _time: new Date(te.time * 1000).toISOString() }, view) });
  }
  return rows;
}

/** Compile the emitted correlation query of one profile, or say why it cannot run. */
export function prepareCorrelation(c: CorrelationIR, target: TargetId, profile: ProfileBase, files: readonly EmittedFile[]): CompiledCorrelation | string {
  const evaluator = targets[target].evaluator;
  if (!evaluator?.compileCorrelation) return `${target} evaluator cannot run correlations`;
  const folder = `${target}/${profile.id}/`;
  const inFolder = files.filter((f) => f.path.startsWith(folder));
  const query = inFolder.find((f) => f.path.slice(folder.length).replace(/\.[^.]+$/, '') === c.name);
  if (!query) return `not compiled for ${target}/${profile.id}`;
  try {
    return evaluator.compileCorrelation(query, inFolder.filter((f) => f !== query), profile);
  } catch (e) {
    return (e as Error).message;
  }
}
