/**
 * `t1612 publish --target splunk|sentinel [--profile …] [--dry-run] [--prune] [paths…]`: builds the
 * package as `t1612 package` does (in memory), reads what the server holds, and creates or updates
 * what differs (src/publish/). Configuration and credentials come from the environment only
 * (src/publish/config.ts); a missing variable is one line naming it, exit 2. A server that refuses a
 * write stops the run with its message, exit 1, after saying what was applied before it. Nothing
 * printed ever holds the token: every line goes through `redact`.
 */
import { Option, type Command } from 'commander';
import { compileRules, knownProfiles, profilesOf } from '../../compile.js';
import { diagnostic, hasErrors } from '../../model/diagnostics.js';
import { loadRules } from '../../pipeline.js';
import { PACKAGE_TARGET_IDS, packageTargets } from '../../package/index.js';
import type { PackageTargetId } from '../../package/types.js';
import type { SplProfile } from '../../backends/spl/profiles.js';
import { readConfig } from '../../publish/config.js';
import { redact } from '../../publish/http.js';
import { applyPlan, planPublish, type Plan } from '../../publish/index.js';
import { formatPlan, formatResult, planJson } from '../../publish/plan.js';
import { currentRuntime } from '../../publish/runtime.js';
import { printDiagnostics, type Io } from '../output.js';
import type { CommandContext, Format } from '../main.js';

const ENVIRONMENT = `
Configuration and credentials come from the environment only:
  splunk    T1612_SPLUNK_URL (https://host:8089), T1612_SPLUNK_TOKEN (sent as Authorization: Bearer),
            T1612_SPLUNK_APP (default t1612_detections)
  sentinel  T1612_AZURE_SUBSCRIPTION, T1612_AZURE_RESOURCE_GROUP, T1612_AZURE_WORKSPACE,
            T1612_AZURE_TOKEN (e.g. az account get-access-token), T1612_ARM_URL (default https://management.azure.com)

Exit codes: 0 published (or planned), 1 the server refused or failed (what was applied is listed), 2 usage or configuration.`;

interface PublishOptions {
  target: PackageTargetId;
  profile?: string;
  dryRun?: boolean;
  prune?: boolean;
  profiles?: string[];
  format: Format;
}

/** An Io whose every line has the secrets replaced. */
function redacting(io: Io, secrets: readonly string[]): Io {
  return { out: (t) => io.out(redact(t, secrets)), err: (t) => io.err(redact(t, secrets)), color: io.color };
}

export function registerPublish(program: Command, ctx: CommandContext): void {
  program
    .command('publish')
    .description('publish the package to a Splunk server (REST) or a Microsoft Sentinel workspace (Azure Resource Manager): create or update what differs, report the rest unchanged')
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .addOption(new Option('--target <target>', 'where to publish').choices(PACKAGE_TARGET_IDS).makeOptionMandatory())
    .option('--profile <profile>', 'profile of the compiled queries (default: sysmon_linux for splunk, sentinel for sentinel)')
    .option('--dry-run', 'print the plan (create, update, unchanged, and delete with --prune) and write nothing')
    .option('--prune', 'also delete the objects t1612 published earlier that the package no longer has')
    .addOption(ctx.profilesOption())
    .addOption(ctx.formatOption())
    .addHelpText('after', ENVIRONMENT)
    .action(async (paths: string[], opts: PublishOptions) => {
      const runtime = currentRuntime();
      const pkg = packageTargets[opts.target];
      const extra = ctx.userProfiles(opts.profiles, opts.format);
      const profileId = opts.profile ?? pkg.defaultProfile;
      const profile = profilesOf(pkg.queryTarget, extra).find((p) => p.id === profileId);
      if (!profile) ctx.usage(`unknown profile "${profileId}" for ${opts.target} (${pkg.queryTarget} queries)`, `use one of: ${knownProfiles([pkg.queryTarget], extra).join(', ')}`, opts.format);

      const { config, problems } = readConfig(opts.target, runtime.env);
      if (!config)
        ctx.fail(
          problems.map((p) => diagnostic('t1612', { line: 1, column: 1 }, 'error', 'publish-config', p.message, p.hint)),
          opts.format,
        );

      const r = loadRules(paths);
      if (!r.ok) ctx.fail(r.diagnostics, opts.format);
      const compiled = compileRules(r.irs, { targets: [pkg.queryTarget], profiles: [profileId], ...(extra ? { extraProfiles: extra } : {}) }, r.correlations);
      const built = pkg.build({ rules: r.irs, correlations: r.correlations, profile, compiled });
      if (hasErrors(built.diagnostics)) ctx.fail([...r.diagnostics, ...compiled.diagnostics, ...built.diagnostics].filter((d) => d.severity === 'error'), opts.format);

      const io = redacting(ctx.io, [config.token]);
      if (opts.format === 'text') printDiagnostics(io, [...r.diagnostics, ...built.diagnostics].filter((d) => d.severity === 'warning'), 'text');
      const request = {
        config,
        files: built.files,
        profileMacros: opts.target === 'splunk' ? (profile as SplProfile).macros.map((m) => m.name) : [],
        prune: opts.prune === true,
        runtime,
        onRetry: (e: { method: string; path: string; status: number | undefined; delayMs: number; attempt: number }) =>
          io.err(`retrying ${e.method} ${e.path} after ${e.status ?? 'a network error'} in ${(e.delayMs / 1000).toFixed(e.delayMs % 1000 ? 1 : 0)}s (attempt ${e.attempt + 1})`),
      };

      let plan: Plan;
      try {
        plan = await planPublish(request);
      } catch (e) {
        const message = `could not read the current state from ${opts.target === 'splunk' ? 'Splunk' : 'Azure'}: ${(e as Error).message}; nothing was written`;
        if (opts.format === 'json') io.out(JSON.stringify({ target: opts.target, ok: false, error: { message } }, null, 2));
        else io.err(`t1612 publish: ${message}`);
        ctx.fail([], 'text', 1); // exit 1; everything was printed above
      }

      if (opts.dryRun) {
        if (opts.format === 'json') io.out(JSON.stringify(planJson(plan), null, 2));
        else for (const l of formatPlan(plan)) io.out(l);
        return;
      }

      const result = await applyPlan(plan);
      if (opts.format === 'json') io.out(JSON.stringify(planJson(plan, result), null, 2));
      else for (const l of formatResult(plan, result)) io.out(l);
      if (result.failure) {
        if (opts.format === 'text') {
          const f = result.failure;
          io.err(`t1612 publish: ${f.item.action} ${f.item.kind} "${f.item.name}" failed: ${f.message}`);
          io.err(
            `${result.applied} change(s) were applied before it and ${result.notApplied} were not attempted. Fix the cause and run t1612 publish again: it reads every object first, so what was applied is not applied twice.`,
          );
        }
        ctx.fail([], 'text', 1); // exit 1; everything was printed above
      }
    });
}
