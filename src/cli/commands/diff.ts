/**
 * `t1612 diff <git-ref> [paths...]`: the rules as they were at a ref, compiled and tested by the
 * current compiler, against the rules now, on the current tree's cases. Lists every result that
 * changes (matched, tier, action, score; chains for correlations) per target and profile, then one
 * summary line. Exit 0, or 1 with --fail-on-change when anything differs; 2 for a ref that cannot be
 * read, invalid rules at either side, or usage.
 */
import { Option, type Command } from 'commander';
import { TARGET_IDS, type TargetId } from '../../backends/index.js';
import { knownProfiles } from '../../compile.js';
import { diagnostic } from '../../model/diagnostics.js';
import { diffAgainstRef } from '../../diff/against-ref.js';
import { diffJson, formatDiffText } from '../../diff/format.js';
import { Exit, type CommandContext, type Format } from '../main.js';

interface DiffOpts {
  failOnChange?: boolean;
  format: Format;
  repo?: string;
  target: string;
  profile?: string[];
  profiles?: string[];
}

export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description('compile and test the rules as they were at a git ref with the current compiler, and list the case results that differ from the rules now')
    .argument('<git-ref>', 'the ref to compare with (origin/main, a tag, a commit); CI must fetch it first')
    .argument('[paths...]', 'rule files or directories, relative to --repo', ['rules'])
    .option('--fail-on-change', 'exit 1 when any rule or case result differs')
    .option('--repo <dir>', 'the repository folder git runs in and paths are relative to (default: the working directory)')
    .addOption(new Option('--target <target>', 'target to compare').choices([...TARGET_IDS, 'all']).default('all'))
    .option('--profile <profiles...>', `profiles to compare (${knownProfiles().join(', ')})`)
    .addOption(ctx.profilesOption())
    .addOption(ctx.formatOption())
    .action((ref: string, paths: string[], opts: DiffOpts) => {
      const chosen: TargetId[] = opts.target === 'all' ? TARGET_IDS : [opts.target as TargetId];
      const extra = ctx.userProfiles(opts.profiles, opts.format);
      const valid = knownProfiles(chosen, extra);
      for (const p of opts.profile ?? [])
        if (!valid.includes(p)) ctx.usage(`unknown profile "${p}" for target ${opts.target}`, `use one of: ${valid.join(', ')}`, opts.format);
      const r = diffAgainstRef({
        ref,
        paths,
        ...(opts.repo !== undefined ? { repo: opts.repo } : {}),
        test: { targets: chosen, ...(opts.profile ? { profiles: opts.profile } : {}), ...(extra ? { extraProfiles: extra } : {}) },
      });
      if (!r.ok) {
        if (r.kind === 'invalid') ctx.fail(r.diagnostics, opts.format);
        if (r.kind === 'usage') ctx.usage(r.message, r.hint, opts.format);
        if (opts.format === 'json') ctx.fail([diagnostic('t1612', { line: 1, column: 1 }, 'error', 'git', r.message, r.hint)], 'json');
        ctx.io.err(`t1612: ${ctx.io.color.red('error:')} ${r.message} (${r.hint})`);
        throw new Exit(2);
      }
      if (opts.format === 'json') ctx.io.out(JSON.stringify(diffJson(r.diff, { ref, commit: r.commit }), null, 2));
      else ctx.io.out(formatDiffText(r.diff, { ref }));
      if (opts.failOnChange && r.diff.changed) throw new Exit(1);
    });
}
