/**
 * Splunk profiles: how a deployment's events look in Splunk. Data only; the compiler reads them.
 * Sysmon for Linux (sourcetype `sysmon:linux`, EventID 1) uses the Sigma taxonomy's field names and
 * writes `-` for a missing value (for example ParentImage of a process whose parent is gone).
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { ProfileBase } from '../types.js';
import { taxonomyFields } from '../fields.js';

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

export const sysmonLinux: SplProfile = {
  id: 'sysmon_linux',
  description: 'Sysmon for Linux events in Splunk (sourcetype sysmon:linux), Sigma taxonomy field names',
  fields: { process_creation: taxonomyFields('process_creation'), file_event: taxonomyFields('file_event') },
  placeholders: ['-'],
  baseSearch: { process_creation: 't1612_sysmon_linux_process_creation', file_event: 't1612_sysmon_linux_file_event' },
  macros: [
    {
      name: 't1612_sysmon_linux_index',
      definition: 'index=main',
      description: 'Index holding Sysmon for Linux events. Change it to your index; keep it narrow (never index=*).',
    },
    {
      name: 't1612_sysmon_linux_process_creation',
      definition: '`t1612_sysmon_linux_index` sourcetype="sysmon:linux" EventID=1',
      description: 'Sysmon for Linux process creation events (EventID 1).',
    },
    {
      name: 't1612_sysmon_linux_file_event',
      definition: '`t1612_sysmon_linux_index` sourcetype="sysmon:linux" EventID=11',
      description: 'Sysmon for Linux file creation events (EventID 11).',
    },
  ],
  timeField: '_time',
  hostField: 'host',
};

export const splProfiles: readonly SplProfile[] = [sysmonLinux];
