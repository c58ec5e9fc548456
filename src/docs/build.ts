/**
 * `t1612 docs`: from loaded rules and correlations, a Markdown page per detection, `index.md` and
 * the ATT&CK Navigator coverage layer. Pure: the same rules give the same files, byte for byte (no
 * date but the rules' own `created`/`modified`, lists in a fixed order).
 */
import { explainCorrelation, explainRule } from '../explain.js';
import type { CorrelationIR } from '../ir/correlation.js';
import type { RuleIR } from '../ir/nodes.js';
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { ProfileSet } from '../profiles/load.js';
import { correlationPage } from './correlation-page.js';
import { indexPage, type IndexEntry } from './index-page.js';
import { LAYER_FILE, layerJson } from './layer.js';
import { rulePage } from './rule-page.js';
import { correlationTests, ruleTests } from './tests.js';

export interface DocFile {
  /** Under the output directory: `<name>.md`, `index.md`, `t1612-coverage.json`. */
  readonly path: string;
  readonly content: string;
}

export interface DocsOutput {
  readonly files: readonly DocFile[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface DocsOptions {
  /** Your profiles (from --profiles): the telemetry tables show them beside the bundled ones. */
  readonly extraProfiles?: ProfileSet;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function buildDocs(irs: readonly RuleIR[], correlations: readonly CorrelationIR[], opts: DocsOptions = {}): DocsOutput {
  const rules = [...irs].sort(byName);
  const chains = [...correlations].sort(byName);
  const diagnostics: Diagnostic[] = [];
  const files: DocFile[] = [];
  const entries: IndexEntry[] = [];
  const explained = new Map(rules.map((r) => [r.name, explainRule(r, opts.extraProfiles)]));

  for (const rule of rules) {
    const e = explained.get(rule.name)!;
    const tests = ruleTests(rule, irs);
    diagnostics.push(...tests.diagnostics);
    const stageOf = chains.flatMap((c) => c.stages.filter((s) => s.rules.some((r) => r.name === rule.name)).map((s) => ({ correlation: c.name, stage: s.label })));
    files.push({ path: `${rule.name}.md`, content: rulePage({ rule, explanation: e, tests, stageOf }) });
    entries.push({ name: rule.name, kind: 'rule', title: rule.title, technique: rule.attack.technique, strategy: rule.attack.strategy, analytics: rule.attack.analytics, level: rule.severity, alerts: e.tiers.some((t) => t.action === 'alert') });
  }
  for (const c of chains) {
    const tests = correlationTests(c);
    diagnostics.push(...tests.diagnostics);
    const stageRules = [...new Set(c.stages.flatMap((s) => s.rules.map((r) => r.name)))];
    const stageLists = stageRules.map((name) => ({ rule: name, lists: (explained.get(name) ?? explainRule(c.stages.flatMap((s) => s.rules).find((r) => r.name === name)!, opts.extraProfiles)).allowlists }));
    files.push({ path: `${c.name}.md`, content: correlationPage({ correlation: c, explanation: explainCorrelation(c, opts.extraProfiles), tests, stageLists }) });
    entries.push({ name: c.name, kind: 'correlation', title: c.title, technique: c.attack.technique, strategy: c.attack.strategy, analytics: c.attack.analytics, level: c.level, alerts: c.action === 'alert' });
  }
  entries.sort(byName);
  for (const d of [...rules, ...chains])
    if (d.name === 'index') diagnostics.push(diagnostic(d.file, { line: 1, column: 1 }, 'error', 'docs', 'a detection named "index" would overwrite the docs index page', 'rename the detection'));
  files.push({ path: 'index.md', content: indexPage(entries) });
  try {
    files.push({ path: LAYER_FILE, content: layerJson([...rules.map((r) => ({ name: r.name, kind: 'rule' as const, attack: r.attack })), ...chains.map((c) => ({ name: c.name, kind: 'correlation' as const, attack: c.attack }))]) });
  } catch (e) {
    diagnostics.push(diagnostic('t1612', { line: 1, column: 1 }, 'error', 'docs', (e as Error).message, 'give every rule the same ATT&CK release (attack.version)'));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}
