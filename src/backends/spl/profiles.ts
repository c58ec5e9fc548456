/**
 * Splunk profiles: how a deployment's events look in Splunk. Data only (profiles/spl/*.yml, loaded
 * by src/profiles/load.ts); the compiler reads them.
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
  readonly baseSearch: Readonly<Partial<Record<LogsourceCategory, string>>>;
  /** Macros the base searches use, written to macros.conf. */
  readonly macros: readonly SplMacro[];
  readonly timeField: string;
  readonly hostField: string;
}

/** The bundled Splunk profiles (profiles/spl/*.yml). */
export const splProfiles = bundledProfiles().spl as readonly SplProfile[];

export const sysmonLinux: SplProfile = splProfiles.find((p) => p.id === 'sysmon_linux')!;
