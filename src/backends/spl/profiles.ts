/**
 * Splunk profiles: how a deployment's events look in Splunk. Data only (profiles/spl/*.yml, loaded
 * by src/profiles/load.ts); the compiler reads them. Each log source is read either with a base
 * search (a macro) or from an accelerated data model with tstats (source.ts says which, and checks).
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { ProfileBase } from '../types.js';
import { bundledProfiles } from '../../profiles/load.js';

export interface SplMacro {
  readonly name: string;
  readonly definition: string;
  readonly description: string;
}

export interface SplProfile extends ProfileBase {
  /** Per log source: the macro that selects its events (never `index=*`). */
  readonly baseSearch?: Readonly<Partial<Record<LogsourceCategory, string>>>;
  /** Per log source: the data model dataset (`Endpoint.Processes`) read with tstats instead. */
  readonly dataModels?: Readonly<Partial<Record<LogsourceCategory, string>>>;
  /** Macros the base searches use, written to macros.conf. */
  readonly macros: readonly SplMacro[];
  readonly timeField: string;
  /** The host field of events read with a base search. */
  readonly hostField?: string;
}

/** The bundled Splunk profiles (profiles/spl/*.yml). */
export const splProfiles = bundledProfiles().spl as readonly SplProfile[];

function bundled(id: string): SplProfile {
  const p = splProfiles.find((x) => x.id === id);
  if (!p) throw new Error(`internal: no bundled spl profile ${id}`);
  return p;
}

export const sysmonLinux: SplProfile = bundled('sysmon_linux');
/** The Splunk CIM data models, read with tstats (profiles/spl/cim.yml). */
export const cim: SplProfile = bundled('cim');
