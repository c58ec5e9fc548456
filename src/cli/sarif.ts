/**
 * Diagnostics as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), so code hosts
 * annotate a pull request at the rule's line (`t1612 validate --format sarif`).
 *
 * What the spec asks of the objects written here (SARIF 2.1.0, §3.13 sarifLog, §3.14 run, §3.19
 * toolComponent, §3.27 result, §3.28 location, §3.30 region, §3.49 reportingDescriptor):
 * - `version` "2.1.0" and `$schema` naming the 2.1.0 schema; one run; the tool's `driver.name`;
 * - each result has a `message.text`, a `level` (error | warning | note), a `ruleId` and the
 *   `ruleIndex` of that rule in `driver.rules`; one physical location whose artifact URI is the file
 *   relative to the repository root (`uriBaseId` SRCROOT, forward slashes, percent-encoded) and a
 *   1-based `startLine`/`startColumn` region.
 * Results and rules are in a stable order, so the same rules give the same file.
 */
import { sortDiagnostics, type Diagnostic } from '../model/diagnostics.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** What each diagnostic code means, for the rules' short descriptions (codes not listed get a generic one). */
const CODE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  schema: 'The document does not match its JSON Schema.',
  yaml: 'The file is not valid YAML.',
  'portable-regex': 'A regular expression that one target engine would read differently.',
  correlation: 'A correlation rule is inconsistent (stages, windows, keys).',
  'field-category': 'A field that is not a field of the log source.',
  'unsupported-profile': 'A profile cannot run the rule.',
  approximation: 'A target approximates what the model says.',
};

/** A file path as a relative URI reference: forward slashes, each segment percent-encoded. */
function fileUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function toSarif(diagnostics: readonly Diagnostic[], toolVersion: string): object {
  const sorted = sortDiagnostics(diagnostics);
  const codes = [...new Set(sorted.map((d) => d.code))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 't1612',
            version: toolVersion,
            informationUri: 'https://attack.mitre.org/techniques/T1612/',
            rules: codes.map((c) => ({ id: c, shortDescription: { text: CODE_DESCRIPTIONS[c] ?? `t1612 check ${c}.` } })),
          },
        },
        originalUriBaseIds: { SRCROOT: { description: { text: 'The folder t1612 ran in (the repository root).' } } },
        results: sorted.map((d) => ({
          ruleId: d.code,
          ruleIndex: index.get(d.code)!,
          level: d.severity,
          message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: fileUri(d.file), uriBaseId: 'SRCROOT' },
                region: { startLine: Math.max(1, d.line), startColumn: Math.max(1, d.column) },
              },
            },
          ],
        })),
      },
    ],
  };
}
