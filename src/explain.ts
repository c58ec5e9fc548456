/**
 * `t1612 explain`: a rule's telemetry per profile, signals, weights, tiers and every combination that
 * gives a result.
 */
import { allFieldsRead, type RuleIR } from './ir/nodes.js';
import { outcomeTable } from './ir/scoring.js';
import { TARGET_IDS } from './backends/index.js';
import { correlationTelemetry, telemetryFor } from './backends/telemetry.js';
import { carriesGroup, type CorrelationIR } from './ir/correlation.js';
import type { ProfileSet } from './profiles/load.js';
import { profilesOf } from './compile.js';

export interface TelemetryLine {
  /** `<target>/<profile>` */
  readonly profile: string;
  /** Whether the profile can run the rule. */
  readonly runs: boolean;
  /** Canonical field → the profile's field, for the fields the rule reads (absent: not carried). */
  readonly fields: Readonly<Record<string, string | null>>;
  /** What the profile cannot do for this rule. */
  readonly notes: readonly string[];
}

export interface Explanation {
  readonly rule: string;
  readonly title: string;
  readonly threshold: number;
  readonly signals: readonly { id: string; weight: number; description: string }[];
  readonly tiers: readonly { name: string; title: string; level: string; action: string; default: boolean }[];
  readonly combinations: readonly { signals: readonly string[]; score: number; tier: string; action: string }[];
  readonly logsource: string;
  readonly telemetry: readonly TelemetryLine[];
  /** The allowlists the rule reads: how (suppress by a field, or tested by a predicate) and their entries. */
  readonly allowlists: readonly AllowlistUse[];
}

export interface AllowlistUse {
  readonly list: string;
  readonly file: string;
  readonly match: string;
  readonly suppresses: readonly string[];
  readonly entries: readonly { value: string; reason: string; owner: string; expires?: string }[];
}

function allowlistUses(rule: RuleIR): AllowlistUse[] {
  return rule.lists.map((l) => ({
    list: l.name,
    file: l.file,
    match: l.match,
    suppresses: rule.suppress.filter((s) => s.list.name === l.name).map((s) => s.field),
    entries: l.entries.map((e) => ({ value: e.value, reason: e.reason, owner: e.owner, ...(e.expires ? { expires: e.expires } : {}) })),
  }));
}

export interface CorrelationExplanation {
  readonly correlation: string;
  readonly title: string;
  readonly groupBy: readonly string[];
  /** Keys the stage events must share where they have them (`image`). */
  readonly joinOn: readonly string[];
  readonly level: string;
  readonly action: string;
  readonly spanSeconds: number;
  /** Per stage: its rules, with where each reads the image when the chain joins on it. */
  readonly stages: readonly { label: string; rules: readonly string[]; within: string | null; images: readonly { rule: string; reads: readonly string[]; imageOnly?: true }[] }[];
  /** Per profile, whether it runs the chain and what it drops. */
  readonly telemetry: readonly { profile: string; runs: boolean; notes: readonly string[] }[];
}

export function explainCorrelation(c: CorrelationIR, extra?: ProfileSet): CorrelationExplanation {
  return {
    correlation: c.name,
    title: c.title,
    groupBy: c.groupBy,
    joinOn: c.joinOnImage ? ['image'] : [],
    level: c.level,
    action: c.action,
    spanSeconds: c.spanSeconds,
    stages: c.stages.map((s) => ({
      label: s.label,
      rules: s.rules.map((r) => r.name),
      within: s.within ?? null,
      images: c.joinOnImage
        ? s.rules.map((r) => ({ rule: r.name, reads: r.imageKey.map((k) => `${k.origin} (${k.field})`), ...(carriesGroup(c, r) ? {} : { imageOnly: true as const }) }))
        : [],
    })),
    telemetry: TARGET_IDS.flatMap((t) =>
      profilesOf(t, extra).map((p) => {
        const v = correlationTelemetry(c, t, p);
        return { profile: `${t}/${p.id}`, runs: !v.unsupported, notes: [...(v.unsupported ? [v.unsupported.message] : []), ...v.notes.map((n) => n.message)] };
      }),
    ),
  };
}

export function formatCorrelationExplanation(e: CorrelationExplanation): string {
  const joined = e.joinOn.length ? `, joined on ${e.joinOn.join(', ')}` : '';
  const lines = [`${e.correlation}: ${e.title}`, '', `Chain (grouped by ${e.groupBy.join(', ')}${joined}; level ${e.level}, ${e.action}; at most ${e.spanSeconds}s from first to last stage):`];
  e.stages.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${pad(s.label, 10)} ${s.within ? `within ${pad(s.within, 5)} of stage ${i}` : pad('first', 20)}  any result of ${s.rules.join(', ')}`);
    for (const im of s.images)
      lines.push(`       image of ${im.rule}${im.imageOnly ? ` (no ${e.groupBy.join(', ')}: joins on the image alone)` : ''}: ${im.reads.length ? im.reads.join('; then ') : 'none (joins any)'}`);
  });
  lines.push('', 'Windows slide from the previous stage\'s event, bounds inclusive (0 <= gap <= within); several candidates may continue a chain.');
  if (e.joinOn.includes('image'))
    lines.push('Events that name an image must name the same repository (tag, digest, docker.io/ and library/ ignored); events naming none join any.');
  if (e.stages.some((s) => s.images.some((im) => im.imageOnly)))
    lines.push(`A rule without ${e.groupBy.join(', ')} joins on the image alone: its event must name an image, and continues, in any group, the chains whose earlier events name it (KQL only: SPL and Sigma drop such a rule).`);
  lines.push('', 'Per profile:');
  for (const t of e.telemetry) {
    lines.push(`  ${pad(t.profile, 18)} ${t.runs ? 'runs the chain' : 'cannot run the chain'}`);
    for (const n of t.notes) lines.push(`  ${' '.repeat(18)}   note: ${n}`);
  }
  return lines.join('\n');
}

function telemetryLines(rule: RuleIR, extra?: ProfileSet): TelemetryLine[] {
  const fields = allFieldsRead(rule);
  return TARGET_IDS.flatMap((t) =>
    profilesOf(t, extra).map((p) => {
      const v = telemetryFor(rule, t, p);
      const mapped = p.fields[rule.logsource.category] ?? {};
      return {
        profile: `${t}/${p.id}`,
        runs: !v.unsupported,
        fields: Object.fromEntries(fields.map((f) => [f, mapped[f] ?? null])),
        notes: [...(v.unsupported ? [v.unsupported.message] : []), ...v.notes.map((n) => n.message)],
      };
    }),
  );
}

export function explainRule(rule: RuleIR, extra?: ProfileSet): Explanation {
  const rows = outcomeTable(rule)
    .filter((r) => r.matched)
    .sort((a, b) => b.score - a.score || a.fired.length - b.fired.length || (a.fired.join() < b.fired.join() ? -1 : 1));
  return {
    rule: rule.name,
    title: rule.title,
    threshold: rule.threshold,
    signals: rule.signals.map((s) => ({ id: s.id, weight: s.weight, description: s.description })),
    tiers: rule.tiers.map((t) => ({ name: t.name, title: t.title, level: t.level, action: t.action, default: t.isDefault })),
    combinations: rows.map((r) => ({ signals: r.fired, score: r.score, tier: r.tier!, action: r.action! })),
    logsource: rule.logsource.category,
    telemetry: telemetryLines(rule, extra),
    allowlists: allowlistUses(rule),
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  lines.push(`${e.rule}: ${e.title}`, '');
  lines.push(`Telemetry (${e.logsource}; fields the rule reads, per profile):`);
  for (const t of e.telemetry) {
    const mapped = Object.entries(t.fields).map(([c, f]) => (f === null ? `${c} (not carried)` : c === f ? c : `${c}→${f}`));
    lines.push(`  ${pad(t.profile, 18)} ${t.runs ? mapped.join(', ') : 'cannot run this rule'}`);
    for (const n of t.notes) lines.push(`  ${' '.repeat(18)}   note: ${n}`);
  }
  lines.push('');
  lines.push('Signals (score = sum of the weights of those that hold):');
  const w = Math.max(...e.signals.map((s) => s.id.length));
  for (const s of e.signals) lines.push(`  ${pad(s.id, w)}  ${String(s.weight).padStart(3)}  ${s.description}`);
  lines.push('', `Threshold: score >= ${e.threshold}`, '', 'Tiers (first match wins):');
  e.tiers.forEach((t, i) => lines.push(`  ${i + 1}. ${pad(t.name, 22)} ${pad(t.level, 13)} ${pad(t.action, 5)}  ${t.title}${t.default ? ' [default]' : ''}`));
  lines.push('', `Every combination that gives a result (${e.combinations.length}):`);
  for (const c of e.combinations) lines.push(`  score ${String(c.score).padStart(3)}  ${pad(c.tier, 22)} ${pad(c.action, 5)}  ${c.signals.join(' + ')}`);
  if (e.allowlists.length) {
    lines.push('', 'Allowlists (rules/allowlists/; entries ignore ASCII case):');
    for (const a of e.allowlists) {
      const how = a.suppresses.length ? `suppresses events whose ${a.suppresses.join(' or ')} is listed` : 'tested by a predicate';
      lines.push(`  ${a.list} (${a.match}, ${a.file}): ${how}`);
      for (const en of a.entries) lines.push(`    ${pad(en.value, 36)} ${en.owner}${en.expires ? `, until ${en.expires}` : ''}: ${en.reason}`);
    }
  }
  return lines.join('\n');
}
