/**
 * Realistic canonical events for agreement properties: build tools and subcommands, flags in every
 * spelling, paths inside and outside temp directories, look-alike parents, hostile strings, absent
 * fields and placeholders.
 */
import fc from 'fast-check';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';

const hostile = fc.constantFrom('"', "'", '\\', '|', '`', '*', '?', '%', '$', '\n', '\t', '\r', 'ü', 'K', 'ſ', '日', '😀', ' ', '=', '#', '-');
const hostileString = fc.string({ unit: fc.oneof(hostile, fc.constantFrom('a', 'b', '/', '.', 'x')), maxLength: 12 });

const programs = fc.constantFrom(
  ['/usr/bin/docker', 'docker'],
  ['/usr/bin/docker', '/usr/bin/docker'],
  ['/usr/local/bin/docker-compose', 'docker-compose'],
  ['/usr/bin/podman', 'podman'],
  ['/usr/bin/buildah', 'buildah'],
  ['/usr/local/bin/nerdctl', 'nerdctl'],
  ['/usr/bin/buildctl', 'buildctl'],
  ['/usr/libexec/docker/cli-plugins/docker-buildx', 'docker-buildx'],
  ['/opt/bin/DOCKER', 'DOCKER'],
  ['/usr/bin/kubectl', 'kubectl'],
  ['/usr/bin/curl', 'curl'],
  ['/usr/bin/python3.11', 'python3.11'],
);
const globalOptions = fc.constantFrom('', '--debug', '-H tcp://10.0.0.5:2375', '--host=unix:///var/run/docker.sock', '-c prod', '--namespace k8s.io', '-H build', '--addr tcp://bk:1234');
const subcommands = fc.constantFrom('build', 'image build', 'buildx build', 'builder build', 'compose build', 'bud', 'run', 'container run', 'create', 'exec', 'pull', 'buildx bake', 'image ls', 'BUILD', 'rebuild');
const paths = fc.constantFrom(
  '/tmp', '/tmp/', '/tmp/ctx', '/var/tmp', '/var/tmp/x y', '/dev/shm/a', '/run/user/1000/b', '/tmpl/', '/home/u/tmp/x', '/var/tmpx', '.', './ctx', '..', '../up',
  'https://example.com/repo.git#main', 'git@github.com:a/b.git', 'github.com/a/b.git', 's3://bucket/ctx', 'ctx.tar.gz', '-', '~/Downloads/p', '/TMP/x', 'ctx',
);
const flags = fc.constantFrom(
  '--no-cache', '--no-cache=false', '--no-cache=true', '"--no-cache"', '--no-cache-filter s', '-q', '-qt x', '--pull', '--network none', '--network=host',
  '-f /tmp/Dockerfile', '-f/tmp/D', '--file=/dev/shm/D', '-f https://x/D', '-fhttps://x/D', '--file "https://x/D"', '-f -', '-t app:1', '--label "x --no-cache /tmp/y"',
  '--build-arg URL=https://x', '--local context=/tmp/c', '--', 'alpha', 'beta', '--label x\\ --no-cache',
  '--privileged', '-v /var/run/docker.sock:/var/run/docker.sock', '--mount type=bind,source=/run/docker.sock,target=/s', '--pid=host', '--pid container:x',
  '-v /:/host', '--volume=/srv:/d', '--mount type=bind,src=/,dst=/h', '--net host', '--label "x /var/run/docker.sock"',
  '--unix-socket /var/run/docker.sock', 'http://localhost/v1.43/build?t=x', 'http://10.0.0.8:2375/build', 'http://h:2376/v1.41/builds', '-X POST', '-H tcp://h:2376',
);
const parents = fc.constantFrom(
  '/bin/sh', '/usr/bin/bash', '/usr/bin/dash', '/usr/bin/zsh', '/usr/bin/python3.11', '/usr/bin/python3x', '/usr/sbin/sshd', '/usr/bin/containerd-shim',
  '/usr/bin/containerd-shim-runc-v2', '/usr/bin/pwsh', '/usr/lib/jvm/bin/java', '/opt/x.sh', '/opt/X.SH', '/BIN/BASH', '-', '/usr/bin/perl5.36',
);
const users = fc.constantFrom('root', 'bob', 'svc-ci', 'SVC-BUILD', 'adm', 'adm12', 'Ünïcödé', '-', 'gitlab-runner');
const dirs = fc.constantFrom('/tmp/build', '/srv/drop/x', '/home/dev', '/Work', '/', '-', '/var/tmp');

/** Sometimes absent, sometimes empty, sometimes a placeholder. */
function maybe<T extends string>(arb: fc.Arbitrary<T>): fc.Arbitrary<string | undefined> {
  return fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('', '-') });
}

export const commandLines: fc.Arbitrary<[string, string]> = fc
  .tuple(programs, globalOptions, subcommands, fc.array(fc.oneof(flags, paths, hostileString), { maxLength: 5 }), fc.constantFrom(' ', '  ', '\t'))
  .map(([[image, argv0], g, sub, args, sep]) => [image, [argv0, g, sub, ...args].filter((x) => x !== '').join(sep)]);

export const events: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    cmd: commandLines,
    ParentImage: maybe(parents),
    ParentCommandLine: maybe(fc.constantFrom('/Work', '/srv/ci/run.sh', 'bash -c x', '/opt/y')),
    User: maybe(users),
    CurrentDirectory: maybe(dirs),
    imageOverride: fc.option(fc.constantFrom('', '-'), { freq: 20 }),
  })
  .map(({ cmd: [image, cl], imageOverride, ...rest }) => {
    const e: Record<string, string> = { Image: imageOverride ?? image, CommandLine: cl, _time: '2026-11-20T10:00:00Z', Host: 'h1' };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) e[k] = v;
    return e as CanonicalEvent;
  });

/** file_event: a file written (temp and non-temp paths, Dockerfile look-alikes) and its writer. */
export const fileEvents: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    dir: fc.constantFrom('/tmp', '/tmp/a b', '/var/tmp/x', '/dev/shm', '/run/user/1000', '/tmpl', '/home/u/tmp', '/srv/app', '', '/TMP'),
    name: fc.constantFrom('Dockerfile', 'dockerfile', 'Dockerfile.prod', 'Containerfile', 'app.dockerfile', '.dockerfile', 'Dockerfile-notes.txt', 'Dockerfile.d/readme', 'x.Dockerfile', 'notes.txt', 'Dockerfile\n'),
    Image: maybe(fc.constantFrom('/usr/bin/curl', '/bin/bash', '/usr/bin/python3.11', '/usr/bin/vim', '/usr/local/bin/packer', '/usr/bin/sshd', '-')),
    User: maybe(users),
    hostileName: fc.option(hostileString, { freq: 10 }),
  })
  .map(({ dir, name, hostileName, ...rest }) => {
    const e: Record<string, string> = { TargetFilename: `${dir}/${hostileName ?? name}`, _time: '2026-11-20T10:00:00Z', Host: 'h1' };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) e[k] = v;
    return e as CanonicalEvent;
  });

/**
 * network_connection: engines, runtime children and others connecting to addresses of every kind
 * (public and special-purpose IPv4 and IPv6, IPv4-mapped, not an address), host names approved,
 * look-alike, upper-case, hostile or absent, and ports as digits or not.
 */
export const networkEvents: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    Image: maybe(fc.constantFrom('/usr/bin/dockerd', '/usr/bin/containerd', '/usr/bin/buildkitd', '/usr/bin/podman', '/usr/bin/curl', '/usr/bin/wget', '/usr/bin/DOCKERD', '/usr/bin/dockerd-rootless', '/usr/bin/python3.11')),
    ParentImage: maybe(fc.constantFrom('/usr/bin/runc', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/containerd-shim', '/usr/bin/bash', '/usr/sbin/sshd', 'runc', '/usr/bin/runcx')),
    DestinationIp: maybe(
      fc.constantFrom(
        '45.33.32.156', '8.8.8.8', '10.1.2.3', '172.16.0.1', '172.32.0.1', '192.168.1.1', '100.64.0.1', '100.127.255.255', '100.128.0.1', '127.0.0.1', '169.254.169.254',
        '0.0.0.0', '255.255.255.255', '224.0.0.1', '198.51.100.7', '192.0.2.1', '203.0.113.9', '198.18.0.1', '2606:4700:4700::1111', '2a05:d014::10', 'fd12:3456::1',
        'fc00::1', 'fe80::1', '::1', '::', '::ffff:8.8.8.8', '2001:db8::1', 'ff02::1', '64:ff9b::808:808', 'not-an-ip', '1.2.3', '1.2.3.4.5',
      ),
    ),
    DestinationHostname: maybe(
      fc.oneof(
        fc.constantFrom('registry-1.docker.io', 'docker.io', 'production.cloudflare.docker.com', 'ghcr.io', 'GHCR.IO', 'pkg-containers.githubusercontent.com', 'evildocker.io', 'docker.io.evil.example', 'registry.evil.example', 'quay.io', 'x.quay.io', 'quay.iox'),
        hostileString,
      ),
    ),
    DestinationPort: maybe(fc.constantFrom('443', '80', '2375', '2376', '5000', '8080', 'x', '65535')),
    User: maybe(users),
  })
  .map((rest) => {
    const e: Record<string, string> = { _time: '2026-11-20T10:00:00Z', Host: 'h1' };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) e[k] = v;
    return e as CanonicalEvent;
  });

/**
 * k8s_audit: Kubernetes API audit events (no Host): verbs and resources near a pod create (update,
 * delete, deployments, the pods/exec subresource with no image), users from controllers, nodes,
 * control-plane components and people, and first-container images in every reference form (tag,
 * digest, registry host and port, docker.io/library/ spellings, look-alikes, hostile text, absent).
 */
export const k8sAuditEvents: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    Verb: maybe(fc.constantFrom('create', 'CREATE', 'update', 'patch', 'delete', 'get', 'created')),
    ObjectResource: maybe(fc.constantFrom('pods', 'Pods', 'deployments', 'replicasets', 'pod', 'podsx', 'jobs')),
    ObjectNamespace: maybe(fc.constantFrom('default', 'kube-system', 'shop', 'dev-team')),
    User: maybe(
      fc.constantFrom(
        'alice@example.com', 'system:serviceaccount:kube-system:replicaset-controller', 'system:node:worker-1', 'system:kube-controller-manager',
        'SYSTEM:NODE:worker-2', 'system:admin', 'masterclient', 'system:serviceaccountx', 'bob',
      ),
    ),
    ContainerImage: maybe(
      fc.oneof(
        fc.constantFrom(
          'evil/app', 'evil/app:latest', 'app:dev', 'docker.io/library/nginx:1.27', 'nginx', 'index.docker.io/evil/app:1', 'ghcr.io/acme/img-b:2',
          'localhost:5000/app:1', 'registry.example:5000/shop/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', ' evil/app', 'EVIL/App',
        ),
        hostileString,
      ),
    ),
  })
  .map((rest) => {
    const e: Record<string, string> = { _time: '2026-11-20T10:00:00Z' };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) e[k] = v;
    return e as CanonicalEvent;
  });

/** Events of a rule's log source. */
export function eventsFor(category: string): fc.Arbitrary<CanonicalEvent> {
  return category === 'file_event' ? fileEvents : category === 'network_connection' ? networkEvents : category === 'k8s_audit' ? k8sAuditEvents : events;
}
