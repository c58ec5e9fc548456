/**
 * Kubernetes audit events on the Sigma taxonomy profile: k8s-pod-create's documents carry the
 * profile's logsource for k8s_audit (product kubernetes, service audit, as SigmaHQ's
 * rules/application/kubernetes/audit rules write it) and the audit event's dotted field names; the
 * record of an event is the flattened audit event (each dotted name one key), and the Sigma
 * evaluator reads it to the IR's outcome on the rule's own test cases.
 */
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderSigma } from '../../src/backends/sigma/index.js';
import { sigmaEvaluator } from '../../src/backends/sigma/evaluate.js';
import { sigmaLogsource, taxonomy } from '../../src/backends/sigma/profiles.js';
import { sigmaRow } from '../../src/backends/sigma/rows.js';
import { viewFor } from '../../src/backends/types.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';
import { bundledRules } from '../support/rules.js';

const bundled = bundledRules();
const rule = bundled.irs.find((r) => r.name === 'k8s-pod-create')!;
const view = viewFor(taxonomy, 'k8s_audit')!;

describe('k8s_audit on sigma/taxonomy', () => {
  it('the logsource is per log source data of the profile: kubernetes audit for k8s_audit, category + product otherwise', () => {
    expect(sigmaLogsource(taxonomy, 'k8s_audit')).toEqual({ product: 'kubernetes', service: 'audit' });
    expect(sigmaLogsource(taxonomy, 'process_creation')).toEqual({ category: 'process_creation', product: 'linux' });
  });
  it('k8s-pod-create\'s document names the audit event\'s fields', () => {
    const [doc] = yaml.loadAll(renderSigma(rule, taxonomy).files[0]!.content) as { logsource: object; detection: Record<string, unknown> }[];
    expect(doc!.logsource).toEqual({ product: 'kubernetes', service: 'audit' });
    expect(doc!.detection).toMatchObject({ match_1: { verb: 'create' }, match_2: { 'objectRef.resource': 'pods' }, match_3: { 'requestObject.spec.containers.0.image|re': '[^ ]' } });
  });
  it('the record is the flattened audit event: dotted names as keys, absent values left out', () =>
    expect(sigmaRow({ Verb: 'create', ObjectResource: 'pods', User: 'alice', ContainerImage: 'evil/app:1', ObjectNamespace: '', Host: 'x' }, view)).toEqual({
      verb: 'create',
      'objectRef.resource': 'pods',
      'user.username': 'alice',
      'requestObject.spec.containers.0.image': 'evil/app:1',
    }));
  it('the rule\'s test cases through the emitted documents agree with the IR', () => {
    const file = renderSigma(rule, taxonomy).files[0]!;
    const q = sigmaEvaluator.compile(file, [], view);
    const model = compileRule(rule);
    const cases = loadTestFile(testsPathFor(rule.file), bundled.irs).tests!.cases;
    for (const k of cases) {
      const results = q.run([sigmaRow(k.event, view)]);
      const ir = model.evaluate(k.event);
      expect(results.length, k.name).toBe(ir.matched ? 1 : 0);
      if (ir.matched) expect(results[0]!.tier, k.name).toBe(ir.tier);
    }
  });
});
