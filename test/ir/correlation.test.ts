/**
 * The reference chain meaning (src/ir/correlation.ts) against its definition, by brute force: every
 * tuple of stage events with equal groups and 0 <= gap <= window. The streaming algorithm keeps only
 * the latest valid event per stage; this proves that loses no chain and that the reported start is
 * the latest first-stage time of any chain ending at the same event. Correlations joined on the image
 * are checked with events that name a few images (and none), against chains whose images agree, and
 * with image-only stage events (k8s_audit pod creates: no host, naming an image, continuing in their
 * chain's group only after an earlier event named that image).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundledRules } from '../support/rules.js';
import { imageOnlyStreamArbitrary, streamArbitrary, withImageVariants } from '../support/streams.js';
import { imageKeyOf } from '../../src/ir/image-key.js';
import { carriesGroup, correlate, durationSeconds, sortChains, type ChainResult, type CorrelationIR, type TimedEvent, type WindowReading } from '../../src/ir/correlation.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';

const bundled = bundledRules();

function bruteForce(c: CorrelationIR, stream: readonly TimedEvent[], reading: WindowReading, images: 'join' | 'ignore'): ChainResult[] {
  const joinImages = c.joinOnImage && images === 'join';
  // Stage events: (event, stage, rule), with the image the rule reads when the chain joins on it. A
  // rule whose log source has no Host (k8s_audit) is image-only: its event has no group, must name
  // an image, and exists only when the chain joins on the image.
  const fills = stream.flatMap((te) =>
    c.stages.flatMap((s, k) =>
      s.rules
        .filter((r) => r.logsource.category === te.category && compileRule(r).evaluate(te.event).matched)
        .map((r) => ({
          te,
          k,
          image: joinImages ? imageKeyOf(r.imageKey, te.event) : '',
          imageOnly: !carriesGroup(c, r),
          host: typeof te.event.Host === 'string' ? te.event.Host : '',
        }))
        .filter((f) => !f.imageOnly || (joinImages && f.image !== '')),
    ),
  );
  const out = new Map<string, ChainResult>();
  /** Every tuple of stage events, stage by stage: `image` is what the chain's events name so far (""), `host` its group. */
  const extend = (k: number, chain: typeof fills, image: string, host: string): void => {
    if (k === c.stages.length) {
      const last = chain[chain.length - 1]!;
      const key = `${host}@${last.te.time}`;
      const start = chain[0]!.te.time;
      const prev = out.get(key);
      if (!prev || start > prev.start) out.set(key, { group: { Host: host }, start, end: last.te.time });
      return;
    }
    for (const f of fills) {
      if (f.k !== k) continue;
      if (f.imageOnly) {
        // No group of its own: it continues, in the chain's group, a chain whose earlier events name its image.
        if (k === 0 || image === '' || f.image !== image) continue;
      } else {
        if (f.host === '') continue;
        if (k > 0 && f.host !== host) continue;
        if (image !== '' && f.image !== '' && f.image !== image) continue;
      }
      if (k > 0) {
        const p = chain[k - 1]!;
        const gap = f.te.time - p.te.time;
        if (gap < 0) continue;
        if (reading === 'per-stage' ? gap > c.stages[k]!.withinSeconds! : f.te.time - chain[0]!.te.time > c.spanSeconds) continue;
      }
      extend(k + 1, [...chain, f], image || f.image, k === 0 ? f.host : host);
    }
  };
  extend(0, [], '', '');
  return sortChains([...out.values()]);
}

describe('correlate = its definition', () => {
  for (const c of bundled.correlations) {
    const pools = withImageVariants(c, c.stages.map((s) => s.rules.flatMap((r) => (loadTestFile(testsPathFor(r.file), bundled.irs).tests?.cases ?? []).filter((k) => k.expect.matched).map((k) => k.event))));
    for (const reading of ['per-stage', 'total-span'] as const)
      for (const images of c.joinOnImage ? (['join', 'ignore'] as const) : (['join'] as const))
        it(`${c.name} (${reading}${c.joinOnImage ? `, images ${images}` : ''}): 300 random streams`, () => {
          fc.assert(
            fc.property(streamArbitrary(c, pools), (stream) => {
              expect(correlate(c, stream, undefined, reading, images)).toEqual(bruteForce(c, stream, reading, images));
            }),
            { numRuns: 300, seed: 1612 },
          );
        });
  }
  for (const c of bundled.correlations.filter((x) => x.joinOnImage && x.stages.some((s) => s.rules.some((r) => !carriesGroup(x, r))))) {
    const pools = withImageVariants(c, c.stages.map((s) => s.rules.flatMap((r) => (loadTestFile(testsPathFor(r.file), bundled.irs).tests?.cases ?? []).filter((k) => k.expect.matched).map((k) => k.event))));
    for (const reading of ['per-stage', 'total-span'] as const)
      it(`${c.name} (${reading}): 300 streams built around chains that end at an image-only stage event`, () => {
        fc.assert(
          fc.property(imageOnlyStreamArbitrary(c, pools), (stream) => {
            expect(correlate(c, stream, undefined, reading)).toEqual(bruteForce(c, stream, reading, 'join'));
          }),
          { numRuns: 300, seed: 1612 },
        );
      });
    it(`${c.name}: those streams exercise the image-only stage (a pod create changes the chains of many)`, () => {
      const streams = fc.sample(imageOnlyStreamArbitrary(c, pools), { numRuns: 300, seed: 1612 });
      const changed = streams.filter((stream) => JSON.stringify(correlate(c, stream)) !== JSON.stringify(correlate(c, stream.filter((te) => te.category !== 'k8s_audit'))));
      expect(changed.length).toBeGreaterThan(30);
    });
  }
  it('durations', () => {
    expect([durationSeconds('30s'), durationSeconds('10m'), durationSeconds('2h')]).toEqual([30, 600, 7200]);
  });
});
