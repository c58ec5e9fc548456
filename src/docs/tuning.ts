/**
 * The "False positives and tuning" section: the detection's known benign causes, then every
 * allowlist it reads (for a correlation, those of its stage rules) with how it is used and each
 * entry's reason, owner and expiry, from `explain`.
 */
import type { AllowlistUse } from '../explain.js';
import { bullet, code, inline, pageLink, table } from './markdown.js';

export interface ListUse {
  readonly use: AllowlistUse;
  /** For a correlation: the stage rules that read the list, with how each uses it. */
  readonly readers?: readonly { readonly rule: string; readonly use: AllowlistUse }[];
}

function what(u: AllowlistUse): string {
  return u.suppresses.length ? `suppresses events whose ${u.suppresses.map(code).join(' or ')} is listed` : 'tested by a predicate';
}

function how(u: ListUse): string {
  return u.readers ? u.readers.map((r) => `${pageLink(r.rule)} ${what(r.use)}`).join('; ') : `the rule ${what(u.use)}`;
}

export function tuningSection(falsePositives: readonly string[], lists: readonly ListUse[]): string {
  const out = ['## False positives and tuning'];
  out.push(falsePositives.length ? falsePositives.map((f) => bullet(inline(f))).join('\n') : 'No known false positives are listed.');
  if (!lists.length) {
    out.push('It reads no allowlist.');
    return out.join('\n\n');
  }
  out.push(
    'Tune with the allowlists (declared once in `rules/allowlists/`; entries ignore ASCII case), not by lowering weights: add an entry with a reason, an owner and, when it is temporary, an expiry.',
  );
  for (const u of lists) {
    out.push(
      `### ${code(u.use.list)}`,
      `${u.use.match} match, ${code(u.use.file)}; ${how(u)}.`,
      u.use.entries.length
        ? table(['entry', 'reason', 'owner', 'expires'], u.use.entries.map((e) => [inline(e.value), inline(e.reason), inline(e.owner), e.expires ?? '—']))
        : 'The list has no entries.',
    );
  }
  return out.join('\n\n');
}

/** A correlation's lists: those of its stage rules, each once, with the rules that read it. */
export function stageLists(uses: readonly { rule: string; lists: readonly AllowlistUse[] }[]): ListUse[] {
  const byName = new Map<string, { use: AllowlistUse; readers: { rule: string; use: AllowlistUse }[] }>();
  for (const { rule, lists } of uses)
    for (const l of lists) {
      const seen = byName.get(l.list) ?? { use: l, readers: [] };
      byName.set(l.list, seen);
      if (!seen.readers.some((r) => r.rule === rule)) seen.readers.push({ rule, use: l });
    }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byName.values()].sort((a, b) => cmp(a.use.list, b.use.list)).map((x) => ({ use: x.use, readers: [...x.readers].sort((a, b) => cmp(a.rule, b.rule)) }));
}
