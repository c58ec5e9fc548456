/**
 * Random event streams for correlation rules: events of the stage rules' log sources (often built
 * to fill a stage, sometimes random), on a few hosts, with gaps chosen to straddle each window's
 * edge (W-1, W, W+1 seconds) as well as 0 and far beyond.
 */
import fc from 'fast-check';
import type { CorrelationIR, TimedEvent } from '../../src/ir/correlation.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';
import { eventsFor } from './events.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { imageKeyOf } from '../../src/ir/image-key.js';

/** Images the variants name: two, so chains of one image and of another meet on one host. */
const VARIANT_IMAGES = ['img-a', 'ghcr.io/acme/img-b'];

/**
 * For a correlation joined on the image: each stage event that names an image also appears naming
 * each of VARIANT_IMAGES (its reference's text replaced), so streams hold builds and runs of the same
 * image and of different ones. A variant is kept only when its rule still matches it and reads the
 * new image.
 */
export function withImageVariants(c: CorrelationIR, pools: readonly (readonly CanonicalEvent[])[]): CanonicalEvent[][] {
  if (!c.joinOnImage) return pools.map((p) => [...p]);
  return pools.map((pool, k) => {
    const out = [...pool];
    for (const e of pool)
      for (const r of c.stages[k]!.rules) {
        const key = imageKeyOf(r.imageKey, e);
        if (key === '' || typeof e.CommandLine !== 'string') continue;
        const rule = compileRule(r);
        for (const v of VARIANT_IMAGES) {
          const variant: CanonicalEvent = { ...e, CommandLine: e.CommandLine.replace(key, v) };
          if (rule.evaluate(variant).matched && imageKeyOf(r.imageKey, variant) === v) out.push(variant);
        }
      }
    return out;
  });
}

const T0 = Date.parse('2026-11-20T10:00:00Z') / 1000;

/** Events that fill each stage rule, taken from its own test cases' matching events. */
export function streamArbitrary(c: CorrelationIR, stageEvents: readonly (readonly CanonicalEvent[])[]): fc.Arbitrary<TimedEvent[]> {
  const windows = [...new Set(c.stages.flatMap((s) => (s.withinSeconds ? [s.withinSeconds] : [])))];
  // Mostly the edges of the windows (W-1, W, W+1) and small gaps, so chains form and break at their
  // bounds; sometimes the total span's edge, anything up to it, or far beyond.
  const gaps = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1, ...windows.flatMap((w) => [w - 1, w, w + 1])) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.min(...windows) }) },
    { weight: 1, arbitrary: fc.constantFrom(c.spanSeconds, c.spanSeconds + 1, 3 * 3600) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: c.spanSeconds + 60 }) },
  );
  const categories = [...new Set(c.stages.flatMap((s) => s.rules.map((r) => r.logsource.category)))];
  const poolOf = (k: number): fc.Arbitrary<CanonicalEvent> => {
    const pool = stageEvents[k] ?? [];
    return pool.length ? fc.constantFrom(...pool) : eventsFor(c.stages[k]!.rules[0]!.logsource.category);
  };
  const randomEvent = fc.constantFrom(...categories).chain((cat) => eventsFor(cat).map((e) => ({ e, cat: cat as string | undefined })));
  // Mostly one host per stream (chains need it), sometimes another, a case variant or none.
  const hostOf = (main: string) => fc.oneof({ weight: 6, arbitrary: fc.constant(main) }, { weight: 1, arbitrary: fc.constantFrom('h2', 'H1', '') });
  // Stage events mostly in stage order (a chain in the making), sometimes any stage or a random event.
  const item = (index: number, main: string) =>
    fc.record({
      gap: gaps,
      host: hostOf(main),
      pick: fc.oneof(
        { weight: 3, arbitrary: poolOf(index % c.stages.length).map((e) => ({ e, cat: undefined as string | undefined })) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: c.stages.length - 1 }).chain((k) => poolOf(k).map((e) => ({ e, cat: undefined as string | undefined }))) },
        { weight: 1, arbitrary: randomEvent },
      ),
    });
  return fc
    .tuple(fc.constantFrom('h1', 'h2'), fc.integer({ min: 1, max: 9 }))
    .chain(([main, n]) => fc.tuple(...Array.from({ length: n }, (_, i) => item(i, main))))
    .map((items) => {
      let t = T0;
      return items.map(({ gap, host, pick }) => {
        t += gap;
        const category = pick.cat ?? categoryOf(pick.e);
        const event: CanonicalEvent = { ...pick.e, Host: host, _time: new Date(t * 1000).toISOString() };
        return { category, time: t, event };
      });
    });
}

/** A stage event's category, from the fields only that category has. */
function categoryOf(e: CanonicalEvent): string {
  if ('DestinationIp' in e || 'DestinationHostname' in e || 'DestinationPort' in e) return 'network_connection';
  if ('TargetFilename' in e) return 'file_event';
  return 'process_creation';
}
