/**
 * KQL profiles: Defender advanced hunting and Microsoft Sentinel (the same Device* tables, with
 * `Timestamp` in Defender and `TimeGenerated` in Sentinel; columns in
 * ../shared/reference/defender-tables.json). Field names follow pySigma's Defender mapping.
 * Device tables record no current directory, so relative paths cannot be resolved here.
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { ProfileBase } from '../types.js';

export interface KqlProfile extends ProfileBase {
  readonly tables: Readonly<Partial<Record<LogsourceCategory, string>>>;
  readonly timeColumn: string;
  /** Columns every result keeps before the rule's own (a Defender custom detection needs Timestamp, DeviceId, ReportId). */
  readonly keepColumns: readonly string[];
  /** Key of ../shared/reference/defender-tables.json whose schema the output is checked against. */
  readonly schemaSet: 'defender' | 'sentinel';
}

const deviceFields = {
  process_creation: {
    Image: 'FolderPath',
    CommandLine: 'ProcessCommandLine',
    ParentImage: 'InitiatingProcessFolderPath',
    ParentCommandLine: 'InitiatingProcessCommandLine',
    User: 'AccountName',
  },
  // DeviceFileEvents: FolderPath is the file written (pySigma maps TargetFilename to it); the writer
  // is the initiating process.
  file_event: {
    TargetFilename: 'FolderPath',
    Image: 'InitiatingProcessFolderPath',
    User: 'InitiatingProcessAccountName',
  },
} as const;

export const defender: KqlProfile = {
  id: 'defender',
  description: 'Microsoft Defender XDR advanced hunting / custom detections (DeviceProcessEvents, Timestamp)',
  fields: deviceFields,
  placeholders: [],
  tables: { process_creation: 'DeviceProcessEvents', file_event: 'DeviceFileEvents' },
  timeColumn: 'Timestamp',
  keepColumns: ['Timestamp', 'DeviceId', 'ReportId', 'DeviceName'],
  schemaSet: 'defender',
};

export const sentinel: KqlProfile = {
  id: 'sentinel',
  description: 'Microsoft Sentinel analytics rules over the Defender XDR connector tables (DeviceProcessEvents, TimeGenerated)',
  fields: deviceFields,
  placeholders: [],
  tables: { process_creation: 'DeviceProcessEvents', file_event: 'DeviceFileEvents' },
  timeColumn: 'TimeGenerated',
  keepColumns: ['TimeGenerated', 'DeviceId', 'ReportId', 'DeviceName'],
  schemaSet: 'sentinel',
};

export const kqlProfiles: readonly KqlProfile[] = [defender, sentinel];
