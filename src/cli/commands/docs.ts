/**
 * `t1612 docs [--out dir] [--check] [paths…]`: a Markdown page per rule and correlation, `index.md`
 * and the ATT&CK Navigator coverage layer (src/docs/), written into docs/detections/ by default.
 */
import type { Command } from 'commander';
import { buildDocs } from '../../docs/build.js';
import { planDocs, writeDocs } from '../../docs/write.js';
import { ioDiagnostic } from '../../compile.js';
import { hasErrors } from '../../model/diagnostics.js';
import { loadRules } from '../../pipeline.js';
import { printDiagnostics } from '../output.js';
import type { CommandContext, Format } from '../main.js';

export function registerDocs(program: Command, ctx: CommandContext): void {
  program
    .command('docs')
    .description('write a Markdown page per rule and correlation, index.md and an ATT&CK Navigator coverage layer')
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .option('--out <dir>', 'output directory', 'docs/detections')
    .option('--check', 'write nothing; exit 1 listing pages that are stale or missing')
    .addOption(ctx.profilesOption())
    .addOption(ctx.formatOption())
    .action((paths: string[], opts: { out: string; check?: boolean; profiles?: string[]; format: Format }, cmd: Command) => {
      const { io } = ctx;
      const extra = ctx.userProfiles(opts.profiles, opts.format);
      const r = loadRules(paths);
      if (!r.ok) ctx.fail(r.diagnostics, opts.format);
      const docs = buildDocs(r.irs, r.correlations, extra ? { extraProfiles: extra } : {});
      const diagnostics = [...r.diagnostics, ...docs.diagnostics];
      if (hasErrors(docs.diagnostics)) ctx.fail(diagnostics, opts.format);
      // Orphans are only meaningful when every rule was documented (the default rules/ input).
      const plan = planDocs(opts.out, docs.files, cmd.args.length === 0);
      const shown = diagnostics.filter((d) => d.severity !== 'note');
      if (opts.check) {
        const stale = [...plan.changed.map((p) => `${opts.out}/${p}: stale or missing`), ...plan.orphaned.map((p) => `${opts.out}/${p}: no longer generated`)];
        if (stale.length) {
          for (const s of stale) io.err(s);
          io.err(`${stale.length} docs file(s) out of date: run \`npx t1612 docs\` and commit the result`);
          ctx.fail(shown, opts.format, 1);
        }
        printDiagnostics(io, shown, opts.format);
        if (opts.format === 'text') io.out(`${docs.files.length} docs file(s) up to date`);
        return;
      }
      try {
        writeDocs(opts.out, docs.files, plan);
      } catch (e) {
        ctx.fail([ioDiagnostic(opts.out, e)], opts.format);
      }
      printDiagnostics(io, shown, opts.format);
      if (opts.format === 'text') io.out(`${docs.files.length} docs file(s) in ${opts.out}/ (${plan.changed.length} changed${plan.orphaned.length ? `, ${plan.orphaned.length} removed` : ''})`);
    });
}
