/**
 * The "Telemetry per profile" section: from `explain`, the fields each profile maps for the rule,
 * the profiles that cannot run it (and why), and what the others lose.
 */
import type { CorrelationExplanation, Explanation, TelemetryLine } from '../explain.js';
import { bullet, code, inline, table } from './markdown.js';

/** The reason a profile cannot run the detection, and its other notes (explain puts the reason first). */
function split(t: { runs: boolean; notes: readonly string[] }): { why?: string; notes: readonly string[] } {
  return t.runs ? { notes: t.notes } : { why: t.notes[0] ?? 'no reason given', notes: t.notes.slice(1) };
}

function mapping(t: TelemetryLine): string {
  return Object.entries(t.fields)
    .map(([canonical, field]) => (field === null ? `${code(canonical)} (not carried)` : canonical === field ? code(canonical) : `${code(canonical)} → ${code(field)}`))
    .join(', ');
}

function cannotAndNotes(lines: readonly { profile: string; runs: boolean; notes: readonly string[] }[], what: string): string[] {
  const out: string[] = [];
  const cannot = lines.filter((t) => !t.runs);
  if (cannot.length) out.push(`Profiles that cannot run ${what}:`, cannot.map((t) => bullet(`${code(t.profile)}: ${inline(split(t).why!)}`)).join('\n'));
  else out.push(`Every profile runs ${what}.`);
  const notes = lines.flatMap((t) => split(t).notes.map((n) => bullet(`${code(t.profile)}: ${inline(n)}`)));
  if (notes.length) out.push('What a profile loses:', notes.join('\n'));
  return out;
}

export function ruleTelemetrySection(e: Explanation, product: string): string {
  const fields = Object.keys(e.telemetry[0]?.fields ?? {});
  return [
    '## Telemetry per profile',
    `Log source ${code(e.logsource)} (${product}); the rule reads ${fields.map(code).join(', ')}. Per profile, the field each canonical field is read from:`,
    table(['profile', 'runs it', 'fields'], e.telemetry.map((t) => [code(t.profile), t.runs ? 'yes' : 'no', mapping(t)])),
    ...cannotAndNotes(e.telemetry, 'this rule'),
  ].join('\n\n');
}

export function correlationTelemetrySection(e: CorrelationExplanation): string {
  return [
    '## Telemetry per profile',
    'A profile runs the chain when it can run at least one rule of every stage (see each stage rule\'s page for its fields).',
    table(['profile', 'runs the chain'], e.telemetry.map((t) => [code(t.profile), t.runs ? 'yes' : 'no'])),
    ...cannotAndNotes(e.telemetry, 'this chain'),
  ].join('\n\n');
}
