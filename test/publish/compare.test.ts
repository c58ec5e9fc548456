/**
 * What decides create / update / unchanged and what t1612 owns: value comparison for Splunk (flags
 * come back as JSON booleans) and ARM (unset collections come back as null), ARM's bracket escape,
 * and the ownership rules `--prune` relies on.
 */
import { describe, expect, it } from 'vitest';
import { armUnescape, MANAGED_MARKER, sameJson, watchlistItemId } from '../../src/publish/azure.js';
import { isT1612Macro, sameSplunkValue } from '../../src/publish/splunk.js';

describe('Splunk values', () => {
  it('a flag sent as 1/0 equals the JSON boolean a GET returns; numbers compare as numbers', () => {
    expect(sameSplunkValue('1', true)).toBe(true);
    expect(sameSplunkValue('0', false)).toBe(true);
    expect(sameSplunkValue('1', false)).toBe(false);
    expect(sameSplunkValue('0', 0)).toBe(true);
    expect(sameSplunkValue('', undefined)).toBe(true);
    expect(sameSplunkValue('search *', 'search *')).toBe(true);
    expect(sameSplunkValue('search *', 'search * ')).toBe(false);
    expect(sameSplunkValue('1', 'true')).toBe(true);
  });

  it('owns only its results macros and allowlist macros that read a t1612 lookup, never a _filter', () => {
    expect(isT1612Macro('t1612_docker_build_risk_results', 'search *')).toBe(true);
    expect(isT1612Macro('old_rule_allowlist', 'lookup t1612_hosts value AS host OUTPUT value AS x')).toBe(true);
    expect(isT1612Macro('my_allowlist', 'lookup my_hosts host')).toBe(false);
    expect(isT1612Macro('old_rule_filter', 'search *')).toBe(false);
    expect(isT1612Macro('t1612_sysmon_linux_index', 'index=main')).toBe(false);
  });
});

describe('ARM values', () => {
  it('null, absent, {} and [] are the same; anything else is compared exactly', () => {
    expect(sameJson({ a: 1, b: {}, c: [] }, { a: 1, b: null, d: null })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: { x: '1' } }, { a: { x: '1', y: '2' } })).toBe(false);
    expect(sameJson('P1D', 'PT24H')).toBe(false);
  });

  it("undoes ARM's [[ escape of a literal leading bracket, everywhere, and nothing else", () => {
    expect(armUnescape({ a: '[[x]', b: ['[[y]', '[z]'], c: 'a[[b]' })).toEqual({ a: '[x]', b: ['[y]', '[z]'], c: 'a[[b]' });
  });

  it('watchlist item ids are GUIDs fixed by (alias, SearchKey)', () => {
    const id = watchlistItemId('approved_build_hosts', 'ci-runner-01');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(watchlistItemId('approved_build_hosts', 'ci-runner-01')).toBe(id);
    expect(watchlistItemId('approved_build_hosts', 'ci-runner-02')).not.toBe(id);
    expect(watchlistItemId('other', 'ci-runner-01')).not.toBe(id);
  });

  it('the ownership marker is one line a person reading the rule understands', () => {
    expect(MANAGED_MARKER).not.toContain('\n');
    expect(MANAGED_MARKER).toContain('t1612');
  });
});
