/** The page of one correlation: `<name>.md`. */
import type { AllowlistUse, CorrelationExplanation } from '../explain.js';
import type { CorrelationIR } from '../ir/correlation.js';
import { attackSection } from './attack.js';
import { chainSection } from './chain.js';
import { titleSection, whatAndWhySection } from './header.js';
import { code, page } from './markdown.js';
import { scheduleSection } from './schedule.js';
import { correlationTelemetrySection } from './telemetry.js';
import { testsSection, type TestsSummary } from './tests.js';
import { stageLists, tuningSection } from './tuning.js';

export interface CorrelationPageInput {
  readonly correlation: CorrelationIR;
  readonly explanation: CorrelationExplanation;
  readonly tests: TestsSummary;
  /** The allowlists each stage rule reads (from its own explanation). */
  readonly stageLists: readonly { rule: string; lists: readonly AllowlistUse[] }[];
}

export function correlationPage(input: CorrelationPageInput): string {
  const { correlation: c, explanation: e } = input;
  return page([
    titleSection(c, c.file, `correlation of ${c.stages.length} stages, level ${c.level}, ${code(c.action)}`),
    whatAndWhySection(c),
    attackSection(c.attack),
    chainSection(e),
    correlationTelemetrySection(e),
    tuningSection(c.falsePositives, stageLists(input.stageLists)),
    scheduleSection(c),
    testsSection(input.tests, 'correlation'),
  ]);
}
