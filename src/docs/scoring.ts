/**
 * The "Scoring" section of a rule page: signals and weights, the threshold, the tiers in order, and
 * every combination of signals that gives a result with its score and tier (from `explain`, which
 * reads src/ir/scoring.ts, the only definition of scoring).
 */
import type { Explanation } from '../explain.js';
import { code, inline, table } from './markdown.js';

export function scoringSection(e: Explanation): string {
  const levelOf = new Map(e.tiers.map((t) => [t.name, t.level]));
  return [
    '## Scoring',
    'The score is the sum of the weights of the signals that hold:',
    table(['signal', 'weight', 'what it means'], e.signals.map((s) => [code(s.id), String(s.weight), inline(s.description)])),
    `A matching event is a result when its score is at least **${e.threshold}**. Its tier is the first of these whose condition holds:`,
    table(['#', 'tier', 'level', 'action', 'title'], e.tiers.map((t, i) => [String(i + 1), `${code(t.name)}${t.default ? ' (default)' : ''}`, t.level, t.action, inline(t.title)])),
    `Every combination of signals that gives a result (${e.combinations.length}):`,
    table(['score', 'tier', 'level', 'action', 'signals'], e.combinations.map((c) => [String(c.score), code(c.tier), levelOf.get(c.tier) ?? '', c.action, c.signals.length ? c.signals.map(code).join(' + ') : '(none)'])),
  ].join('\n\n');
}
