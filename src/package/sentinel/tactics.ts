/**
 * ATT&CK tactics and techniques as Sentinel's alertRules API takes them (AttackTactic enum of API
 * 2023-02-01: Reconnaissance, ResourceDevelopment, InitialAccess, Execution, Persistence,
 * PrivilegeEscalation, DefenseEvasion, CredentialAccess, Discovery, LateralMovement, Collection,
 * CommandAndControl, Exfiltration, Impact, plus ICS and PreAttack values).
 *
 * ATT&CK v19 split Defense Evasion into `stealth` and `defense-impairment`; Sentinel's enum has
 * neither, so both map to DefenseEvasion, the tactic they were split from (T1612 is under
 * Defense Evasion before v19 and under Stealth in v19).
 */

export const SENTINEL_TACTIC: Readonly<Record<string, string>> = {
  reconnaissance: 'Reconnaissance',
  'resource-development': 'ResourceDevelopment',
  'initial-access': 'InitialAccess',
  execution: 'Execution',
  persistence: 'Persistence',
  'privilege-escalation': 'PrivilegeEscalation',
  'defense-evasion': 'DefenseEvasion',
  stealth: 'DefenseEvasion',
  'defense-impairment': 'DefenseEvasion',
  'credential-access': 'CredentialAccess',
  discovery: 'Discovery',
  'lateral-movement': 'LateralMovement',
  collection: 'Collection',
  'command-and-control': 'CommandAndControl',
  exfiltration: 'Exfiltration',
  impact: 'Impact',
};

/** Sentinel tactics of ATT&CK tactic short names, deduplicated in first-seen order; unknown names are returned apart. */
export function sentinelTactics(tactics: readonly string[]): { tactics: string[]; unknown: string[] } {
  const out: string[] = [];
  const unknown: string[] = [];
  for (const t of tactics) {
    const s = SENTINEL_TACTIC[t];
    if (!s) unknown.push(t);
    else if (!out.includes(s)) out.push(s);
  }
  return { tactics: out, unknown };
}

/** The technique ids Sentinel's `techniques` takes (`T1612`; a sub-technique T1234.001 is given as its technique). */
export function sentinelTechniques(technique: string): string[] {
  return [technique.split('.')[0]!];
}
