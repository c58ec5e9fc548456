/**
 * ATT&CK tactics per target, pinned to the release rules name (attack.version). One table, tested.
 * ATT&CK v19 split Defense Evasion into Stealth and Defense Impairment; Microsoft Sentinel's tactic
 * enumeration has neither, so both map to DefenseEvasion there.
 */
import type { RuleIR } from '../ir/nodes.js';

export const TACTICS = {
  reconnaissance: { sigma: 'attack.reconnaissance', sentinel: 'Reconnaissance' },
  'resource-development': { sigma: 'attack.resource-development', sentinel: 'ResourceDevelopment' },
  'initial-access': { sigma: 'attack.initial-access', sentinel: 'InitialAccess' },
  execution: { sigma: 'attack.execution', sentinel: 'Execution' },
  persistence: { sigma: 'attack.persistence', sentinel: 'Persistence' },
  'privilege-escalation': { sigma: 'attack.privilege-escalation', sentinel: 'PrivilegeEscalation' },
  stealth: { sigma: 'attack.stealth', sentinel: 'DefenseEvasion' },
  'defense-impairment': { sigma: 'attack.defense-impairment', sentinel: 'DefenseEvasion' },
  'credential-access': { sigma: 'attack.credential-access', sentinel: 'CredentialAccess' },
  discovery: { sigma: 'attack.discovery', sentinel: 'Discovery' },
  'lateral-movement': { sigma: 'attack.lateral-movement', sentinel: 'LateralMovement' },
  collection: { sigma: 'attack.collection', sentinel: 'Collection' },
  'command-and-control': { sigma: 'attack.command-and-control', sentinel: 'CommandAndControl' },
  exfiltration: { sigma: 'attack.exfiltration', sentinel: 'Exfiltration' },
  impact: { sigma: 'attack.impact', sentinel: 'Impact' },
} as const satisfies Record<string, { sigma: string; sentinel: string }>;

export type TacticName = keyof typeof TACTICS;

/** Sigma's ATT&CK tags for a rule or correlation. */
export function sigmaTags(rule: Pick<RuleIR, 'attack'>): string[] {
  const tags: string[] = rule.attack.tactics.map((t) => TACTICS[t as TacticName].sigma);
  tags.push(`attack.${rule.attack.technique.toLowerCase()}`);
  return [...new Set(tags)];
}

export function sentinelTactics(rule: RuleIR): string[] {
  return [...new Set(rule.attack.tactics.map((t) => TACTICS[t as TacticName].sentinel))];
}
