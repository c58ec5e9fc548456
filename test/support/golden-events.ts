/**
 * Hand-written events for the golden rules, with the outcome each must give: every signal and tier
 * of kitchen-sink is reached, and every hostile string of hostile-strings is used. Shared by the
 * SPL and Sigma evaluator tests (each also checks that its target agrees with the IR).
 */
import type { CanonicalEvent } from '../../src/ir/evaluate.js';

/** kitchen-sink: [label, event, expected tier (null: no result)]. */
const kitchenBase = { Image: '/usr/bin/docker', CommandLine: 'docker build .' };
export const kitchenSinkCases: readonly [string, CanonicalEvent, string | null][] = [
  ['no signal', kitchenBase, null],
  ['eq_sensitive + contains_all = 3: quiet', { ...kitchenBase, CommandLine: 'docker build --label alpha=beta .', ParentCommandLine: '/Work' }, 'quiet'],
  ['eq_sensitive is case-sensitive', { ...kitchenBase, CommandLine: 'docker build --label alpha=beta .', ParentCommandLine: '/work' }, null],
  ['eq_sensitive is a whole-value match', { ...kitchenBase, CommandLine: 'docker build --label alpha=beta .', ParentCommandLine: '/Work/x' }, null],
  ['contains_all needs both values', { ...kitchenBase, CommandLine: 'docker build --label ALPHA .', ParentCommandLine: '/Work' }, null],
  ['contains_all is case-insensitive', { ...kitchenBase, CommandLine: 'docker build --label ALPHA-BETA .', ParentCommandLine: '/Work' }, 'quiet'],
  ['starts_or_ends by ParentCommandLine + contains_all', { ...kitchenBase, CommandLine: 'docker build alpha beta', ParentCommandLine: '/SRV/run.sh x' }, 'quiet'],
  ['starts_or_ends by ParentImage (.sh, cased) + eq', { ...kitchenBase, ParentImage: '/x/run.sh', ParentCommandLine: '/Work' }, 'quiet'],
  ['.SH does not end with .sh (cased)', { ...kitchenBase, ParentImage: '/x/run.SH', ParentCommandLine: '/Work' }, null],
  ['.sh must be at the very end (not before a final newline)', { ...kitchenBase, ParentImage: '/x/run.sh\n', ParentCommandLine: '/Work' }, null],
  ['user_regex alone = 3: rest', { ...kitchenBase, User: 'ADM12' }, 'rest'],
  ['user_regex with an empty User is absent', { ...kitchenBase, User: '' }, null],
  ['user_regex with a null User is absent', { ...kitchenBase, User: null }, null],
  ['user_regex with a placeholder User is absent', { ...kitchenBase, User: '-' }, null],
  ['user_regex: admin does not match', { ...kitchenBase, User: 'admin' }, null],
  ['flags = 4: rest', { ...kitchenBase, CommandLine: 'docker build --pull .' }, 'rest'],
  ['flags: --network none cancels', { ...kitchenBase, CommandLine: 'docker build --pull --network none .' }, null],
  ['flags: --network=NONE cancels', { ...kitchenBase, CommandLine: 'docker build --pull --network=NONE .' }, null],
  ['flags: --network host does not', { ...kitchenBase, CommandLine: 'docker build --pull --network host .' }, 'rest'],
  ['remote s3 = 5: mixed', { ...kitchenBase, CommandLine: 'docker build s3://bucket/ctx' }, 'mixed'],
  ['remote .tar.gz = 5: mixed', { ...kitchenBase, CommandLine: 'docker build ctx.TAR.GZ' }, 'mixed'],
  ['remote path under /srv/drop', { ...kitchenBase, CommandLine: 'docker build /srv/drop/x' }, 'mixed'],
  ['remote relative context in /srv/drop', { ...kitchenBase, CurrentDirectory: '/srv/drop/app' }, 'mixed'],
  ['remote + flags = 9: rest', { ...kitchenBase, CommandLine: 'docker build --pull s3://b/c' }, 'rest'],
  ['remote + flags + user_regex = 12: top', { ...kitchenBase, CommandLine: 'docker build --pull s3://b/c', User: 'adm' }, 'top'],
  ['every signal: top', { Image: '/usr/bin/podman', CommandLine: 'podman build --pull alpha beta s3://b/c', ParentCommandLine: '/Work', ParentImage: '/a.sh', User: 'adm1' }, 'top'],
  ['-H takes a value before build', { ...kitchenBase, CommandLine: 'docker -H tcp://h:2375 build --pull .' }, 'rest'],
  ['Image names are case-sensitive here', { ...kitchenBase, Image: '/usr/bin/Docker', CommandLine: 'docker build --pull .' }, null],
  ['svc-ci is excluded', { ...kitchenBase, CommandLine: 'docker build --pull .', User: 'svc-ci' }, null],
  ['SVC-BUILD is excluded (case-insensitive)', { ...kitchenBase, CommandLine: 'docker build --pull .', User: 'SVC-BUILD' }, null],
  ['svc-ci with a trailing space is not excluded', { ...kitchenBase, CommandLine: 'docker build --pull .', User: 'svc-ci ' }, 'rest'],
];

/** hostile-strings: [label, event, matched]. */
const hit = { ParentImage: '\\\\server\\share' }; // equals_hostile holds
export const hostileStringCases: readonly [string, CanonicalEvent, boolean][] = [
  ...['"quoted"', "it's", 'C:\\Temp\\new', 'a|b', '`tick`', '*star*', 'what?', '100%', '$HOME', '€ 100 日本', 'line\nbreak', 'tab\there', 'semi;colon', '[x]', '{y}', '@"verbatim"'].map(
    (s): [string, CanonicalEvent, boolean] => [`contains ${JSON.stringify(s)}`, { CommandLine: `pre ${s} post`, ...hit }, true],
  ),
  ['the whole value is one of the strings', { CommandLine: 'what?', ...hit }, true],
  ["case-insensitive: IT'S", { CommandLine: "IT'S", ...hit }, true],
  ['*star* is literal: xstarx does not match', { CommandLine: 'xstarx', ...hit }, false],
  ['what? is literal: whatX does not match', { CommandLine: 'whatX', ...hit }, false],
  ['C:\\Temp\\new needs the backslashes', { CommandLine: 'C:Tempnew', ...hit }, false],
  ['C:\\\\Temp does not contain C:\\Temp', { CommandLine: 'C:\\\\Temp\\\\new', ...hit }, false],
  ['a|b needs the pipe', { CommandLine: 'ab', ...hit }, false],
  ['a backtick is a backtick, not a macro', { CommandLine: '`tick`', ...hit }, true],
  ['line break needs the newline', { CommandLine: 'line break', ...hit }, false],
  ['tab needs the tab', { CommandLine: 'tab here', ...hit }, false],
  ['€ 100 日本 needs the exact text', { CommandLine: '€ 100 日', ...hit }, false],
  ['no signal', { CommandLine: '"quoted"' }, false],
  ['equals_hostile: the other value', { CommandLine: '"quoted"', ParentImage: '/opt/it\'s "x"/bin' }, true],
  ['equals_hostile: case-insensitive', { CommandLine: '"quoted"', ParentImage: '\\\\SERVER\\SHARE' }, true],
  ['equals_hostile: one backslash is not two', { CommandLine: '"quoted"', ParentImage: '\\server\\share' }, false],
  ['equals_hostile: whole value', { CommandLine: '"quoted"', ParentImage: '/opt/it\'s "x"/bin/sh' }, false],
  ['regex_hostile', { CommandLine: '"quoted" "abc\\12\'' }, true],
  ['regex_hostile is case-sensitive', { CommandLine: '"quoted" "ABC\\12\'' }, false],
  ['regex_hostile needs the backslash', { CommandLine: '"quoted" "abc12\'' }, false],
  ['case_sensitive_unicode', { CommandLine: '"quoted"', User: 'xÜnïcödéy' }, true],
  ['case_sensitive_unicode is case-sensitive', { CommandLine: '"quoted"', User: 'üNÏCÖDÉ' }, false],
  ['case_sensitive_unicode: ASCII case differs', { CommandLine: '"quoted"', User: 'ÜNïcödé' }, false],
  ['a CommandLine of only the placeholder is absent', { CommandLine: '-', ...hit }, false],
];
