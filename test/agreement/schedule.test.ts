/**
 * Scheduling cannot miss or double a result (issue #6 §1): consecutive scheduled runs of each
 * compiled correlation, over random streams whose events arrive up to the ingestion lag late, alert
 * on every result of the model over the whole stream exactly once — including chains that straddle
 * a run boundary. The runs read [r - lookback, r) with lookback = every + chain span + lag
 * (src/ir/schedule.ts) and throttle on the dedup key for lookback (test/support/schedule.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundledRules } from '../support/rules.js';
import { streamArbitrary, withImageVariants } from '../support/streams.js';
import { dedupKey, runSchedule, type LateEvent } from '../support/schedule.js';
import { compileRules, profilesOf } from '../../src/compile.js';
import { correlate, type CorrelationIR } from '../../src/ir/correlation.js';
import { scheduleOf } from '../../src/ir/schedule.js';
import { correlationTelemetry } from '../../src/backends/telemetry.js';
import { loadCorrelationTests, prepareCorrelation, profileOpts, streamOf, streamRows } from '../../src/testing/correlation-cases.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';
import type { TargetId } from '../../src/backends/types.js';

const RUNS = 60;
const bundled = bundledRules();
const LAG = '5m';

function stagePools(c: CorrelationIR): CanonicalEvent[][] {
  return withImageVariants(
    c,
    c.stages.map((s) => s.rules.flatMap((r) => (loadTestFile(testsPathFor(r.file), bundled.irs).tests?.cases ?? []).filter((k) => k.expect.matched).map((k) => k.event))),
  );
}

describe('scheduled runs alert on every chain exactly once', () => {
  for (const c of bundled.correlations) {
    const schedule = scheduleOf(c, LAG);
    for (const t of ['spl', 'kql'] as TargetId[]) {
      const files = compileRules(bundled.irs, { targets: [t] }, [c]).files;
      for (const profile of profilesOf(t)) {
        if (correlationTelemetry(c, t, profile).unsupported) continue;
        it(`${c.name} on ${t}/${profile.id}: ${RUNS} streams with late events`, () => {
          const q = prepareCorrelation(c, t, profile, files);
          if (typeof q === 'string') throw new Error(q);
          const opts = profileOpts(profile);
          const late = fc.tuple(streamArbitrary(c, stagePools(c)), fc.array(fc.integer({ min: 0, max: schedule.ingestionLagSeconds }), { minLength: 12, maxLength: 12 }), fc.integer({ min: 0, max: schedule.everySeconds - 1 }));
          fc.assert(
            fc.property(late, ([stream, delays, phase]) => {
              const events: LateEvent[] = stream.map((e, i) => ({ ...e, delay: delays[i % delays.length]! }));
              const model = correlate(c, stream, opts);
              const first = stream[0]!.time - phase;
              const until = stream[stream.length - 1]!.time + schedule.lookbackSeconds + schedule.everySeconds;
              const alerts = runSchedule(events, schedule, first, until, (seen) => q.run(streamRows(t, profile, seen)));
              const keys = alerts.map((a) => a.key);
              expect(new Set(keys).size).toBe(keys.length); // never twice
              expect([...keys].sort()).toEqual(model.map(dedupKey).sort()); // never missed, nothing else
            }),
            { numRuns: RUNS, seed: 1612 },
          );
        });
      }
    }
  }
});

describe('a chain that straddles a run boundary', () => {
  it('det0459: build before the 10:05 run, run after it: one alert, at 10:10, and the 10:15 run is throttled', () => {
    const c = bundled.correlations.find((x) => x.name === 'det0459-build-then-run')!;
    const k = loadCorrelationTests(testsPathFor(c.file), c).cases!.find((x) => x.name === 'build-then-run')!;
    // The case's build at 10:00 and run at 10:05, moved to 10:03 and 10:07 (the run at 10:05 sees the build only).
    const [build, run] = streamOf(k);
    const base = Date.parse('2026-11-20T10:00:00Z') / 1000;
    const stream: LateEvent[] = [
      { ...build!, time: base + 180, delay: 0 },
      { ...run!, time: base + 420, delay: 60 },
    ];
    const schedule = scheduleOf(c, LAG);
    expect(schedule).toMatchObject({ everySeconds: 300, spanSeconds: 600, ingestionLagSeconds: 300, lookbackSeconds: 1200, cron: '*/5 * * * *' });
    const profile = profilesOf('spl').find((p) => p.id === 'sysmon_linux')!;
    const q = prepareCorrelation(c, 'spl', profile, compileRules(bundled.irs, { targets: ['spl'] }, [c]).files);
    if (typeof q === 'string') throw new Error(q);
    const alerts = runSchedule(stream, schedule, base, base + 3600, (seen) => q.run(streamRows('spl', profile, seen)));
    expect(alerts.map((a) => ({ run: new Date(a.run * 1000).toISOString(), end: a.result.end - base }))).toEqual([{ run: '2026-11-20T10:10:00.000Z', end: 420 }]);
  });
});
