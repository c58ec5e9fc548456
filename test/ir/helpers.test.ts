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

describe('helper regexes stay linear on hostile input', () => {
  it('a long run of value options and unbalanced quotes is decided', () => {
    const re = js(H.subcommandRegex({ words: ['build'], optionsWithValue: ['-H'] }));
    expect(re.test(`docker ${'-H -H '.repeat(2000)}run`)).toBe(false);
    const flag = js(H.flagRegex({ names: ['--no-cache'], caseInsensitive: false }));
    expect(flag.test(`docker build ${'"a b" '.repeat(2000)}"unclosed --no-cache`)).toBe(false);
  });
});
