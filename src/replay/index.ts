/**
 * Replaying exported data (issue #6 §5): `t1612 test --events FILE --target spl|kql --profile P`.
 * read.ts reads the export's shape, values.ts converts its values, run.ts routes the rows and runs
 * the compiled rules and correlations of one target and profile over them.
 */
import { hasErrors, type Diagnostic } from '../model/diagnostics.js';
import { loadRules } from '../pipeline.js';
import { readExportFile } from './read.js';
import { replay, type ReplayOptions, type ReplayReport } from './run.js';

export { ReplayInputError, parseExport, readExportFile, type ExportFile, type ExportRecord, type ExportShape } from './read.js';
export { formatReplay, replay, summaryLine, REPLAY_TARGETS, type ReplayOptions, type ReplayReport, type ReplayTarget } from './run.js';

/** Load the rules under `paths`, read `eventsFile` and replay it; rule problems are returned, input problems thrown (ReplayInputError). */
export function replayEvents(eventsFile: string, paths: readonly string[], opts: ReplayOptions): { report?: ReplayReport; diagnostics: readonly Diagnostic[] } {
  const loaded = loadRules(paths);
  if (!loaded.ok || hasErrors(loaded.diagnostics)) return { diagnostics: loaded.diagnostics };
  const file = readExportFile(eventsFile);
  return { report: replay(file, { rules: loaded.irs, correlations: loaded.correlations }, opts), diagnostics: loaded.diagnostics };
}
