/**
 * Realistic build events for the bundled build rule: every build tool and subcommand, flags in every
 * spelling (quoted, combined, `=`), paths inside and outside temp directories, look-alike parents,
 * hostile strings, absent fields and placeholders. Shared by the per-target agreement properties.
 */
import fc from 'fast-check';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';

const quoteVariants = (w: string): fc.Arbitrary<string> => fc.constantFrom(w, `"${w}"`, `'${w}'`);

const HOSTILE = ['"', "'", '\\', '*', '?', '\n', '\t', '€', '日本', 'ſ', 'K', 'İ', '\\*', '\\\\', '%', '|', '`', '```', '$(id)', '\u2028', '😀', '-'];

const toolArb = fc.constantFrom(
  { image: '/usr/bin/docker', exe: 'docker', subs: ['build', 'buildx build', 'image build', 'builder build', 'compose build', 'run', 'pull', 'buildx', 'image ls'], globals: ['-H tcp://10.0.0.5:2375', '--debug', '--log-level debug', '-c ctx', '--context=ctx', '-l info', '--host unix:///var/run/docker.sock'] },
  { image: '/opt/bin/DOCKER', exe: 'DOCKER', subs: ['build', 'BUILD'], globals: ['-D'] },
  { image: '/usr/local/bin/docker-compose', exe: 'docker-compose', subs: ['build', 'up'], globals: ['-f /tmp/stack/compose.yml', '-p proj', '--ansi never'] },
  { image: '/usr/bin/podman', exe: 'podman', subs: ['build', 'image build', 'buildx build', 'run'], globals: ['--root /var/lib/x', '--log-level=debug', '--remote'] },
  { image: '/usr/bin/buildah', exe: 'buildah', subs: ['bud', 'build', 'from'], globals: ['--storage-driver vfs', '--debug'] },
  { image: '/usr/local/bin/nerdctl', exe: 'nerdctl', subs: ['build', 'image build', 'builder build', 'run'], globals: ['--namespace k8s.io', '-n default', '--debug-full'] },
  { image: '/usr/bin/buildctl', exe: 'buildctl', subs: ['build', 'du'], globals: ['--addr tcp://buildkitd:1234', '--debug'] },
  { image: '/usr/libexec/docker/cli-plugins/docker-buildx', exe: 'docker-buildx', subs: ['buildx build', 'build'], globals: [] },
  { image: '/usr/bin/dockerd', exe: 'dockerd', subs: ['build'], globals: [] },
  { image: '/usr/bin/git', exe: 'git', subs: ['build', 'clone'], globals: [] },
);

const pathArb = fc.constantFrom(
  '/tmp/ctx', '/tmp', '/var/tmp', '/var/tmp/x/', '/dev/shm/ctx', '/run/user/1000/ctx', '/tmpl/', '/home/u/tmp/ctx', '/srv/app', '.', './sub', '..', '-',
  'https://github.com/example/app.git#main', 'git@github.com:example/app.git', 'git://example/repo', 'ssh://git@example/repo', 'repo.git', 'http://example.com/ctx.tar.gz',
  '/tmp/with space', 'C:\\tmp\\x', '/TMP/ctx',
);

const flagArb = fc.oneof(
  fc.constantFrom('--no-cache', '--no-cache=true', '--no-cache=false', '--no-cache=1', '--no-cache=TRUE', '"--no-cache"', "'--no-cache'", '--NO-CACHE', '--no-cache-filter s', '--pull', '--rm', '-q', '--label "note=built from /tmp/x --no-cache"', '-t app:1.2', '--tag=registry/build:latest', '--label x\\ --no-cache'),
  fc.tuple(fc.constantFrom('-f', '--file', '-f=', '--file=', '-qf'), pathArb.map((p) => (p === '.' ? 'Dockerfile' : `${p}/Dockerfile`)).chain(quoteVariants)).map(([f, p]) => (f.endsWith('=') ? `${f}${p}` : `${f} ${p}`)),
  fc.constantFrom('-f https://example.com/payload/Dockerfile', '--file=http://x/Dockerfile', '-f -', '--file HTTPS://EXAMPLE/D', '-fhttps://x/D', '--file "https://x/D"'),
);

const parentArb = fc.option(
  fc.constantFrom('/bin/sh', '/usr/bin/bash', '/bin/BASH', '/usr/bin/dash', '/usr/bin/zsh', '/usr/bin/python3.11', '/usr/bin/python', '/usr/bin/perl', '/usr/bin/curl', '/usr/sbin/sshd', '/usr/bin/containerd-shim', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/fish', '/usr/sbin/cron', '/usr/local/bin/packer', 'sh', '', '-', '/bin/ſh', '/bin/sh\n'),
  { nil: undefined },
);

const cwdArb = fc.option(fc.constantFrom('/tmp/build', '/tmp', '/root', '/srv/app', '/var/tmp/x', '/home/dev/Downloads', '', '-', '/TMP/x', '/tmpfoo'), { nil: undefined });

const hostileArb = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: fc.constantFrom('"', "'", '\\', ' ', '*', '?', '\n', 'a', '-', '/', '|', '`'), maxLength: 6 }));

export const buildEventArb: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    tool: toolArb,
    sub: fc.nat(20),
    globals: fc.subarray([0, 1, 2]),
    flags: fc.array(flagArb, { maxLength: 4 }),
    context: fc.option(pathArb.chain(quoteVariants), { nil: undefined }),
    sep: fc.constantFrom(' ', ' ', ' ', '  ', '\t'),
    hostile: fc.option(fc.tuple(hostileArb, fc.boolean()), { nil: undefined }),
    parent: parentArb,
    cwd: cwdArb,
    user: fc.option(fc.constantFrom('root', 'gitlab-runner', 'ÜSER', '', '-'), { nil: undefined }),
    oddImage: fc.nat(40),
  })
  .map((r) => {
    const words = [r.tool.exe, ...r.globals.flatMap((i) => (r.tool.globals[i] ? [r.tool.globals[i]!] : [])), r.tool.subs[r.sub % r.tool.subs.length]!, ...r.flags, ...(r.context !== undefined ? [r.context] : [])];
    let cmd = words.join(r.sep);
    if (r.hostile) cmd = r.hostile[1] ? `${cmd}${r.sep}${r.hostile[0]}` : `${r.hostile[0]}${cmd}`;
    const e: Record<string, string | null> = { Image: r.oddImage === 0 ? null : r.oddImage === 1 ? '-' : r.tool.image, CommandLine: cmd };
    if (r.parent !== undefined) e.ParentImage = r.parent;
    if (r.cwd !== undefined) e.CurrentDirectory = r.cwd;
    if (r.user !== undefined) e.User = r.user;
    return e;
  });

