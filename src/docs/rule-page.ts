/** The page of one rule: `<name>.md`. */
import type { Explanation } from '../explain.js';
import type { RuleIR } from '../ir/nodes.js';
import { attackSection } from './attack.js';
import { titleSection, whatAndWhySection } from './header.js';
import { bullet, code, page, pageLink } from './markdown.js';
import { scheduleSection } from './schedule.js';
import { scoringSection } from './scoring.js';
import { ruleTelemetrySection } from './telemetry.js';
import { testsSection, type TestsSummary } from './tests.js';
import { tuningSection } from './tuning.js';

export interface RulePageInput {
  readonly rule: RuleIR;
  readonly explanation: Explanation;
  readonly tests: TestsSummary;
  /** The correlations with this rule as a stage: name and stage label. */
  readonly stageOf: readonly { correlation: string; stage: string }[];
}

function alertingNote(e: Explanation): string {
  if (e.tiers.some((t) => t.action === 'alert')) return '';
  return 'No tier of this rule alerts: its results are recorded as risk, evidence for correlations and risk-based alerting.';
}

export function rulePage(input: RulePageInput): string {
  const { rule, explanation: e } = input;
  const used = input.stageOf.length
    ? ['## Used in correlations', input.stageOf.map((s) => bullet(`${pageLink(s.correlation)}, stage ${code(s.stage)}`)).join('\n')].join('\n\n')
    : '';
  return page([
    titleSection(rule, rule.file, `rule on ${code(rule.logsource.category)} (${rule.logsource.product})`),
    whatAndWhySection(rule),
    attackSection(rule.attack),
    ruleTelemetrySection(e, rule.logsource.product),
    scoringSection(e),
    alertingNote(e),
    used,
    tuningSection(rule.falsePositives, e.allowlists.map((use) => ({ use }))),
    scheduleSection(rule),
    testsSection(input.tests, 'rule'),
  ]);
}
