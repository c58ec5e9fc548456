/**
 * Output-field lineage at compile time: a detection's alert may only show columns its compiled query
 * outputs on a profile; otherwise compile rejects it there, at the `alert` line.
 */
import { describe, expect, it } from 'vitest';
import { compileRules, profilesOf } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import type { ProfileBase } from '../../src/backends/types.js';
import { loadRuleText, miniRule } from '../support/rules.js';

const rule = miniRule(`match: { executable: { field: Image, names: [docker] } }
alert:
  message: "Build on {Host} by {User}"
  entities: [Host, User]
signals:
  - { id: docker, weight: 1, description: Docker ran., when: { executable: { field: Image, names: [docker] } } }
threshold: 1
tiers:
  - { name: low, title: Low, default: true, level: low, action: alert }
`);

describe('alert lineage at compile time', () => {
  const loaded = loadRuleText('mini-rule', rule);
  it('the rule is valid and its alert names outputs', () => expect(loaded.ok).toBe(true));
  it('passes on the profiles whose query outputs Host and User (sysmon_linux and every KQL profile)', () => {
    const out = compileRules(loaded.irs, { targets: ['spl', 'kql'], profiles: ['sysmon_linux', 'defender', 'sentinel', 'asim'] });
    expect(out.diagnostics.filter((d) => d.code === 'output-lineage')).toEqual([]);
  });
  it('is an error at the alert on cim, whose tstats rows carry only the fields the rule reads', () => {
    const out = compileRules(loaded.irs, { targets: ['spl'], profiles: ['cim'] });
    const errors = out.diagnostics.filter((d) => d.code === 'output-lineage').map(formatDiagnostic);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/mini-rule\.yml:14:3: error: User is not a column of mini-rule's compiled query on profile cim \(it outputs _time, dest, process_path, sig_docker, risk_score, risk_tier, risk_action, count\) \(map the field in the profile, or remove it from alert\)$/);
  });
  it('is an error on a profile that does not carry User at all', () => {
    const base = profilesOf('spl').find((p) => p.id === 'sysmon_linux')!;
    const { User: _dropped, ...fields } = base.fields.process_creation!;
    const noUser: ProfileBase = { ...base, id: 'no_user', fields: { ...base.fields, process_creation: fields } };
    const out = compileRules(loaded.irs, { targets: ['spl'], profiles: ['no_user'], extraProfiles: { spl: [noUser], kql: [], sigma: [] } });
    const errors = out.diagnostics.filter((d) => d.code === 'output-lineage').map(formatDiagnostic);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/mini-rule\.yml:14:3: error: User is not a column of mini-rule's compiled query on profile no_user/);
  });
});
