/**
 * Where a Splunk profile reads one log source from, and under which names the query sees its fields:
 *
 * - **search**: the profile's base-search macro (`baseSearch`), raw events, the profile's field names
 *   as they are, the host in `hostField` (sysmon_linux);
 * - **tstats**: an accelerated data model dataset (`dataModels`, e.g. `Endpoint.Processes`), read
 *   with `| tstats … count from datamodel=<dataset> by <fields> _time span=1s` (core.ts). The profile
 *   names the dataset's fields (`Processes.process`); the query renames each `<Dataset>.<name>` to
 *   `<name>` (as Splunk_SA_CIM's `drop_dm_object_name(Processes)` does), so every later command, the
 *   allowlist lookups and the customer's `_filter` macro see plain CIM names. tstats writes the
 *   profile's first placeholder for a by-field an event lacks (`fillnull_value`), so it reads as absent.
 *
 * A log source with a data model is read with tstats, otherwise with its base search. A profile that
 * gives neither, or a data-model source the query cannot be written for (no placeholder, a time field
 * other than `_time`, two fields renamed alike), is reported by `sourceProblem`, never guessed.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { CanonicalField, LogsourceCategory } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import { fieldPairs } from '../fields.js';
import type { FieldMap } from '../types.js';
import type { SplProfile } from './profiles.js';

export interface SearchSource {
  readonly kind: 'search';
  /** The base-search macro's name. */
  readonly macro: string;
  readonly hostField: string;
  /** The profile's field names, as the query reads them. */
  readonly fields: FieldMap;
}

export interface TstatsSource {
  readonly kind: 'tstats';
  /** `<data model>.<root dataset>`: `Endpoint.Processes`. */
  readonly dataModel: string;
  /** The root dataset's name, the prefix of its fields: `Processes`. */
  readonly dataset: string;
  /** What tstats writes for a by-field an event lacks: the profile's first placeholder. */
  readonly fillnull: string;
  /** The data model's field names (`Processes.process`), as tstats groups by them. */
  readonly raw: FieldMap;
  /** The names every command after the rename reads (`process`). */
  readonly fields: FieldMap;
}

export type SplSource = SearchSource | TstatsSource;

/** The time span of a tstats row: events within one second (and equal in every by-field) are one row. */
export const TSTATS_SPAN = '1s';

/** What tstats adds beside the by-fields. */
export const TSTATS_COUNT = 'count';

type Resolved = SplSource | { readonly problem: string; readonly hint: string };

const cache = new WeakMap<SplProfile, Map<LogsourceCategory, Resolved | undefined>>();

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function tstatsSource(profile: SplProfile, dataModel: string, raw: FieldMap): Resolved {
  const where = `spl profile ${profile.id}`;
  const dataset = dataModel.slice(dataModel.indexOf('.') + 1);
  const fillnull = profile.placeholders[0];
  if (fillnull === undefined) return { problem: `${where} reads ${dataModel} with tstats but has no placeholder for its fillnull_value`, hint: 'add placeholders (the first is the value tstats writes for a missing field, e.g. unknown)' };
  if (/[\r\n`]/.test(fillnull)) return { problem: `${where}'s first placeholder ${JSON.stringify(fillnull)} cannot be a tstats fillnull_value (a line break or backtick)`, hint: 'put a plain placeholder first' };
  if (profile.timeField !== '_time') return { problem: `${where} reads ${dataModel} with tstats, whose rows carry _time, but its timeField is ${profile.timeField}`, hint: 'set timeField: _time' };
  const fields: Partial<Record<CanonicalField, string>> = {};
  const byName = new Map<string, string>();
  for (const [canonical, name] of fieldPairs(raw)) {
    const rest = name.startsWith(`${dataset}.`) ? name.slice(dataset.length + 1) : undefined;
    const renamed = rest !== undefined && PLAIN.test(rest) ? rest : name;
    const other = byName.get(renamed);
    if ((other !== undefined && other !== name) || renamed === '_time' || renamed === TSTATS_COUNT || name === TSTATS_COUNT)
      return { problem: `${where} maps ${canonical} to ${name}, which tstats and the rename would give the name ${renamed} ${other !== undefined && other !== name ? `of ${other} too` : 'of a field tstats writes itself'}`, hint: 'map the field to another data model field' };
    byName.set(renamed, name);
    fields[canonical] = renamed;
  }
  return { kind: 'tstats', dataModel, dataset, fillnull, raw, fields };
}

function resolve(profile: SplProfile, category: LogsourceCategory): Resolved | undefined {
  const raw = profile.fields[category];
  if (!raw) return undefined;
  const dataModel = profile.dataModels?.[category];
  if (dataModel !== undefined) return tstatsSource(profile, dataModel, raw);
  const macro = profile.baseSearch?.[category];
  if (macro === undefined)
    return { problem: `spl profile ${profile.id} has neither a baseSearch macro nor a data model (dataModels) for ${category} events`, hint: `add baseSearch.${category} (with hostField) or dataModels.${category}` };
  if (profile.hostField === undefined) return { problem: `spl profile ${profile.id} reads ${category} events with a base search but has no hostField`, hint: 'add hostField (host for most sourcetypes)' };
  return { kind: 'search', macro, hostField: profile.hostField, fields: raw };
}

function resolved(profile: SplProfile, category: LogsourceCategory): Resolved | undefined {
  let byCategory = cache.get(profile);
  if (!byCategory) cache.set(profile, (byCategory = new Map()));
  if (!byCategory.has(category)) byCategory.set(category, resolve(profile, category));
  return byCategory.get(category);
}

/**
 * A log source's source on a profile, for a rule the profile can run (telemetryFor said so, and
 * `sourceProblem` found nothing): anything else is a bug in the caller.
 */
export function splSource(profile: SplProfile, category: LogsourceCategory): SplSource {
  const r = resolved(profile, category);
  if (!r) throw new Error(`internal: spl profile ${profile.id} has no ${category} events`);
  if ('problem' in r) throw new Error(`internal: ${r.problem}`);
  return r;
}

/** How a profile reads a log source, or undefined when it has none or cannot read it. */
export function splSourceIfReadable(profile: SplProfile, category: LogsourceCategory): SplSource | undefined {
  const r = resolved(profile, category);
  return r && !('problem' in r) ? r : undefined;
}

/** Why a profile cannot write queries for a rule's log source (an error located at the rule), or undefined. */
export function sourceProblem(rule: RuleIR, profile: SplProfile): Diagnostic | undefined {
  const r = resolved(profile, rule.logsource.category);
  return r && 'problem' in r ? diagnostic(rule.file, { line: 1, column: 1 }, 'error', 'profile', `${r.problem}; rule ${rule.name} cannot be compiled there`, r.hint) : undefined;
}
