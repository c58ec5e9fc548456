/**
 * The reference chain meaning (src/ir/correlation.ts) against its definition, by brute force: every
 * tuple of stage events with equal groups and 0 <= gap <= window. The streaming algorithm keeps only
 * the latest valid event per stage; this proves that loses no chain and that the reported start is
 * the latest first-stage time of any chain ending at the same event.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundledRules } from '../support/rules.js';
import { streamArbitrary } from '../support/streams.js';
import { correlate, durationSeconds, sortChains, type ChainResult, type CorrelationIR, type TimedEvent, type WindowReading } from '../../src/ir/correlation.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';

const bundled = bundledRules();

function bruteForce(c: CorrelationIR, stream: readonly TimedEvent[], reading: WindowReading): ChainResult[] {
  const fills = stream.map((te) => ({
    te,
    stages: c.stages.map((s) => s.rules.some((r) => r.logsource.category === te.category && compileRule(r).evaluate(te.event).matched)),
    host: typeof te.event.Host === 'string' ? te.event.Host : '',
  }));
  const out = new Map<string, ChainResult>();
  const extend = (k: number, chain: typeof fills): void => {
    if (k === c.stages.length) {
      const last = chain[chain.length - 1]!;
      const key = `${last.host}@${last.te.time}`;
      const start = chain[0]!.te.time;
      const prev = out.get(key);
      if (!prev || start > prev.start) out.set(key, { group: { Host: last.host }, start, end: last.te.time });
      return;
    }
    for (const f of fills) {
      if (!f.stages[k] || f.host === '') continue;
      if (k > 0) {
        const p = chain[k - 1]!;
        const gap = f.te.time - p.te.time;
        if (f.host !== p.host || gap < 0) continue;
        if (reading === 'per-stage' ? gap > c.stages[k]!.withinSeconds! : f.te.time - chain[0]!.te.time > c.spanSeconds) continue;
      }
      extend(k + 1, [...chain, f]);
    }
  };
  extend(0, []);
  return sortChains([...out.values()]);
}

describe('correlate = its definition', () => {
  for (const c of bundled.correlations) {
    const pools = c.stages.map((s) => s.rules.flatMap((r) => (loadTestFile(testsPathFor(r.file), bundled.irs).tests?.cases ?? []).filter((k) => k.expect.matched).map((k) => k.event)));
    for (const reading of ['per-stage', 'total-span'] as const)
      it(`${c.name} (${reading}): 300 random streams`, () => {
        fc.assert(
          fc.property(streamArbitrary(c, pools), (stream) => {
            expect(correlate(c, stream, undefined, reading)).toEqual(bruteForce(c, stream, reading));
          }),
          { numRuns: 300, seed: 1612 },
        );
      });
  }
  it('durations', () => {
    expect([durationSeconds('30s'), durationSeconds('10m'), durationSeconds('2h')]).toEqual([30, 600, 7200]);
  });
});
