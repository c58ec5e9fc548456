/** `t1612 diff` output: text for a person or a pull-request comment, JSON for tools. Pure. */
import type { Cell, ReportDiff, RuleDiff } from './compare.js';

export interface FormatOptions {
  /** The git ref as the user wrote it (`origin/main`). */
  readonly ref: string;
  /** The commit it resolved to. */
  readonly commit?: string;
}

export function formatCell(c: Cell): string {
  switch (c.kind) {
    case 'outcome':
      return c.matched ? `${c.tier}/${c.action}${c.score === null ? '' : ` score ${c.score}`}` : 'no match';
    case 'chains':
      return c.chains;
    case 'skipped':
      return 'cannot run';
    case 'error':
      return `error: ${c.error.length > 160 ? `${c.error.slice(0, 160)}…` : c.error}`;
  }
}

/** The one line for a pull request. */
export function summaryLine(d: ReportDiff, ref: string): string {
  const c = d.counts;
  let line = `t1612 diff ${ref}: ${c.rulesChanged} rule(s) changed, ${c.rulesAdded} added, ${c.rulesRemoved} removed; ${c.casesDiffer} case result(s) differ on ${c.columnsDiffer} target column(s)`;
  if (c.casesAdded || c.casesRemoved) line += `; ${c.casesAdded} case(s) added, ${c.casesRemoved} removed`;
  if (d.columns.onlyBefore.length) line += `; column(s) only at ${ref}: ${d.columns.onlyBefore.join(', ')}`;
  if (d.columns.onlyAfter.length) line += `; column(s) only now: ${d.columns.onlyAfter.join(', ')}`;
  return line;
}

function ruleHeading(r: RuleDiff, ref: string): string {
  const what = r.kind === 'correlation' ? 'correlation' : 'rule';
  switch (r.status) {
    case 'added':
      return `${r.name} (${what}): added, not at ${ref} (${r.casesAdded.length} case(s))`;
    case 'removed':
      return `${r.name} (${what}): removed (${r.casesRemoved.length} case(s) at ${ref})`;
    case 'unchanged':
      return `${r.name} (${what}): unchanged`;
    case 'changed': {
      const notes: string[] = [];
      if (r.definitionChanged) notes.push('definition changed');
      if (r.changes.length) notes.push(`${new Set(r.changes.map((c) => c.case)).size} case result(s) differ`);
      else if (r.definitionChanged && !r.casesAdded.length && !r.casesRemoved.length) notes.push('no case result differs');
      return `${r.name} (${what}): changed${notes.length ? ` (${notes.join(', ')})` : ''}`;
    }
  }
}

/**
 * Every rule that is not unchanged, with its differing cases; per case, the columns that go the
 * same way share a line (`before → after: columns`). Then the summary line.
 */
export function formatDiffText(d: ReportDiff, opts: FormatOptions): string {
  const lines: string[] = [];
  for (const r of d.rules) {
    if (r.status === 'unchanged') continue;
    lines.push(ruleHeading(r, opts.ref));
    const byCase = new Map<string, Map<string, string[]>>();
    for (const ch of r.changes) {
      const transitions = byCase.get(ch.case) ?? new Map<string, string[]>();
      byCase.set(ch.case, transitions);
      const key = `${formatCell(ch.before)} → ${formatCell(ch.after)}`;
      transitions.set(key, [...(transitions.get(key) ?? []), ch.column]);
    }
    for (const [name, transitions] of byCase) {
      lines.push(`  ${name}`);
      for (const [t, columns] of transitions) lines.push(`    ${t}: ${columns.join(', ')}`);
    }
    if (r.status === 'changed') {
      for (const k of r.casesAdded) lines.push(`  + ${k} (no result at ${opts.ref})`);
      for (const k of r.casesRemoved) lines.push(`  - ${k} (no result now)`);
    }
  }
  if (lines.length) lines.push('');
  lines.push(summaryLine(d, opts.ref));
  return lines.join('\n');
}

/** The diff for tools: the summary, counts and every rule (unchanged ones too). */
export function diffJson(d: ReportDiff, opts: FormatOptions): object {
  return {
    ref: opts.ref,
    ...(opts.commit ? { commit: opts.commit } : {}),
    summary: summaryLine(d, opts.ref),
    changed: d.changed,
    counts: d.counts,
    columns: d.columns,
    rules: d.rules,
  };
}
