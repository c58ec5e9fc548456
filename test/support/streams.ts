/**
 * Random event streams for correlation rules: events of the stage rules' log sources (often built
 * to fill a stage, sometimes random), on a few hosts, with gaps chosen to straddle each window's
 * edge (W-1, W, W+1 seconds) as well as 0 and far beyond.
 */
import fc from 'fast-check';
import { carriesGroup, type CorrelationIR, type TimedEvent } from '../../src/ir/correlation.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';
import { eventsFor } from './events.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { imageKeyOf } from '../../src/ir/image-key.js';

/** Images the variants name: two, so chains of one image and of another meet on one host. */
const VARIANT_IMAGES = ['img-a', 'ghcr.io/acme/img-b'];

/**
 * For a correlation joined on the image: each stage event that names an image also appears naming
 * each of VARIANT_IMAGES (its reference's text replaced), so streams hold builds and runs of the same
 * image and of different ones. An image-only rule's event (k8s_audit: a pod create, read from its
 * ContainerImage) also appears naming each image the earlier stages' events name. A variant is kept
 * only when its rule still matches it and reads the new image.
 */
export function withImageVariants(c: CorrelationIR, pools: readonly (readonly CanonicalEvent[])[]): CanonicalEvent[][] {
  if (!c.joinOnImage) return pools.map((p) => [...p]);
  // The images earlier stages' events name: an image-only rule's event (a pod create, no host) joins
  // a chain only when an earlier event named its image, so its variants name those too.
  const named = pools.map((pool, k) => [...new Set(pool.flatMap((e) => c.stages[k]!.rules.map((r) => imageKeyOf(r.imageKey, e)).filter((x) => x !== '')))]);
  return pools.map((pool, k) => {
    const out = [...pool];
    for (const e of pool)
      for (const r of c.stages[k]!.rules) {
        // The field the key is read from: the first source that reads one (`flag:`/`image:` read the
        // command line, `reference:` a field holding a reference, k8s_audit's ContainerImage).
        const source = r.imageKey.find((s) => imageKeyOf([s], e) !== '');
        if (!source) continue;
        const key = imageKeyOf([source], e);
        const text = e[source.field];
        if (typeof text !== 'string') continue;
        const rule = compileRule(r);
        const images = carriesGroup(c, r) ? VARIANT_IMAGES : [...new Set([...VARIANT_IMAGES, ...named.slice(0, k).flat()])];
        for (const v of images) {
          const variant: CanonicalEvent = { ...e, [source.field]: text.replace(key, v) };
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
    if (!pool.length) return eventsFor(c.stages[k]!.rules[0]!.logsource.category);
    // A stage with Kubernetes audit events beside others (an1261's deploy: runs and pod creates)
    // draws each kind half the time, so chains that end at a pod create are common.
    const audit = pool.filter((e) => categoryOf(e) === 'k8s_audit');
    const other = pool.filter((e) => categoryOf(e) !== 'k8s_audit');
    return audit.length && other.length ? fc.oneof(fc.constantFrom(...audit), fc.constantFrom(...other)) : fc.constantFrom(...pool);
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
        // A Kubernetes audit event has no host: its stage rules join on the image alone.
        const event: CanonicalEvent = category === 'k8s_audit' ? { ...pick.e, _time: new Date(t * 1000).toISOString() } : { ...pick.e, Host: host, _time: new Date(t * 1000).toISOString() };
        return { category, time: t, event };
      });
    });
}

/** A stage event's category, from the fields only that category has. */
export function categoryOf(e: CanonicalEvent): string {
  if ('Verb' in e || 'ObjectResource' in e || 'ObjectNamespace' in e || 'ContainerImage' in e) return 'k8s_audit';
  if ('DestinationIp' in e || 'DestinationHostname' in e || 'DestinationPort' in e) return 'network_connection';
  if ('TargetFilename' in e) return 'file_event';
  return 'process_creation';
}

/**
 * Streams built around chains that end at an image-only stage event (k8s_audit: a pod create with no
 * host): one event per stage in stage order (the image-only stage drawing an image-only event, which
 * names an image the chain named before it two times in three), plus up to three more stage events anywhere, with the window-edge gaps of streamArbitrary. Random
 * streams rarely line up a build, its egress and a pod of the built image; these do often, and as
 * often miss by a second or by an image. Empty when no stage has an image-only rule.
 */
export function imageOnlyStreamArbitrary(c: CorrelationIR, stageEvents: readonly (readonly CanonicalEvent[])[]): fc.Arbitrary<TimedEvent[]> {
  const imageOnlyStage = c.stages.findIndex((s) => s.rules.some((r) => !carriesGroup(c, r)));
  if (imageOnlyStage < 0 || !c.joinOnImage) return fc.constant([]);
  const windows = [...new Set(c.stages.flatMap((s) => (s.withinSeconds ? [s.withinSeconds] : [])))];
  const gaps = fc.oneof(fc.constantFrom(0, 1, ...windows.flatMap((w) => [w - 1, w, w + 1])), fc.integer({ min: 0, max: Math.min(...windows) }));
  const pick = (k: number, audit: boolean | undefined): fc.Arbitrary<CanonicalEvent> => {
    const pool = (stageEvents[k] ?? []).filter((e) => audit === undefined || (categoryOf(e) === 'k8s_audit') === audit);
    return pool.length ? fc.constantFrom(...pool) : eventsFor(c.stages[k]!.rules[0]!.logsource.category);
  };
  // The images an event names under the rules of its stage.
  const namedBy = (k: number, e: CanonicalEvent) => c.stages[k]!.rules.filter((r) => r.logsource.category === categoryOf(e)).map((r) => imageKeyOf(r.imageKey, e)).filter((x) => x !== '');
  const before = fc.tuple(...c.stages.slice(0, imageOnlyStage).map((_, k) => pick(k, undefined)));
  // The image-only stage's event names an image the chain named before it two times in three.
  const spine = before.chain((early) => {
    const images = new Set(early.flatMap((e, k) => namedBy(k, e)));
    const audit = (stageEvents[imageOnlyStage] ?? []).filter((e) => categoryOf(e) === 'k8s_audit');
    const same = audit.filter((e) => namedBy(imageOnlyStage, e).some((x) => images.has(x)));
    const at = same.length ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...same) }, { weight: 1, arbitrary: pick(imageOnlyStage, true) }) : pick(imageOnlyStage, true);
    return fc.tuple(fc.constant(early), at, fc.tuple(...c.stages.slice(imageOnlyStage + 1).map((_, i) => pick(imageOnlyStage + 1 + i, undefined))));
  }).map(([early, at, late]) => [...early, at, ...late]);
  const extra = fc.array(fc.integer({ min: 0, max: c.stages.length - 1 }).chain((k) => pick(k, undefined)), { maxLength: 3 });
  return fc
    .tuple(spine, extra, fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 3 }), fc.array(gaps, { minLength: c.stages.length + 3, maxLength: c.stages.length + 3 }), fc.constantFrom('h1', 'h2'))
    .map(([chain, more, at, gapList, host]) => {
      const events = [...chain];
      more.forEach((e, i) => events.splice(at[i]! % (events.length + 1), 0, e));
      let t = T0;
      return events.map((e, i) => {
        t += i === 0 ? 0 : gapList[i - 1]!;
        const category = categoryOf(e);
        const event: CanonicalEvent = category === 'k8s_audit' ? { ...e, _time: new Date(t * 1000).toISOString() } : { ...e, Host: host, _time: new Date(t * 1000).toISOString() };
        return { category, time: t, event };
      });
    });
}
