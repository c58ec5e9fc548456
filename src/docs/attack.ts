/**
 * ATT&CK identifiers as the pages and the Navigator layer show them: links on attack.mitre.org, the
 * technique names this project covers, and how a rule's `attack.version` maps to a layer's.
 */
import type { AttackModel } from '../model/types.js';
import { bullet, code } from './markdown.js';

/** Names of the techniques the bundled rules map (others are shown by id alone). */
const TECHNIQUE_NAMES: Readonly<Record<string, string>> = { T1612: 'Build Image on Host' };

export function techniqueName(id: string): string | undefined {
  return TECHNIQUE_NAMES[id];
}

/** `T1612` → …/techniques/T1612/, `T1059.004` → …/techniques/T1059/004/. */
export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

export function strategyUrl(id: string): string {
  return `https://attack.mitre.org/detectionstrategies/${id}/`;
}

export function analyticUrl(id: string): string {
  return `https://attack.mitre.org/analytics/${id}/`;
}

/**
 * The ATT&CK version a Navigator layer names for a rule's release. The Navigator loads ATT&CK data
 * by major release (its layer format's own example names `"attack": "18"`), and a minor release
 * (19.1) keeps the major release's technique ids, so `19.1` → `19`; the exact release is kept in the
 * layer's metadata.
 */
export function navigatorAttackVersion(release: string): string {
  return release.split('.')[0]!;
}

/** The "ATT&CK mapping" section of a page. */
export function attackSection(attack: AttackModel): string {
  const name = techniqueName(attack.technique);
  const lines = [
    `**Technique:** [${attack.technique}](${techniqueUrl(attack.technique)})${name ? ` ${name}` : ''}`,
    `**Tactics:** ${attack.tactics.map(code).join(', ')}`,
    `**Detection strategy:** [${attack.strategy}](${strategyUrl(attack.strategy)})`,
    `**Analytics:** ${attack.analytics.map((a) => `[${a}](${analyticUrl(a)})`).join(', ')}`,
    `**ATT&CK release:** ${attack.version}`,
  ];
  return ['## ATT&CK mapping', lines.map((l) => bullet(l)).join('\n')].join('\n\n');
}
