/**
 * Allowlists: expiry warnings depend on the date, output never does; matching ignores ASCII case and
 * a domain list accepts subdomains only.
 */
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/pipeline.js';
import { compileRules } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { listMatches } from '../../src/model/allowlist.js';

const DIR = 'test/model/fixtures-expired';

describe('allowlist expiry', () => {
  it('warns once the expiry has passed, naming the entry, its owner and the date, at the expires line', () => {
    const r = loadRules([DIR], { today: '2020-02-01' });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      `${DIR}/approved-registries.allowlist.yml:8:14: warning: entry "docker.io" of allowlist approved_registries expired on 2020-01-31 (owner: platform); it still applies until removed (renew the approval with a new expires date, or remove the entry)`,
    ]);
  });
  it('is silent on and before the last day', () => {
    expect(loadRules([DIR], { today: '2020-01-31' }).diagnostics).toEqual([]);
  });
  it('never changes the output: an expired entry still applies until removed', () => {
    const before = loadRules([DIR], { today: '2020-01-01' });
    const after = loadRules([DIR], { today: '2030-01-01' });
    expect(compileRules(after.irs).files).toEqual(compileRules(before.irs).files);
  });
});

describe('listMatches', () => {
  const domain = { match: 'domain' as const, entries: [{ value: 'docker.io' }, { value: 'ghcr.io' }] };
  const exact = { match: 'exact' as const, entries: [{ value: 'ci-runner-01' }] };
  it.each([
    [domain, 'docker.io', true],
    [domain, 'registry-1.docker.io', true],
    [domain, 'REGISTRY-1.DOCKER.IO', true],
    [domain, 'evildocker.io', false],
    [domain, 'docker.io.evil.example', false],
    [domain, '.docker.io', true],
    [domain, 'docker.io.', false],
    [exact, 'ci-runner-01', true],
    [exact, 'CI-Runner-01', true],
    [exact, 'x.ci-runner-01', false],
    [exact, 'ci-runner-011', false],
  ] as const)('%j: %s → %s', (list, value, want) => expect(listMatches(list, value)).toBe(want));
});
