/**
 * Throughput benchmark: `npm run build && npm run bench` (from the repository root).
 *
 * Prints figures only; it never asserts on wall-clock time. Three parts:
 * 1. compile throughput: 1,000 and 10,000 distinct rules, generated deterministically from
 *    rules/docker-build-risk.yml, lowered to IR, checked (rules with errors are skipped and counted),
 *    and rendered to every target and profile; plus end-to-end `loadRules` (YAML parse + schema +
 *    checks + lowering) on 1,000 rule files written to a temporary directory;
 * 2. the IR reference evaluator over 1,000,000 pre-generated canonical events, then each target's
 *    evaluator running the emitted query over the same events, and the agreement check's own time;
 * 3. memory: rss and heapUsed after every phase, and their peaks.
 *
 * Everything random comes from one seeded PRNG (mulberry32), so two runs do the same work.
 *
 * To keep a run near a minute, rendering a set above 1,000 rules stops after RENDER_BUDGET_S per
 * target and the 10,000-rule total is projected from the rules rendered (the output says so).
 * Options (after `npm run bench --`): --full (no budget), --budget S, --rules 1000,10000,
 * --yaml N, --events N, --no-model-checks.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import yaml from 'js-yaml';
import { packageRoot } from '../src/paths.js';
import { loadRules } from '../src/pipeline.js';
import { lowerRule } from '../src/ir/lower.js';
import type { Allowlist } from '../src/model/allowlist.js';
import { compileRule, type CanonicalEvent } from '../src/ir/evaluate.js';
import { compileRules } from '../src/compile.js';
import { ruleChecks } from '../src/schema/checks/index.js';
import { TARGET_IDS, type TargetId } from '../src/backends/index.js';
import { irViewOf, queryColumns } from '../src/testing/run.js';
import type { Diagnostic } from '../src/model/diagnostics.js';
import type { LocatedDocument } from '../src/model/yaml.js';
import type {
  ExecutableHelper,
  LoadedRule,
  Predicate,
  RuleModel,
  SignalModel,
  TierCondition,
  TierModel,
} from '../src/model/types.js';
import type { RuleIR } from '../src/ir/nodes.js';

/** The bundled allowlists: the generated rules (variants of docker-build-risk) suppress by them. */
let BUNDLED_LISTS: ReadonlyMap<string, Allowlist> = new Map();

// ---------------------------------------------------------------------------------------------
// Settings

const SEED = 0x7161_2612;
const RULE_COUNTS = [1_000, 10_000] as const;
const YAML_RULES = 1_000;
const EVENTS = 1_000_000;
const LONG_LINE_BYTES = 8 * 1024;
/** One event in this many carries an 8 KB command line. */
const LONG_LINE_EVERY = 2_000;
/** Seconds one render phase may take before it stops (0: render everything; `--full`). */
const RENDER_BUDGET_S = 2;
/** Rules per compileRules call when a budget applies. */
const RENDER_CHUNK = 100;
/** Rules the model-phase checks run on in a large set (each still against the whole set). */
const MODEL_CHECK_SAMPLE = 1_000;
/** Events the per-kind breakdown of the evaluator runs on. */
const BREAKDOWN_EVENTS = 300_000;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32: a float in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** `k` distinct items, in their original order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const idx = items.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx
      .slice(0, Math.min(k, items.length))
      .sort((a, b) => a - b)
      .map((i) => items[i]!);
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return s;
  }
  /** A UUID-shaped string (version 4 layout). */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${'89ab'[this.int(0, 3)]}${this.hex(3)}-${this.hex(12)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

const MB = 1024 * 1024;

let forceGc: (() => void) | undefined;
try {
  setFlagsFromString('--expose-gc');
  forceGc = runInNewContext('gc') as () => void;
} catch {
  forceGc = undefined;
}
/**
 * Collect before a phase, so earlier garbage is not charged to it. Skipped above 1 GB of heap (the
 * 10,000-rule IR): there the live set dominates, and each forced collection would cost seconds.
 */
function collect(): void {
  if (forceGc && process.memoryUsage().heapUsed < 1024 * MB) forceGc();
}

let peakRss = 0;
let peakHeap = 0;
function sampleMemory(): void {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
}

interface Row {
  phase: string;
  items: number;
  /** Wall-clock seconds (performance.now()). */
  seconds: number;
  /** CPU seconds of the process, all threads (GC helpers too): shows when other processes took the CPU. */
  cpu: number;
  note: string;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

function addRow(row: Row): void {
  const m = process.memoryUsage();
  const rate = row.seconds > 0 ? row.items / row.seconds : 0;
  console.log(
    `${pad(row.phase, 30)}${lpad(fmtInt(row.items), 10)}${lpad(row.seconds.toFixed(3), 9)}${lpad(row.cpu.toFixed(2), 7)}${lpad(fmtInt(rate), 11)}${lpad(fmtInt(m.rss / MB), 7)}${lpad(fmtInt(m.heapUsed / MB), 7)}  ${row.note}`,
  );
}

/** Time `fn` once (after a collection, so earlier garbage is not charged to it), print a row. */
function measure<T>(phase: string, items: number, fn: () => T, note: (r: T) => string = () => ''): { result: T; seconds: number } {
  collect();
  sampleMemory();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  sampleMemory();
  addRow({ phase, items, seconds, cpu, note: note(result) });
  return { result, seconds };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
function printHeader(): void {
  console.log(`${pad('phase', 30)}${lpad('items', 10)}${lpad('seconds', 9)}${lpad('cpu s', 7)}${lpad('items/s', 11)}${lpad('rss', 7)}${lpad('heap', 7)}  notes`);
  console.log('-'.repeat(110));
}
function section(title: string): void {
  console.log(`\n== ${title}`);
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}
const fmtCounts = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ');

// ---------------------------------------------------------------------------------------------
// Rule generator: the bundled rule, varied deterministically

const ROOT = packageRoot();
const TEMPLATE_PATH = join(ROOT, 'rules', 'docker-build-risk.yml');
const template = yaml.load(readFileSync(TEMPLATE_PATH, 'utf8'), { schema: yaml.CORE_SCHEMA }) as RuleModel;

const clone = <T>(x: T): T => structuredClone(x);

const EXTRA_EXEC_NAMES = ['docker.io', 'docker-ce', 'com.docker.cli', 'podman-remote', 'nerdctl.lima', 'buildah-ci', 'docker-rootless', 'img', 'kaniko', 'buildkitd-cli'];
const TEMP_DIRS = ['/tmp', '/var/tmp', '/dev/shm', '/run/user', '/srv/scratch', '/opt/build-cache', '/home/shared', '/mnt/ci-work', '/var/lib/builds', '/scratch', '/run/shm', '/var/cache/tmp'];
const BOOL_FLAGS = ['--no-cache', '--pull', '--squash', '--rm', '--force-rm', '--privileged', '--quiet', '-q', '--compress', '--disable-content-trust', '--load', '--push'];
const PARENTS = ['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'python', 'perl', 'ruby', 'curl', 'wget', 'node', 'php', 'lua', 'tclsh', 'fish', 'busybox', 'pwsh'];
const URL_PREFIXES = ['http://', 'https://', 'git://', 'git@', 'ssh://git@', 'ftp://', 's3://', 'gs://'];
const URL_CONTAINS = ['.git#', '/raw/', '.tar.gz#', '?ref='];
const URL_ENDS = ['.git', '.tar.gz', '.tgz', '.zip'];
const SUSPECT_USERS = ['root', 'nobody', 'www-data', 'daemon', 'postgres', 'jenkins'];
const PARENT_CMD_WORDS = ['curl', 'wget', 'base64', '/dev/tcp/', 'nc -e', 'eval', 'python -c', 'bash -i'];
const LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** The four template signals, varied. */
function variedTemplateSignal(rng: Rng, s: SignalModel): SignalModel {
  const out = clone(s);
  out.weight = rng.int(1, 6);
  const w = out.when as Record<string, any>;
  if (s.id === 'temp_context') {
    w.pathArgument.under = rng.sample(TEMP_DIRS, rng.int(1, 5));
    if (rng.chance(0.2)) delete w.pathArgument.cwdField;
  } else if (s.id === 'no_cache') {
    w.flag.names = rng.sample(BOOL_FLAGS, rng.int(1, 3));
  } else if (s.id === 'remote_definition') {
    const flag = w.any[0].flag;
    flag.names = rng.chance(0.5) ? ['-f', '--file'] : rng.pick([['--file'], ['-f', '--file', '--dockerfile']]);
    flag.values.startswith = rng.sample(URL_PREFIXES, rng.int(1, 3));
    const arg = w.any[1].argument;
    arg.startswith = rng.sample(URL_PREFIXES, rng.int(1, 5));
    arg.contains = rng.sample(URL_CONTAINS, rng.int(1, 2));
    arg.endswith = rng.sample(URL_ENDS, rng.int(1, 2));
    if (rng.chance(0.25)) out.when = { any: [w.any[rng.int(0, 1)]] };
  } else if (s.id === 'shell_parent') {
    w.executable.names = rng.sample(PARENTS, rng.int(2, 11));
    w.executable.versionSuffix = rng.chance(0.7);
  }
  return out;
}

/** An added signal of one of several shapes (fields every profile carries, so no rule is skipped). */
function extraSignal(rng: Rng, n: number): SignalModel {
  const kind = rng.int(0, 7);
  const weight = rng.int(1, 6);
  switch (kind) {
    case 0:
      return { id: `x${n}_flag`, weight, description: `Extra boolean flag signal ${n}.`, when: { flag: { field: 'CommandLine', names: rng.sample(BOOL_FLAGS, rng.int(1, 3)) } } };
    case 1:
      return {
        id: `x${n}_build_arg`,
        weight,
        description: `A proxy or token passed as a build argument (${n}).`,
        when: { flag: { field: 'CommandLine', names: ['--build-arg'], values: { startswith: rng.sample(['HTTP_PROXY=', 'HTTPS_PROXY=', 'http_proxy=', 'TOKEN=', 'AWS_SECRET_ACCESS_KEY=', 'GITHUB_TOKEN='], rng.int(1, 3)) } } },
      };
    case 2:
      return {
        id: `x${n}_network`,
        weight,
        description: `The build uses a host or custom network (${n}).`,
        when: { flag: { field: 'CommandLine', names: rng.sample(['--network', '--add-host', '--secret', '--ssh'], rng.int(1, 2)), values: { equals: rng.sample(['host', 'default', 'none', 'id=aws', 'bridge'], rng.int(1, 2)) } } },
      };
    case 3:
      return {
        id: `x${n}_user`,
        weight,
        description: `The build runs as a sensitive account (${n}).`,
        when: { field: 'User', equals: rng.sample(SUSPECT_USERS, rng.int(1, 3)) },
      };
    case 4:
      return {
        id: `x${n}_parent_cmd`,
        weight,
        description: `The parent command line downloads or decodes (${n}).`,
        when: { field: 'ParentCommandLine', contains: rng.sample(PARENT_CMD_WORDS, rng.int(1, 3)) },
      };
    case 5:
      return {
        id: `x${n}_label`,
        weight,
        description: `A label or tag of the form evilNNN (${n}).`,
        when: { field: 'CommandLine', regex: rng.pick(['--label[ =]evil[0-9]+', '-t[ =][a-z]+/evil[0-9]*', 'registry\\.example\\.(com|net)/[a-z]+']) },
      };
    case 6:
      return {
        id: `x${n}_archive`,
        weight,
        description: `An archive or script argument (${n}).`,
        when: { argument: { field: 'CommandLine', endswith: rng.sample(['.tar', '.tar.gz', '.sh', '.py', '.bin'], rng.int(1, 3)) } },
      };
    default:
      return {
        id: `x${n}_not_ci`,
        weight,
        description: `The parent is not a known CI agent (${n}).`,
        when: { not: { executable: { field: 'ParentImage', names: rng.sample(['gitlab-runner', 'jenkins-agent', 'buildkite-agent', 'Runner.Worker', 'java'], rng.int(1, 3)) } } },
      };
  }
}

function signalsIn(c: TierCondition, into: Set<string> = new Set()): Set<string> {
  if ('all' in c) c.all.forEach((x) => signalsIn(x, into));
  else if ('any' in c) c.any.forEach((x) => signalsIn(x, into));
  else if ('not' in c) signalsIn(c.not, into);
  else if ('signal' in c) into.add(c.signal);
  return into;
}

function generateRule(rng: Rng, index: number): RuleModel {
  const m = clone(template);
  const num = String(index).padStart(5, '0');
  m.id = rng.uuid();
  m.name = `bench-rule-${num}`;
  m.title = `Bench ${num}: ${template.title}`.slice(0, 120);
  m.severity = rng.pick(LEVELS);
  m.confidence = rng.pick(['low', 'medium', 'high'] as const);
  m.tags = [...(template.tags ?? []), `bench-${num}`];

  // match: a non-empty subset of the tool branches, some with extra executable names
  const branches = (m.match as { any: Predicate[] }).any;
  const kept = rng.sample(branches, rng.chance(0.6) ? branches.length : rng.int(1, branches.length));
  for (const b of kept) {
    const exe = (b as { all: Predicate[] }).all[0] as { executable: ExecutableHelper };
    if (rng.chance(0.4)) exe.executable.names = [...exe.executable.names, ...rng.sample(EXTRA_EXEC_NAMES, rng.int(1, 2))];
  }
  m.match = kept.length === 1 ? kept[0]! : { any: kept };

  // signals: the template's four, varied; sometimes one dropped; sometimes extras added (1..12)
  const signals = template.signals.map((s) => variedTemplateSignal(rng, s));
  if (rng.chance(0.2)) signals.splice(rng.int(0, signals.length - 1), 1);
  const extra = rng.pick([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 5, 8]);
  for (let i = 0; i < extra && signals.length < 12; i++) signals.push(extraSignal(rng, i + 1));
  m.signals = signals;
  const ids = new Set(signals.map((s) => s.id));
  const weight = new Map(signals.map((s) => [s.id, s.weight]));
  const total = signals.reduce((n, s) => n + s.weight, 0);

  // tiers: the template's tiers whose signals all still exist, plus tiers for added signals
  const body: TierModel[] = template.tiers.filter((t) => !t.default && t.when && [...signalsIn(t.when)].every((id) => ids.has(id))).map(clone);
  const templateIds = signals.filter((s) => !s.id.startsWith('x')).map((s) => s.id);
  // Each extra signal gets a tier of its own (so it always affects the verdict), placed at random;
  // sometimes it takes a template signal along (`all`), which cannot shadow that signal's own tier.
  for (const s of signals) {
    if (!s.id.startsWith('x')) continue;
    const other = templateIds.length && rng.chance(0.3) ? rng.pick(templateIds) : undefined;
    const when: TierCondition = other ? { all: [{ signal: s.id }, { signal: other }] } : { signal: s.id };
    const tier: TierModel = { name: `tier_${s.id}`, title: `Extra tier for ${s.id}`, when, level: rng.pick(LEVELS), action: rng.chance(0.8) ? 'alert' : 'risk' };
    // An `all` tier goes before the first tier naming `other`, or that tier would shadow it.
    const firstOther = other ? body.findIndex((t) => signalsIn(t.when!).has(other)) : -1;
    body.splice(rng.int(0, firstOther >= 0 ? firstOther : body.length), 0, tier);
  }
  // Template signals no tier names any more still need a tier, or their weight must matter.
  for (const s of signals) {
    if (body.some((t) => signalsIn(t.when!).has(s.id))) continue;
    body.push({ name: `only_${s.id}`, title: `Tier for ${s.id}`, when: { signal: s.id }, level: rng.pick(LEVELS), action: 'alert' });
  }
  // Threshold: at most the score of the cheapest way into every tier (so no tier is cut off by it),
  // and never above the sum of weights.
  const cheapest = (c: TierCondition): number =>
    'all' in c ? c.all.reduce((n, x) => n + cheapest(x), 0) : 'any' in c ? Math.min(...c.any.map(cheapest)) : 'signal' in c ? weight.get(c.signal)! : total;
  const cap = Math.min(total, ...body.map((t) => cheapest(t.when!)));
  m.threshold = rng.int(1, Math.max(1, cap));
  if (rng.chance(0.15) && total >= 4) body.unshift({ name: 'score_peak', title: 'Very high score', when: { score: { gte: total - rng.int(0, 1) } }, level: 'critical', action: 'alert' });
  m.tiers = [...body, { name: 'low', title: 'LOW: recorded as risk', default: true, level: 'low', action: 'risk' }];
  return m;
}

const fakeLocate = (value: unknown): LocatedDocument => ({ value, at: () => ({ line: 1, column: 1 }), keyAt: () => ({ line: 1, column: 1 }) });
const loaded = (model: RuleModel): LoadedRule => ({ file: `bench/${model.name}.yml`, model, locate: fakeLocate(model) });

const irChecks = ruleChecks.filter((c) => c.phase === 'ir');
const modelChecks = ruleChecks.filter((c) => c.phase === 'model');
const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

/** `count` rule models from the seeded generator (the first 1,000 of 10,000 are the 1,000-rule set). */
function generateModels(count: number): LoadedRule[] {
  const rng = new Rng(SEED);
  const out: LoadedRule[] = [];
  for (let i = 1; i <= count; i++) out.push(loaded(generateRule(rng, i)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Event generator: realistic process-creation events

const BIN_DIRS = ['/usr/bin/', '/usr/local/bin/', '/bin/', '/snap/bin/', '/opt/bin/'];
const BUILD_TOOLS = [
  { exe: 'docker', weight: 45, sub: ['build', 'build', 'build', 'image build', 'buildx build', 'builder build', 'compose build'], globals: ['-H unix:///var/run/docker.sock', '--log-level debug', '--context prod', '-D'] },
  { exe: 'podman', weight: 20, sub: ['build', 'image build', 'buildx build'], globals: ['--root /var/lib/containers/storage', '--log-level=info', '--storage-driver overlay'] },
  { exe: 'buildah', weight: 10, sub: ['bud', 'build'], globals: ['--root /var/lib/containers', '--log-level warn'] },
  { exe: 'nerdctl', weight: 10, sub: ['build', 'image build', 'builder build'], globals: ['-n k8s.io', '--address /run/containerd/containerd.sock'] },
  { exe: 'docker-compose', weight: 10, sub: ['build'], globals: ['-f docker-compose.ci.yml', '-p app'] },
  { exe: 'buildctl', weight: 5, sub: ['build'], globals: ['--addr tcp://buildkitd:1234'] },
] as const;
const BUILD_FLAGS = [
  '-t img:latest', '--tag registry.example.com/team/app:1.2.3', '--no-cache', '--no-cache=false', '--pull', '--rm', '-q',
  '--build-arg VERSION=1.2.3', '--build-arg HTTP_PROXY=http://proxy.corp:3128', '--platform linux/amd64', '--label "x --no-cache"',
  '--secret id=npm,src=/home/dev/.npmrc', '--network host', '--progress=plain', '-f Dockerfile.prod', '-f /tmp/build/Dockerfile',
  '--file https://example.com/payload/Dockerfile', '--target prod', '--squash', '-t t1612', "--label 'org.opencontainers.image.source=https://github.com/o/r'",
];
const CONTEXTS = [
  '.', '.', '.', './ctx', '/tmp/ctx', '/tmp/atomictest_t1612', '/var/tmp/build', '/dev/shm/b', '/run/user/1000/img', '/home/dev/src/app',
  '/srv/app', '/opt/tmp/ctx', '/tmpfoo/x', 'https://github.com/example/app.git#main', 'git@github.com:example/app.git', '-', '"/tmp/with space"',
];
const NON_BUILD = [
  'ps -a', 'images', 'run --rm -it alpine sh', 'run --rm -v /tmp:/tmp alpine build', 'pull nginx:1.27', 'push registry.example.com/app:1',
  'image ls', 'logs -f web', 'exec -it web bash', 'compose up -d', 'inspect web', 'run builder', 'system prune -af', 'login -u ci registry.example.com',
];
const OTHER_COMMANDS = [
  ['/usr/bin/ls', 'ls -la /tmp'], ['/usr/bin/cat', 'cat /etc/os-release'], ['/usr/bin/grep', 'grep -r build /srv/app'],
  ['/usr/bin/python3.11', 'python3 /opt/app/manage.py migrate'], ['/usr/bin/curl', 'curl -fsSL https://example.com/install.sh'],
  ['/usr/bin/git', 'git clone https://github.com/example/app.git /tmp/app'], ['/usr/bin/make', 'make build'], ['/usr/local/go/bin/go', 'go build ./...'],
  ['/usr/bin/npm', 'npm run build'], ['/usr/bin/systemctl', 'systemctl restart docker'], ['/usr/bin/dockerd', '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock'],
  ['/usr/bin/kubectl', 'kubectl apply -f deploy.yaml'], ['/usr/bin/tar', 'tar -czf /tmp/ctx.tar.gz .'], ['/usr/bin/sshd', 'sshd: alice [priv]'],
  ['/usr/bin/bash', 'bash -c docker build -t x /tmp/ctx'], ['/usr/bin/find', 'find / -name Dockerfile'],
] as const;
const PARENT_IMAGES = [
  ['/bin/bash', 'bash'], ['/usr/bin/bash', '-bash'], ['/bin/sh', 'sh -c'], ['/usr/bin/dash', 'dash -c'], ['/usr/bin/zsh', 'zsh'],
  ['/usr/bin/python3.11', 'python3 ci.py'], ['/usr/bin/python3', 'python3 -c'], ['/usr/sbin/sshd', 'sshd: root@pts/0'],
  ['/usr/bin/containerd-shim-runc-v2', 'containerd-shim-runc-v2 -namespace moby'], ['/usr/lib/systemd/systemd', '/sbin/init'],
  ['/usr/sbin/cron', '/usr/sbin/cron -f'], ['/usr/bin/make', 'make image'], ['/usr/lib/jvm/java-17/bin/java', 'java -jar agent.jar'],
  ['/usr/bin/ruby3.2', 'ruby deploy.rb'], ['/usr/local/bin/gitlab-runner', 'gitlab-runner run'], ['/usr/bin/perl', 'perl build.pl'], ['/usr/bin/wget', 'wget -qO- https://x'],
] as const;
const USERS = ['root', 'root', 'ubuntu', 'jenkins', 'gitlab-runner', 'alice', 'svc_build', 'www-data'];
const CWDS = ['/root', '/home/alice/src/app', '/tmp/build', '/var/tmp', '/srv/ci/workspace', '/', '/run/user/1000', '/home/dev'];

function weightedTool(rng: Rng): (typeof BUILD_TOOLS)[number] {
  let r = rng.int(1, 100);
  for (const t of BUILD_TOOLS) if ((r -= t.weight) <= 0) return t;
  return BUILD_TOOLS[0];
}

/** A flat (non-cons) string: V8's Array.prototype.join writes one sequential string. */
const words = (parts: readonly string[]) => parts.join(' ');

function longTail(rng: Rng, base: string[]): string[] {
  const parts = [...base];
  let len = parts.join(' ').length;
  let i = 0;
  while (len < LONG_LINE_BYTES) {
    const w = `--build-arg ARG_${i++}=${rng.hex(24)}`;
    parts.splice(parts.length - 1, 0, w);
    len += w.length + 1;
  }
  return parts;
}

interface EventMix {
  build: number;
  container: number;
  other: number;
  long: number;
}

function generateEvents(count: number): { events: CanonicalEvent[]; mix: EventMix } {
  const rng = new Rng(SEED ^ 0x5eed);
  const events: CanonicalEvent[] = new Array(count);
  const mix: EventMix = { build: 0, container: 0, other: 0, long: 0 };
  for (let i = 0; i < count; i++) {
    const kind = rng.next();
    let image: string;
    let parts: string[];
    if (kind < 0.35) {
      mix.build++;
      const t = weightedTool(rng);
      image = [rng.pick(BIN_DIRS), t.exe].join('');
      parts = [rng.chance(0.7) ? t.exe : image];
      if (rng.chance(0.2)) parts.push(rng.pick(t.globals));
      if (t.exe === 'buildctl') {
        const ctx = rng.pick(['/tmp/ctx', '/srv/app', '.', '/var/tmp/b']);
        parts.push('build', '--frontend', 'dockerfile.v0', `--local=context=${ctx}`, `--local`, `dockerfile=${ctx}`);
      } else {
        parts.push(rng.pick(t.sub));
        const nFlags = rng.int(0, 4);
        for (let f = 0; f < nFlags; f++) parts.push(rng.pick(BUILD_FLAGS));
        if (rng.chance(0.3)) parts.push('-t', `app-${rng.hex(6)}:${rng.int(1, 40)}`);
        parts.push(rng.pick(CONTEXTS));
      }
    } else if (kind < 0.5) {
      mix.container++;
      const t = weightedTool(rng);
      image = [rng.pick(BIN_DIRS), t.exe].join('');
      parts = [t.exe, rng.pick(NON_BUILD), `--name=c${rng.hex(5)}`];
    } else {
      mix.other++;
      const [img, cmd] = rng.pick(OTHER_COMMANDS);
      image = img;
      parts = [cmd, rng.hex(rng.int(4, 12))];
    }
    if (i % LONG_LINE_EVERY === LONG_LINE_EVERY - 1) {
      mix.long++;
      parts = longTail(rng, parts);
    }
    const [pImage, pCmd] = rng.pick(PARENT_IMAGES);
    const commandLine = words(parts);
    const ev: Record<string, string | null> = {
      Image: image,
      CommandLine: commandLine,
      ParentImage: pImage,
      ParentCommandLine: rng.chance(0.5) ? words([pCmd, commandLine.length < 200 ? commandLine : 'script']) : pCmd,
      User: rng.pick(USERS),
      CurrentDirectory: rng.pick(CWDS),
    };
    // Absent fields: missing, null or "" (all read as absent), as telemetry really delivers them.
    if (rng.chance(0.1)) delete ev[rng.pick(['ParentImage', 'ParentCommandLine', 'User', 'CurrentDirectory'])];
    if (rng.chance(0.03)) ev.ParentImage = null;
    if (rng.chance(0.03)) ev.CurrentDirectory = '';
    events[i] = ev;
  }
  return { events, mix };
}

// ---------------------------------------------------------------------------------------------
// Main

interface Options {
  rules: number[];
  yamlRules: number;
  events: number;
  /** Seconds per render phase before it stops early (0: no limit). */
  budget: number;
  modelChecks: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { rules: [...RULE_COUNTS], yamlRules: YAML_RULES, events: EVENTS, budget: RENDER_BUDGET_S, modelChecks: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--rules') o.rules = next().split(',').map(Number).filter((n) => n > 0);
    else if (a === '--yaml') o.yamlRules = Number(next());
    else if (a === '--events') o.events = Number(next());
    else if (a === '--budget') o.budget = Number(next());
    else if (a === '--full') o.budget = 0;
    else if (a === '--no-model-checks') o.modelChecks = false;
    else throw new Error(`unknown option ${a} (known: --rules 1000,10000 --yaml N --events N --budget SECONDS --full --no-model-checks)`);
  }
  return o;
}

/**
 * Render `irs` for one target. Without a budget: one `compileRules` call, as `t1612 compile` makes.
 * With one: chunks of RENDER_CHUNK rules until the budget is spent, so a slow target cannot make
 * the whole run take minutes; the row then says how many rules it rendered.
 */
function renderPhase(label: string, irs: readonly RuleIR[], target: TargetId, budget: number): { seconds: number; rendered: number } {
  collect();
  sampleMemory();
  let files = 0;
  let bytes = 0;
  let profiles = 0;
  const sev = new Map<string, number>();
  const take = (out: ReturnType<typeof compileRules>) => {
    files += out.files.length;
    for (const f of out.files) bytes += f.content.length;
    profiles = out.folders.length;
    for (const d of out.diagnostics) sev.set(`${d.severity}s`, (sev.get(`${d.severity}s`) ?? 0) + 1);
  };
  let rendered = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (!budget) {
    const out = compileRules(irs, { targets: [target] });
    sampleMemory();
    take(out);
    rendered = irs.length;
  } else {
    while (rendered < irs.length && performance.now() - t0 < budget * 1000) {
      const out = compileRules(irs.slice(rendered, rendered + RENDER_CHUNK), { targets: [target] });
      sampleMemory();
      take(out);
      rendered = Math.min(irs.length, rendered + RENDER_CHUNK);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  sampleMemory();
  const partial = rendered < irs.length ? `STOPPED at the ${budget} s budget after ${fmtInt(rendered)} of ${fmtInt(irs.length)}; ` : '';
  addRow({
    phase: label,
    items: rendered,
    seconds,
    cpu,
    note: `${partial}${profiles} profile(s), ${fmtInt(files)} files, ${(bytes / MB).toFixed(1)} MB${sev.size ? `, ${fmtCounts(sev)}` : ''}`,
  });
  return { seconds, rendered };
}

interface CompileTotals {
  n: number;
  valid: number;
  lower: number;
  checks: number;
  render: Map<TargetId, { seconds: number; rendered: number }>;
}

/**
 * One rule set: generate, check, lower, render. A function of its own, so the set's IR (about
 * 250 KB per rule) is unreachable once it returns: a loop body in `main` kept the last set alive
 * in a stack slot and charged it to every later phase.
 */
function compileSet(n: number, opts: Options): CompileTotals {
  const rules = measure(`generate models     n=${n}`, n, () => generateModels(n), (rs) => {
    const sig = rs.map((r) => r.model.signals.length);
    const tiers = rs.reduce((a, r) => a + r.model.tiers.length, 0) / rs.length;
    return `setup; signals/rule ${Math.min(...sig)}..${Math.max(...sig)} (mean ${(sig.reduce((a, b) => a + b, 0) / sig.length).toFixed(1)}), tiers/rule mean ${tiers.toFixed(1)}`;
  }).result;
  if (opts.modelChecks) {
    // duplicate-identity scans the whole set for each rule, so above 1,000 rules only every k-th
    // rule is checked (each against all n): the per-rule rate shows the cost growing with n.
    const stride = Math.max(1, Math.floor(n / MODEL_CHECK_SAMPLE));
    const sample = rules.filter((_, i) => i % stride === 0);
    measure(`checks (model)      n=${n}`, sample.length, () => {
      let errors = 0;
      for (const rule of sample) for (const c of modelChecks) errors += errorsOf(c.run({ rule, all: rules, lists: BUNDLED_LISTS })).length;
      return errors;
    }, (e) => `${e} errors; ${sample.length < n ? `every ${stride}th rule, ` : ''}each against all ${fmtInt(n)} (duplicate-identity is O(n) per rule)`);
  }
  const lowered = measure(`lower (IR)          n=${n}`, n, () => rules.map((r) => lowerRule(r, BUNDLED_LISTS)), (ls) => `${fmtInt(ls.filter((l) => l.ir).length)} IRs`);
  const checked = measure(`checks (ir)         n=${n}`, n, () => {
    const valid: RuleIR[] = [];
    const rejected = new Map<string, number>();
    rules.forEach((rule, i) => {
      const ir = lowered.result[i]!.ir;
      const errs = ir ? errorsOf(irChecks.flatMap((c) => c.run({ rule, ir, all: rules, lists: BUNDLED_LISTS }))) : errorsOf(lowered.result[i]!.diagnostics);
      if (!errs.length) valid.push(ir!);
      for (const code of new Set(errs.map((e) => e.code))) rejected.set(code, (rejected.get(code) ?? 0) + 1);
    });
    return { valid, rejected };
  }, (r) => `${fmtInt(r.valid.length)} valid, ${fmtInt(n - r.valid.length)} skipped${r.rejected.size ? ` (${fmtCounts(r.rejected)})` : ''}`);
  const irs = checked.result.valid;
  lowered.result.length = 0;
  const render = new Map<TargetId, { seconds: number; rendered: number }>();
  // The budget only applies above 1,000 rules: the 1,000-rule set is always rendered whole.
  const budget = n > 1_000 ? opts.budget : 0;
  for (const t of TARGET_IDS) render.set(t, renderPhase(`render ${t.padEnd(5)}        n=${n}`, irs, t, budget));
  return { n, valid: irs.length, lower: lowered.seconds, checks: checked.seconds, render };
}

/** End to end on YAML text: loadRules = find files + parse + schema + checks + lower. */
function loadRulesPhase(count: number): void {
  const dir = mkdtempSync(join(tmpdir(), 't1612-bench-'));
  try {
    for (const r of generateModels(count)) writeFileSync(join(dir, `${r.model.name}.yml`), yaml.dump(r.model, { lineWidth: -1, noRefs: true }));
    for (const f of readdirSync(join(ROOT, 'rules/allowlists'))) copyFileSync(join(ROOT, 'rules/allowlists', f), join(dir, f));
    measure(`loadRules (YAML)    n=${count}`, count, () => loadRules([dir]), (res) => {
      const by = countBy(res.diagnostics, (d) => `${d.severity} ${d.code}`);
      return `parse + schema + checks + lower: ${fmtInt(res.irs.length)} IRs${by.size ? `; ${fmtCounts(by)}` : ''}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The reference evaluator over pre-generated events; returns events/s, or undefined on failure. */
function evaluatorPhase(count: number): number | undefined {
  const bundled = loadRules([join(ROOT, 'rules')]);
  const ruleIr = bundled.irs.find((r) => r.name === 'docker-build-risk');
  if (!bundled.ok || !ruleIr) {
    console.log(`  cannot load the bundled rule: ${bundled.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('; ')}`);
    process.exitCode = 1;
    return undefined;
  }
  const { events } = measure(`generate events     n=${count}`, count, () => generateEvents(count), (g) =>
    `setup; ${fmtInt(g.mix.build)} builds, ${fmtInt(g.mix.container)} other container CLI, ${fmtInt(g.mix.other)} other; ${fmtInt(g.mix.long)} with ${LONG_LINE_BYTES / 1024} KB lines`,
  ).result;
  const compiled = compileRule(ruleIr);
  // Warm-up on a slice, so the timed run measures the optimised code, not the first JIT tiers.
  for (let i = 0; i < Math.min(events.length, 20_000); i++) compiled.evaluate(events[i]!);
  const run = measure(`evaluate            n=${count}`, events.length, () => {
    const tiers = new Map<string, number>();
    let matched = 0;
    for (let i = 0; i < events.length; i++) {
      const r = compiled.evaluate(events[i]!);
      if (r.matched) {
        matched++;
        tiers.set(r.tier!, (tiers.get(r.tier!) ?? 0) + 1);
      }
    }
    return { matched, tiers };
  }, (r) => `${fmtInt(r.matched)} matched: ${fmtCounts(r.tiers)}`);
  // Where the time goes: the same evaluator on each kind of event (first BREAKDOWN_EVENTS events).
  const isLong = (e: CanonicalEvent) => typeof e.CommandLine === 'string' && e.CommandLine.length >= LONG_LINE_BYTES;
  const tool = /(?:^|\/)(?:docker|podman|buildah|nerdctl|docker-compose|buildctl)$/;
  const groups: [string, (e: CanonicalEvent) => boolean][] = [
    ['  of which container CLI', (e) => !isLong(e) && tool.test(String(e.Image))],
    ['  of which other processes', (e) => !isLong(e) && !tool.test(String(e.Image))],
    ['  of which 8 KB command lines', isLong],
  ];
  const head = events.slice(0, Math.min(events.length, BREAKDOWN_EVENTS));
  for (const [name, pick] of groups) {
    const evs = head.filter(pick);
    measure(name, evs.length, () => {
      let m = 0;
      for (let i = 0; i < evs.length; i++) if (compiled.evaluate(evs[i]!).matched) m++;
      return m;
    }, (m) => `${fmtInt(m)} matched`);
  }
  targetEvaluatorPhase(ruleIr, events);
  agreementPhase(ruleIr, events.slice(0, AGREEMENT_EVENTS));
  return events.length / run.seconds;
}

const ROW_BATCH = 100_000;
const AGREEMENT_EVENTS = 10_000;

/**
 * Each target's evaluator running the emitted query over the same events, as that profile's rows.
 * Rows are built in batches outside the timed part (a KQL row holds every table column), and each
 * query is compiled once before timing.
 */
function targetEvaluatorPhase(rule: RuleIR, events: readonly CanonicalEvent[]): void {
  for (const c of queryColumns(rule)) {
    let seconds = 0;
    let results = 0;
    for (let start = 0; start < events.length; start += ROW_BATCH) {
      const rows = events.slice(start, start + ROW_BATCH).map(c.toRow);
      const t0 = performance.now();
      results += c.query.run(rows).length;
      seconds += (performance.now() - t0) / 1000;
    }
    addRow({ phase: `evaluate ${c.name.padEnd(17)} n=${events.length}`, items: events.length, seconds, cpu: seconds, note: `${fmtInt(results)} results (emitted ${c.target.toUpperCase()} text, rows built outside the timing)` });
    sampleMemory();
  }
}

/** The agreement check itself: IR versus every target and profile, event by event. */
function agreementPhase(rule: RuleIR, events: readonly CanonicalEvent[]): void {
  const columns = queryColumns(rule).map((c) => ({ ...c, ir: compileRule(rule, irViewOf(c.profile)) }));
  measure(`agreement (${columns.length} cols)  n=${events.length}`, events.length, () => {
    let disagreements = 0;
    for (const e of events) for (const c of columns) if ((c.query.run([c.toRow(e)]).length > 0) !== c.ir.evaluate(e).matched) disagreements++;
    return disagreements;
  }, (d) => `IR vs every target per event (rows built inside the timing); ${fmtInt(d)} disagreements on matched`);
}

function main(): void {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const wallStart = performance.now();
  BUNDLED_LISTS = loadRules([join(ROOT, 'rules')]).lists;
  console.log(`t1612 benchmark (node ${process.version}, ${process.arch}, 1 process, forced gc between phases: ${forceGc ? 'yes, below 1 GB heap' : 'no'})`);
  console.log(
    `seed 0x${SEED.toString(16)}; rules generated from ${TEMPLATE_PATH.slice(ROOT.length + 1)}; render budget above 1,000 rules: ${opts.budget ? `${opts.budget} s per target (--full: none)` : 'none'}`,
  );
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  console.log(`load average (1 min) ${load.toFixed(2)} on ${cores} cores${load > 1 ? ': other processes are running, so figures will be noisy' : ''}`);
  console.log('columns: seconds = wall clock (performance.now), cpu s = process CPU time (all threads, GC included), items/s = items / seconds, rss and heap = MB after the phase');
  sampleMemory();
  const small = opts.rules.filter((n) => n <= 1_000);
  const large = opts.rules.filter((n) => n > 1_000);
  const totals: CompileTotals[] = [];

  if (small.length || opts.yamlRules > 0) {
    section('1. compile throughput: lower, check and render to spl (1 profile), kql (2 profiles), sigma (1 profile)');
    printHeader();
    for (const n of small) totals.push(compileSet(n, opts));
    if (opts.yamlRules > 0) loadRulesPhase(opts.yamlRules);
  }

  // The evaluator runs before the large rule set, whose IR would otherwise crowd the heap.
  let eventsPerSecond: number | undefined;
  if (opts.events > 0) {
    section('2. IR reference evaluator: compileRule(rules/docker-build-risk.yml).evaluate(event)');
    printHeader();
    eventsPerSecond = evaluatorPhase(opts.events);
  }

  if (large.length) {
    section('1b. compile throughput, large rule sets');
    printHeader();
    for (const n of large) totals.push(compileSet(n, opts));
  }

  section('summary');
  for (const t of totals) {
    const parts = [...t.render].map(([id, r]) => `${id} ${r.seconds.toFixed(2)}${r.rendered < t.valid ? ` (${fmtInt(r.rendered)} rules)` : ''}`).join(' + ');
    console.log(`  n=${String(t.n).padEnd(6)} lower ${t.lower.toFixed(2)} s, ir checks ${t.checks.toFixed(2)} s, render ${parts} s`);
  }
  console.log(`  peak rss ${fmtInt(peakRss / MB)} MB, peak heap ${fmtInt(peakHeap / MB)} MB (sampled before and after each phase)`);
  const big = totals.reduce<CompileTotals | undefined>((a, t) => (!a || t.n > a.n ? t : a), undefined);
  if (big) {
    // Rendering that stopped at the budget is projected linearly to all rules (and says so).
    let projected = false;
    let render = 0;
    for (const r of big.render.values()) {
      if (r.rendered < big.valid) projected = true;
      render += r.rendered ? (r.seconds * big.valid) / r.rendered : 0;
    }
    const total = big.lower + render;
    console.log(
      `  aim: ${fmtInt(big.n)} rules x 3 targets < 3 s on one core -> ${total.toFixed(2)} s = lower ${big.lower.toFixed(2)} + render ${render.toFixed(2)}${projected ? ' (render projected linearly from the rules rendered within the budget; --full renders all)' : ''}; ${big.n < 10_000 ? 'the aim is for 10,000 rules' : total < 3 ? 'met' : `MISSED (${(total / 3).toFixed(1)}x the aim)`}`,
    );
  }
  if (eventsPerSecond !== undefined)
    console.log(`  aim: IR evaluator >= 1,000,000 events/s -> ${fmtInt(eventsPerSecond)} events/s; ${eventsPerSecond >= 1e6 ? 'met' : `MISSED (${(1e6 / eventsPerSecond).toFixed(1)}x short)`}`);
  console.log(`  total bench time ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);
}

main();
