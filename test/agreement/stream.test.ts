/**
 * Stream agreement: random event streams whose gaps straddle every window's edge, through the
 * reference meaning of each bundled correlation (src/ir/correlation.ts, as each profile sees the
 * events) and through every target's emitted correlation query. SPL and KQL must report exactly the
 * model's chains. Sigma has one timespan for the whole chain and no join on the image, so it must
 * report exactly the model's `total-span` reading without the image join — and never miss a chain
 * of the model. Image-only stage rules (k8s_audit pod creates, no host) run on KQL profiles with the
 * log source (kql/sentinel); SPL and Sigma drop them (compile notes it), so their model is the view
 * without those rules' log sources, the same dropped view (profileOpts with the target). A
 * correlation with such a stage also runs streams built around chains that end at one.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundledRules } from '../support/rules.js';
import { imageOnlyStreamArbitrary, streamArbitrary, withImageVariants } from '../support/streams.js';
import { compileRules, profilesOf } from '../../src/compile.js';
import { targets, TARGET_IDS } from '../../src/backends/index.js';
import { carriesGroup, correlate, type ChainResult, type CorrelationIR, type TimedEvent } from '../../src/ir/correlation.js';
import { correlationTelemetry } from '../../src/backends/telemetry.js';
import { formatChains, prepareCorrelation, profileOpts, sameChains, streamRows } from '../../src/testing/correlation-cases.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';

const RUNS = 1000;
const bundled = bundledRules();

/** Events that fill each stage: the matching events of the stage rules' own test cases. */
function stagePools(c: CorrelationIR): CanonicalEvent[][] {
  return withImageVariants(c, c.stages.map((s) =>
    s.rules.flatMap((r) => {
      const { tests } = loadTestFile(testsPathFor(r.file), bundled.irs);
      return (tests?.cases ?? []).filter((k) => k.expect.matched).map((k) => k.event);
    }),
  ));
}

/** Does a stage of the correlation have a rule that joins on the image alone (k8s_audit)? */
function hasImageOnly(c: CorrelationIR): boolean {
  return c.joinOnImage && c.stages.some((s) => s.rules.some((r) => !carriesGroup(c, r)));
}

/** Does `a` contain every chain of `b` (same group and end)? */
function covers(a: readonly ChainResult[], b: readonly ChainResult[]): boolean {
  const keys = new Set(a.map((r) => `${JSON.stringify(r.group)}@${r.end}`));
  return b.every((r) => keys.has(`${JSON.stringify(r.group)}@${r.end}`));
}

describe('stream agreement on the bundled correlations', () => {
  it('there are correlations to check', () => expect(bundled.correlations.length).toBeGreaterThanOrEqual(2));
  for (const c of bundled.correlations) {
    const files = new Map(TARGET_IDS.map((t) => [t, compileRules(bundled.irs, { targets: [t] }, [c]).files]));
    for (const t of TARGET_IDS) {
      for (const profile of profilesOf(t)) {
        if (correlationTelemetry(c, t, profile).unsupported) continue; // compile skips it there, saying why (checked below)
        it(`${c.name} on ${t}/${profile.id}: ${RUNS} streams agree with the model`, () => {
          const q = prepareCorrelation(c, t, profile, files.get(t)!);
          if (typeof q === 'string') throw new Error(q);
          // The profile's view; SPL and Sigma, which drop image-only stage rules (compile notes it),
          // are held to the model over the view without those rules' log sources (profileOpts).
          const opts = profileOpts(profile, { c, target: t });
          const approximates = t === 'sigma';
          const property = (stream: TimedEvent[]) => {
            const model = correlate(c, stream, opts);
            // Sigma: one timespan, and no join on the image (both approximations are warned about).
            const expected = approximates ? correlate(c, stream, opts, 'total-span', 'ignore') : model;
            const actual = q.run(streamRows(t, profile, stream));
            if (!sameChains(expected, actual)) throw new Error(`expected ${formatChains(expected)}, got ${formatChains(actual)}`);
            if (approximates && !covers(actual, model)) throw new Error(`missed a chain of the model: ${formatChains(model)}`);
          };
          fc.assert(fc.property(streamArbitrary(c, stagePools(c)), property), { numRuns: RUNS, seed: 1612 });
          // Streams built around chains that end at an image-only stage event (a pod create), where
          // the chain has one; on the other profiles they check that dropping it is exact.
          if (hasImageOnly(c)) fc.assert(fc.property(imageOnlyStreamArbitrary(c, stagePools(c)), property), { numRuns: RUNS, seed: 1612 });
        });
      }
    }
  }
  it('an image-only stage rule runs exactly on KQL profiles with its log source (kql/sentinel), and is dropped with a note elsewhere', () => {
    const runs = bundled.correlations.flatMap((c) =>
      TARGET_IDS.flatMap((t) =>
        profilesOf(t).flatMap((p) => {
          const tele = correlationTelemetry(c, t, p);
          return tele.unsupported ? [] : tele.stages.flat().filter((r) => !carriesGroup(c, r)).map((r) => `${c.name}/${r.name} on ${t}/${p.id}`);
        }),
      ),
    );
    expect(runs).toEqual(['an1261-build-egress-deploy/k8s-pod-create on kql/sentinel']);
    const c = bundled.correlations.find((x) => x.name === 'an1261-build-egress-deploy')!;
    const notes = TARGET_IDS.flatMap((t) => profilesOf(t).flatMap((p) => correlationTelemetry(c, t, p).notes.filter((d) => d.message.includes('without rule k8s-pod-create')).map((d) => `${t}/${p.id}`)));
    expect(notes).toEqual(['spl/sysmon_linux', 'kql/asim', 'kql/defender', 'sigma/taxonomy']);
  });
  it('the image-only streams produce chains that end at a pod create on kql/sentinel', () => {
    const c = bundled.correlations.find((x) => x.name === 'an1261-build-egress-deploy')!;
    const opts = profileOpts(profilesOf('kql').find((p) => p.id === 'sentinel')!, { c, target: 'kql' });
    const streams = fc.sample(imageOnlyStreamArbitrary(c, stagePools(c)), { numRuns: RUNS, seed: 1612 });
    const ending = streams.filter((s) => correlate(c, s, opts).some((r) => s.some((te) => te.category === 'k8s_audit' && te.time === r.end)));
    expect(ending.length).toBeGreaterThan(RUNS / 10);
  });
  it('the profiles that cannot run a chain are exactly those without its telemetry', () => {
    const skipped = bundled.correlations.flatMap((c) => TARGET_IDS.flatMap((t) => profilesOf(t).filter((p) => correlationTelemetry(c, t, p).unsupported).map((p) => `${c.name} on ${t}/${p.id}`)));
    // CIM's Network_Traffic has no process fields, so no egress stage runs there.
    expect(skipped).toEqual(['an1261-build-egress-deploy on spl/cim', 'an1317-desktop-pull-egress on spl/cim']);
  });
  it('targets that run correlations', () => expect(TARGET_IDS.filter((t) => targets[t].evaluator?.compileCorrelation)).toEqual(TARGET_IDS));
});
