/**
 * The ATT&CK Navigator layer of the detections' coverage (`t1612-coverage.json`), in layer file
 * format 4.5 (mitre-attack/attack-navigator, layers/spec/v4.5/layerformat.md):
 *
 * - `versions`: `layer` "4.5" (required, exactly), `navigator` "5.2.0" (required, at least 4.9.0 for
 *   format 4.5; 5.2.0 is the 5.x release the format's own example names), `attack` the major part of
 *   the rules' `attack.version` (src/docs/attack.ts: 19.1 → "19").
 * - `domain` "enterprise-attack" (required); `name`, `description`.
 * - one Technique object per technique the detections map: `techniqueID`, `score` (the number of
 *   detections that cover it), `comment` (per detection strategy and analytic, the detections that
 *   cover it), `enabled`, `metadata` (the same per strategy and analytic, with dividers) and `links`.
 *   No `tactic`: the annotation then shows under every tactic the Navigator's ATT&CK data gives the
 *   technique (the rules' tactics are release 19 short names, listed in the metadata).
 * - `gradient` (colours for scores 0 … the highest score) and `legendItems`; layer `metadata` with
 *   the strategy, each analytic and the exact ATT&CK release.
 *
 * Nothing else is written, so every field is one the format defines. Keys are in a fixed order and
 * lists are sorted, so the file is byte-identical for the same rules.
 */
import type { AttackModel } from '../model/types.js';
import { analyticUrl, navigatorAttackVersion, strategyUrl, techniqueName, techniqueUrl } from './attack.js';

export const LAYER_FILE = 't1612-coverage.json';
export const LAYER_FORMAT = '4.5';
export const NAVIGATOR_VERSION = '5.2.0';
export const DOMAIN = 'enterprise-attack';

/** Colours of the gradient (and the legend): no detection, then the most detections. */
const COLORS = ['#ffffff', '#66b1ff'] as const;

export interface CoveringDetection {
  readonly name: string;
  readonly kind: 'rule' | 'correlation';
  readonly attack: AttackModel;
}

type MetadataItem = { name: string; value: string } | { divider: true };

export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: string;
  description: string;
  sorting: number;
  hideDisabled: boolean;
  techniques: {
    techniqueID: string;
    score: number;
    comment: string;
    enabled: boolean;
    metadata: MetadataItem[];
    links: { label: string; url: string }[];
  }[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
  metadata: MetadataItem[];
  links: { label: string; url: string }[];
}

function sorted<T>(xs: Iterable<T>): T[] {
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function names(ds: readonly CoveringDetection[]): string {
  return ds.map((d) => d.name).join(', ');
}

/** Per strategy, then per analytic, the detections that name it (among `ds`). */
function coverage(ds: readonly CoveringDetection[]): { id: string; kind: 'detection strategy' | 'analytic'; strategy?: string; detections: CoveringDetection[] }[] {
  const strategies = sorted(new Set(ds.map((d) => d.attack.strategy)));
  const analytics = sorted(new Set(ds.flatMap((d) => d.attack.analytics)));
  return [
    ...strategies.map((id) => ({ id, kind: 'detection strategy' as const, detections: ds.filter((d) => d.attack.strategy === id) })),
    ...analytics.map((id) => {
      const detections = ds.filter((d) => d.attack.analytics.includes(id));
      return { id, kind: 'analytic' as const, strategy: sorted(new Set(detections.map((d) => d.attack.strategy))).join(', '), detections };
    }),
  ];
}

/** The layer; `detections` sorted by name. Throws when they name different major ATT&CK releases (one layer has one). */
export function coverageLayer(detections: readonly CoveringDetection[]): NavigatorLayer {
  const ds = [...detections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const releases = sorted(new Set(ds.map((d) => d.attack.version)));
  const majors = sorted(new Set(releases.map(navigatorAttackVersion)));
  if (majors.length > 1) throw new Error(`the detections name ATT&CK releases ${releases.join(', ')}; one layer has one release`);
  const attack = majors[0] ?? '';
  const techniques = sorted(new Set(ds.map((d) => d.attack.technique))).map((id) => {
    const covering = ds.filter((d) => d.attack.technique === id);
    const cov = coverage(covering);
    const tactics = sorted(new Set(covering.flatMap((d) => d.attack.tactics)));
    return {
      techniqueID: id,
      score: covering.length,
      comment: [`${covering.length} detection(s) of t1612.`, ...cov.map((c) => `${c.id} (${c.detections.length}): ${names(c.detections)}.`)].join('\n'),
      enabled: true,
      metadata: [
        { name: 'tactics (ATT&CK ' + releases.join(', ') + ')', value: tactics.join(', ') },
        ...cov.flatMap((c): MetadataItem[] => [{ divider: true }, { name: c.id, value: `${c.detections.length}: ${names(c.detections)}` }]),
      ],
      links: [
        { label: `${id}${techniqueName(id) ? ` ${techniqueName(id)}` : ''}`, url: techniqueUrl(id) },
        ...cov.map((c) => ({ label: c.id, url: c.kind === 'analytic' ? analyticUrl(c.id) : strategyUrl(c.id) })),
      ],
    };
  });
  const max = Math.max(1, ...techniques.map((t) => t.score));
  return {
    name: 't1612 detection coverage',
    versions: { attack, navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT },
    domain: DOMAIN,
    description:
      `Generated by \`t1612 docs\`: techniques the t1612 detections (${ds.filter((d) => d.kind === 'rule').length} rule(s), ${ds.filter((d) => d.kind === 'correlation').length} correlation(s)) cover; ` +
      `score = the number of detections. The rules name ATT&CK ${releases.join(', ')}; the layer names the major release (${attack}).`,
    sorting: 3,
    hideDisabled: false,
    techniques,
    gradient: { colors: [...COLORS], minValue: 0, maxValue: max },
    legendItems: [
      { label: 'no detection', color: COLORS[0] },
      { label: `${max} detection(s)`, color: COLORS[1] },
    ],
    metadata: [
      { name: 'ATT&CK release of the rules', value: releases.join(', ') },
      ...coverage(ds).flatMap((c): MetadataItem[] => [
        { divider: true },
        { name: c.kind === 'analytic' ? `analytic ${c.id}` : `detection strategy ${c.id}`, value: `${c.strategy ? `of ${c.strategy}; ` : ''}${c.detections.length} detection(s): ${names(c.detections)}` },
      ]),
    ],
    links: [{ label: 'ATT&CK Navigator layer format 4.5', url: 'https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5/layerformat.md' }],
  };
}

/** The layer file's text: JSON, two-space indented, with a final newline. */
export function layerJson(detections: readonly CoveringDetection[]): string {
  return `${JSON.stringify(coverageLayer(detections), null, 2)}\n`;
}
