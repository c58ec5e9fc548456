/**
 * Checks of a correlation rule beyond its schema (each with its exact message and position, tested in
 * test/invalid): its name is its file name; every stage rule exists and is a plain rule; every
 * group-by field is a field of each stage rule's log source, except for a rule that joins on the
 * image alone (its log source has no group-by field, k8s_audit: src/ir/correlation.ts), which needs
 * `joinOn: [image]`, an `imageKey` and a stage after the first; the first stage has no window and every
 * later one has one; stage labels are unique (outputs and Sigma's stage rules are named after them);
 * a join on the image needs two stages whose rules name images (`imageKey`), or it joins nothing; the
 * alert shows outputs of the results (output-lineage.ts).
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { CANONICAL_FIELDS } from '../../model/types.js';
import type { LocatedDocument } from '../../model/yaml.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationModel } from '../../ir/correlation.js';
import { correlationOutputs, lineageProblems } from './output-lineage.js';

export function correlationChecks(
  doc: { file: string; model: CorrelationModel; locate: LocatedDocument },
  rules: ReadonlyMap<string, RuleIR>,
  /** Names of the plain rules found (loaded or not) and of the correlations. */
  names: { readonly rules: ReadonlySet<string>; readonly correlations: ReadonlySet<string> },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { file, model, locate } = doc;
  const err = (at: string, code: string, message: string, hint: string) => out.push(diagnostic(file, locate.at(at), 'error', code, message, hint));
  const base = (file.split('/').pop() ?? '').replace(/\.ya?ml$/, '');
  if (model.name !== base) err('/name', 'duplicate-identity', `name "${model.name}" does not match the file name "${base}"`, `rename the file to ${model.name}.yml or set name: ${base}`);
  const joinsOnImage = (model.correlation.joinOn ?? []).includes('image');
  const labels = new Map<string, number>();
  model.correlation.stages.forEach((s, i) => {
    const label = s.label ?? `stage${i + 1}`;
    if (labels.has(label)) err(`/correlation/stages/${i}${s.label ? '/label' : ''}`, 'correlation', `stage label "${label}" is already used by stage ${labels.get(label)! + 1}`, 'give each stage its own label');
    else labels.set(label, i);
  });
  model.correlation.stages.forEach((s, i) => {
    if (i === 0 && s.within !== undefined) err(`/correlation/stages/0/within`, 'correlation', 'the first stage has no window (windows run from the previous stage)', 'remove within from the first stage');
    if (i > 0 && s.within === undefined) err(`/correlation/stages/${i}`, 'correlation', `stage ${i + 1} has no window`, 'add within: (for example 30m), measured from the previous stage\'s event');
    s.rules.forEach((name, j) => {
      const at = `/correlation/stages/${i}/rules/${j}`;
      const rule = rules.get(name);
      if (!rule) {
        // A stage rule that exists but failed to load has its own errors; saying more is noise.
        if (names.rules.has(name)) return;
        if (names.correlations.has(name)) err(at, 'correlation', `stage rule "${name}" is a correlation`, 'stages reference plain rules, not other chains');
        else err(at, 'correlation', `stage rule "${name}" does not exist`, `use one of: ${[...rules.keys()].sort().join(', ')}`);
        return;
      }
      const fields: readonly string[] = CANONICAL_FIELDS[rule.logsource.category];
      const missing = model.correlation.groupBy.filter((f) => !fields.includes(f));
      if (!missing.length) return;
      // A rule whose log source has no group-by field (k8s_audit has no Host) joins on the image
      // alone: only in a chain joined on the image, naming its image, continuing earlier stages.
      if (joinsOnImage && i === 0)
        err(at, 'correlation', `rule ${name} has no ${missing.join(', ')} (a ${rule.logsource.category} rule) and joins on the image alone, so it cannot start a chain`, 'put it in a later stage: it continues the chains whose earlier events name its image');
      else if (joinsOnImage && !rule.imageKey.length)
        err(at, 'correlation', `rule ${name} has no ${missing.join(', ')} (a ${rule.logsource.category} rule) and no imageKey, so its events join no chain`, `add imageKey to ${name} (where its events name the image), or remove it from the stage`);
      else if (!joinsOnImage)
        for (const f of missing) err(at, 'correlation', `group-by field ${f} is not a ${rule.logsource.category} field (rule ${name})`, `group by fields every stage has: ${fields.join(', ')}`);
    });
  });
  out.push(...lineageProblems(model.alert, correlationOutputs(model.correlation.groupBy), (p) => locate.at(p), file, 'output-lineage'));
  if (model.correlation.joinOn?.includes('image')) {
    const naming = model.correlation.stages.filter((s) => s.rules.some((name) => (rules.get(name)?.imageKey.length ?? 0) > 0)).length;
    const loaded = model.correlation.stages.every((s) => s.rules.every((name) => rules.has(name)));
    if (loaded && naming < 2)
      err(
        `/correlation/joinOn/${model.correlation.joinOn.indexOf('image')}`,
        'correlation',
        `joinOn image needs two stages whose rules name an image, and ${naming === 0 ? 'no stage has one' : 'only one stage has one'}`,
        "add imageKey to the stage rules (where their events name the image), or remove joinOn",
      );
  }
  return out;
}
