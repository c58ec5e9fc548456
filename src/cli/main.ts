/**
 * The command line: argument parsing and exit codes over the library API, nothing more.
 * Exit codes: 0 ok; 1 `compile --check` found stale files or `test` found a disagreement;
 * 2 invalid rules or usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { TARGET_IDS, type TargetId } from '../backends/index.js';
import { compileRules, ioDiagnostic, knownProfiles, planWrite, profilesOf, writeOutput } from '../compile.js';
import { PACKAGE_TARGET_IDS, packageTargets } from '../package/index.js';
import type { PackageTargetId } from '../package/types.js';
import { writePackage } from '../package/write.js';
import { explainCorrelation, explainRule, formatCorrelationExplanation, formatExplanation } from '../explain.js';
import { diagnostic, hasErrors, type Diagnostic } from '../model/diagnostics.js';
import { loadRules } from '../pipeline.js';
import { processIo, printDiagnostics, type Io } from './output.js';
import { toSarif } from './sarif.js';
import { formatTestReport, runTests } from '../testing/run.js';
import { formatReplay, REPLAY_TARGETS, ReplayInputError, replayEvents, type ReplayTarget } from '../replay/index.js';
import { bundledProfiles, loadProfiles, type ProfileSet } from '../profiles/load.js';
import { registerDocs } from './commands/docs.js';
import { registerDiff } from './commands/diff.js';
import { registerPublish } from './commands/publish.js';

export type Format = 'text' | 'json';

/** What a command module (src/cli/commands/) gets from the CLI: output, failure exits, shared options. */
export interface CommandContext {
  readonly io: Io;
  /** Print the diagnostics and exit (2 unless given). */
  fail(ds: readonly Diagnostic[], format: Format, code?: number): never;
  /** A usage error: one line, exit 2. */
  usage(message: string, hint: string, format: Format): never;
  /** Your profiles from --profiles, or exit 2 with their problems. */
  userProfiles(dirs: string[] | undefined, format: Format): ProfileSet | undefined;
  formatOption(): Option;
  profilesOption(): Option;
}

export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fail(io: Io, ds: readonly Diagnostic[], format: Format, code = 2): never {
  printDiagnostics(io, ds, format);
  throw new Exit(code);
}

function usage(io: Io, message: string, hint: string, format: Format): never {
  return fail(io, [diagnostic('t1612', { line: 1, column: 1 }, 'error', 'usage', message, hint)], format);
}

export function buildProgram(io: Io): Command {
  const program = new Command('t1612');
  program
    .description('Compile T1612 (Build Image on Host) detection rules to Splunk SPL, Microsoft Sentinel / Defender KQL and Sigma.')
    .version('0.1.0')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(run t1612 --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ t1612 validate                       check every rule under rules/
  $ t1612 compile                        write dist-queries/<target>/<profile>/<rule>.<ext>
  $ t1612 compile --target spl --check   CI: exit 1 if dist-queries/spl is stale
  $ t1612 test                           run every rule's cases on the IR and on each target's query
  $ t1612 compile --profiles my-profiles compile for your own profiles too (YAML, may extend bundled ones)
  $ t1612 explain docker-build-risk      signals, weights and every alerting combination
  $ t1612 validate --format sarif > t1612.sarif   annotations for a pull request (SARIF 2.1.0)
  $ t1612 package --target splunk        a Splunk app folder and .tgz under dist-packages/
  $ t1612 package --target sentinel      Sentinel analytics rules (ARM templates and YAML) and watchlists
  $ t1612 publish --target splunk --dry-run   what publishing would create, update or leave unchanged
  $ t1612 docs                           a Markdown page per detection and an ATT&CK Navigator layer
  $ t1612 diff origin/main --fail-on-change   CI: which case results a change alters, per target

Exit codes: 0 ok, 1 stale output (compile --check) or failed cases (test), 2 invalid rules or usage.`,
    );

  const formatOption = () => new Option('--format <format>', 'diagnostics as text lines or JSON').choices(['text', 'json']).default('text');
  const profilesOption = () => new Option('--profiles <dirs...>', 'folders of your profile files (YAML, schema/profile.schema.json), beside the bundled ones');
  /** Your profiles, or exit 2 with their problems. */
  const userProfiles = (dirs: string[] | undefined, format: Format): ProfileSet | undefined => {
    if (!dirs) return undefined;
    const { profiles, diagnostics } = loadProfiles(dirs, bundledProfiles());
    if (hasErrors(diagnostics)) fail(io, diagnostics, format);
    return profiles;
  };

  const context: CommandContext = {
    io,
    fail: (ds, format, code) => fail(io, ds, format, code),
    usage: (message, hint, format) => usage(io, message, hint, format),
    userProfiles,
    formatOption,
    profilesOption,
  };
  // Commands defined in their own modules (src/cli/commands/), one line each.
  const registered: ((program: Command, context: CommandContext) => void)[] = [
    // (command modules are listed here)
    registerDocs,
    registerDiff,
    registerPublish,
  ];
  for (const register of registered) register(program, context);

  program
    .command('validate')
    .description('check rules against the schema and the semantic checks')
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .addOption(profilesOption())
    .addOption(new Option('--format <format>', 'diagnostics as text lines, JSON, or SARIF 2.1.0 (for pull-request annotations)').choices(['text', 'json', 'sarif']).default('text'))
    .action((paths: string[], opts: { format: Format | 'sarif'; profiles?: string[] }) => {
      if (opts.format === 'sarif') {
        // Every diagnostic (errors, warnings, notes) goes into one SARIF log on stdout; exit 2 on errors.
        const { diagnostics: profileProblems } = opts.profiles ? loadProfiles(opts.profiles, bundledProfiles()) : { diagnostics: [] };
        const r = hasErrors(profileProblems) ? { diagnostics: [] as Diagnostic[], ok: false } : loadRules(paths);
        const all = [...profileProblems, ...r.diagnostics];
        io.out(JSON.stringify(toSarif(all, program.version() ?? '0.0.0'), null, 2));
        if (hasErrors(all)) throw new Exit(2);
        return;
      }
      userProfiles(opts.profiles, opts.format);
      const r = loadRules(paths);
      if (!r.ok) fail(io, r.diagnostics, opts.format);
      printDiagnostics(io, r.diagnostics, opts.format);
      if (opts.format === 'text') io.out(`${r.irs.length} rule(s) and ${r.correlations.length} correlation(s) valid`);
    });

  program
    .command('compile')
    .description('compile rules to queries (default: all targets, all profiles, rules/ → dist-queries/)')
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .addOption(new Option('--target <target>', 'target to compile').choices([...TARGET_IDS, 'all']).default('all'))
    .option('--profile <profiles...>', `profiles to compile (${knownProfiles().join(', ')})`)
    .option('--out <dir>', 'output directory', 'dist-queries')
    .option('--check', 'write nothing; exit 1 listing files that are stale or missing')
    .addOption(profilesOption())
    .addOption(formatOption())
    .action((paths: string[], opts: { target: string; profile?: string[]; profiles?: string[]; out: string; check?: boolean; format: Format }, cmd: Command) => {
      const chosen: TargetId[] = opts.target === 'all' ? TARGET_IDS : [opts.target as TargetId];
      const extra = userProfiles(opts.profiles, opts.format);
      const valid = knownProfiles(chosen, extra);
      for (const p of opts.profile ?? [])
        if (!valid.includes(p)) usage(io, `unknown profile "${p}" for target ${opts.target}`, `use one of: ${valid.join(', ')}`, opts.format);
      const r = loadRules(paths);
      if (!r.ok) fail(io, r.diagnostics, opts.format);
      const output = compileRules(r.irs, { targets: chosen, ...(opts.profile ? { profiles: opts.profile } : {}), ...(extra ? { extraProfiles: extra } : {}) }, r.correlations);
      const diagnostics = [...r.diagnostics, ...output.diagnostics];
      // A detection a profile cannot render as written (an alert naming a column its query does not output): nothing is written.
      if (hasErrors(output.diagnostics)) fail(io, diagnostics.filter((d) => d.severity === 'error'), opts.format);
      // Orphans are only meaningful when every rule was compiled (the default rules/ input).
      const wholeSet = cmd.args.length === 0;
      const plan = planWrite(opts.out, output, wholeSet);
      if (opts.check) {
        printDiagnostics(io, diagnostics.filter((d) => d.severity !== 'note'), opts.format);
        const stale = [...plan.changed.map((p) => `${opts.out}/${p}: stale or missing`), ...plan.orphaned.map((p) => `${opts.out}/${p}: no longer generated`)];
        if (stale.length) {
          for (const s of stale) io.err(s);
          io.err(`${stale.length} generated file(s) out of date: run \`npx t1612 compile\` and commit the result`);
          throw new Exit(1);
        }
        if (opts.format === 'text') io.out(`${output.files.length} generated file(s) up to date`);
        return;
      }
      try {
        writeOutput(opts.out, output, plan);
      } catch (e) {
        fail(io, [ioDiagnostic(opts.out, e)], opts.format);
      }
      printDiagnostics(io, diagnostics, opts.format);
      if (opts.format === 'text') io.out(`${output.files.length} file(s) generated in ${opts.out}/ (${plan.changed.length} changed${plan.orphaned.length ? `, ${plan.orphaned.length} removed` : ''})`);
    });

  program
    .command('package')
    .description('build a deployable package: a Splunk app (folder and .tgz) or Microsoft Sentinel analytics rules (ARM templates, YAML, watchlists)')
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .addOption(new Option('--target <target>', 'what to package for').choices(PACKAGE_TARGET_IDS).makeOptionMandatory())
    .option('--profile <profile>', 'profile of the compiled queries (default: sysmon_linux for splunk, sentinel for sentinel)')
    .option('--out <dir>', 'output directory (default: dist-packages/<target>/<profile>)')
    .addOption(profilesOption())
    .addOption(formatOption())
    .action((paths: string[], opts: { target: PackageTargetId; profile?: string; out?: string; profiles?: string[]; format: Format }) => {
      const pkg = packageTargets[opts.target];
      const extra = userProfiles(opts.profiles, opts.format);
      const profileId = opts.profile ?? pkg.defaultProfile;
      const profile = profilesOf(pkg.queryTarget, extra).find((p) => p.id === profileId);
      if (!profile) usage(io, `unknown profile "${profileId}" for ${opts.target} (${pkg.queryTarget} queries)`, `use one of: ${knownProfiles([pkg.queryTarget], extra).join(', ')}`, opts.format);
      const r = loadRules(paths);
      if (!r.ok) fail(io, r.diagnostics, opts.format);
      const compiled = compileRules(r.irs, { targets: [pkg.queryTarget], profiles: [profileId], ...(extra ? { extraProfiles: extra } : {}) }, r.correlations);
      // Compile's own errors (an alert naming a column the profile's query does not output) stop here, once.
      if (hasErrors(compiled.diagnostics)) fail(io, compiled.diagnostics.filter((d) => d.severity === 'error'), opts.format);
      const built = pkg.build({ rules: r.irs, correlations: r.correlations, profile, compiled });
      const diagnostics = [...r.diagnostics, ...compiled.diagnostics, ...built.diagnostics];
      // On failure only the errors: one line each, not compile's notes about other profiles.
      if (hasErrors(built.diagnostics)) fail(io, diagnostics.filter((d) => d.severity === 'error'), opts.format);
      const out = opts.out ?? `dist-packages/${opts.target}/${profileId}`;
      try {
        writePackage(out, built.files);
      } catch (e) {
        fail(io, [ioDiagnostic(out, e)], opts.format);
      }
      printDiagnostics(io, diagnostics.filter((d) => d.severity !== 'note'), opts.format);
      if (opts.format === 'text') io.out(`${built.files.length} file(s) written to ${out}/`);
    });

  /** `test --events FILE`: replay an export through one target and profile (src/replay/); exit 0 with alerts, 2 on bad input. */
  const replayCommand = (events: string, paths: string[], opts: { target: string; profile?: string[]; format: Format; table?: string; events: string }, extra: ProfileSet | undefined): void => {
    const target = opts.target as ReplayTarget;
    if (!REPLAY_TARGETS.includes(target)) usage(io, `--events needs one --target ${REPLAY_TARGETS.join('|')} (got ${opts.target})`, `add --target ${REPLAY_TARGETS.join(' or --target ')}`, opts.format);
    if (opts.profile?.length !== 1) usage(io, `--events needs exactly one --profile (got ${opts.profile?.length ?? 0})`, `add --profile with one of: ${knownProfiles([target], extra).join(', ')}`, opts.format);
    const profile = opts.profile[0]!;
    if (opts.table !== undefined && target !== 'kql') usage(io, '--table applies to --target kql only', 'leave out --table: a Splunk base search selects its own events', opts.format);
    if (opts.table !== undefined) {
      const kqlProfile = profilesOf('kql', extra).find((p) => p.id === profile) as { tables?: Record<string, string> } | undefined;
      const tables = Object.values(kqlProfile?.tables ?? {});
      if (!tables.includes(opts.table)) usage(io, `kql profile ${profile} reads no table ${opts.table}`, `use one of: ${tables.join(', ')}`, opts.format);
    }
    let result;
    try {
      result = replayEvents(events, paths, { target, profile, table: opts.table, ...(extra ? { extraProfiles: extra } : {}) });
    } catch (e) {
      if (!(e instanceof ReplayInputError)) throw e;
      if (opts.format === 'json')
        io.out(JSON.stringify({ diagnostics: e.problems.map((p) => diagnostic(p.file, { line: p.line ?? 1, column: 1 }, 'error', 'replay-input', p.message)) }, null, 2));
      else for (const p of e.problems) io.err(`${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
      throw new Exit(2);
    }
    if (!result.report) fail(io, result.diagnostics, opts.format);
    const report = result.report;
    const errors = report.detections.filter((d) => d.error !== undefined);
    if (opts.format === 'json') io.out(JSON.stringify(report, null, 2));
    else {
      for (const n of report.notes) io.err(`note: ${n}`);
      for (const n of report.notRun) io.err(`note: not run: ${n.reason}`);
      io.out(formatReplay(report));
      for (const d of errors) io.err(`${events}: ${d.detection} cannot run over these rows on ${target}/${profile}: ${d.error}`);
    }
    if (errors.length) throw new Exit(2);
  };

  program
    .command('test')
    .description("run every rule's test cases (rules/<name>.tests.yml) through the IR and the emitted query of every target and profile")
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .addOption(new Option('--target <target>', 'target to test').choices([...TARGET_IDS, 'all']).default('all'))
    .option('--profile <profiles...>', `profiles to test (${knownProfiles().join(', ')})`)
    .option('--events <file>', 'replay rows exported from Splunk (JSON, CSV) or Defender / Sentinel (CSV, JSON) through the compiled rules of one --target spl|kql and one --profile, and print what would alert, instead of running the cases')
    .option('--table <table>', 'with --events and --target kql: every row is a row of this table (or ASIM parser) of the profile')
    .addOption(profilesOption())
    .addOption(formatOption())
    .action((paths: string[], opts: { target: string; profile?: string[]; profiles?: string[]; format: Format; events?: string; table?: string }) => {
      const chosen: TargetId[] = opts.target === 'all' ? TARGET_IDS : [opts.target as TargetId];
      const extra = userProfiles(opts.profiles, opts.format);
      const valid = knownProfiles(chosen, extra);
      for (const p of opts.profile ?? [])
        if (!valid.includes(p)) usage(io, `unknown profile "${p}" for target ${opts.target}`, `use one of: ${valid.join(', ')}`, opts.format);
      if (opts.table !== undefined && opts.events === undefined) usage(io, '--table applies to --events only', 'add --events <file>, or leave out --table', opts.format);
      if (opts.events !== undefined) {
        replayCommand(opts.events, paths, { ...opts, events: opts.events }, extra);
        return;
      }
      const report = runTests(paths, { targets: chosen, ...(opts.profile ? { profiles: opts.profile } : {}), ...(extra ? { extraProfiles: extra } : {}) });
      if (hasErrors(report.diagnostics)) fail(io, report.diagnostics, opts.format);
      if (opts.format === 'json') io.out(JSON.stringify(report, null, 2));
      else io.out(formatTestReport(report, { ok: io.color.green('✔'), bad: io.color.red('✘') }));
      if (report.failed > 0) throw new Exit(1);
    });

  program
    .command('explain')
    .description("show a rule's signals, weights, tiers and every combination that gives a result")
    .argument('<rule>', 'rule name (looked up under rules/) or path')
    .addOption(profilesOption())
    .addOption(formatOption())
    .action((ruleArg: string, opts: { format: Format; profiles?: string[] }) => {
      const extra = userProfiles(opts.profiles, opts.format);
      const isPath = /[\/\\]|\.ya?ml$/.test(ruleArg);
      const r = loadRules(isPath ? [ruleArg] : ['rules']);
      if (!r.ok) fail(io, r.diagnostics, opts.format);
      const corr = isPath ? (r.irs.length ? undefined : r.correlations[0]) : r.correlations.find((x) => x.name === ruleArg);
      if (corr) {
        const e = explainCorrelation(corr, extra);
        io.out(opts.format === 'json' ? JSON.stringify(e, null, 2) : formatCorrelationExplanation(e));
        return;
      }
      const ir = isPath ? r.irs[0] : r.irs.find((x) => x.name === ruleArg);
      if (!ir) usage(io, `no rule named "${ruleArg}" under rules/`, `use one of: ${[...r.irs, ...r.correlations].map((x) => x.name).sort().join(', ')}`, opts.format);
      const e = explainRule(ir, extra);
      io.out(opts.format === 'json' ? JSON.stringify(e, null, 2) : formatExplanation(e));
    });

  return program;
}

/** Run the CLI; returns the exit code (never throws for user errors, never prints a stack). */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const ds = (e as { diagnostics?: Diagnostic[] }).diagnostics;
    if (ds && hasErrors(ds)) {
      printDiagnostics(io, ds, 'text');
      return 2;
    }
    io.err(`t1612: internal error: ${(e as Error).message} (please report this with the rule that caused it)`);
    return 70;
  }
}
