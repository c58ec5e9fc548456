/**
 * requiredDataConnectors: the Sentinel data connectors (and their tables) a detection's query reads.
 *
 * - The Device* tables (profiles on the `sentinel` or `defender` schema set) come from the Microsoft
 *   Defender XDR connector, id `MicrosoftThreatProtection`, with the tables as data types (as the
 *   Azure-Sentinel repository's own Device* detections declare, e.g.
 *   Detections/DeviceProcessEvents/AdFind_Usage.yaml).
 * - The ASIM parsers (`asim`) read whichever sources the workspace has. For Linux hosts, the
 *   sources with ASIM parsers for process creation, file creation and network sessions are Microsoft
 *   Defender for Endpoint (`MicrosoftThreatProtection`: DeviceProcessEvents, DeviceFileEvents,
 *   DeviceNetworkEvents) and Sysmon for Linux, collected as Syslog (Azure-Sentinel
 *   Parsers/ASimProcessEvent, ASimFileEvent, ASimNetworkSession: the Microsoft365D and LinuxSysmon
 *   parsers) through the Syslog connector (`SyslogAma` via the Azure Monitor Agent, or the legacy
 *   `Syslog`). Any one of them feeds the parsers.
 *
 * Sentinel's alertRules API (2023-02-01) has no requiredDataConnectors property on a rule (only on
 * rule templates), so the ARM template states them in its metadata and the YAML template in its
 * own field.
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { KqlProfile } from '../../backends/kql/profiles.js';

export interface DataConnector {
  readonly connectorId: string;
  readonly dataTypes: readonly string[];
}

const DEFENDER_TABLE: Readonly<Partial<Record<LogsourceCategory, string>>> = {
  process_creation: 'DeviceProcessEvents',
  file_event: 'DeviceFileEvents',
  network_connection: 'DeviceNetworkEvents',
};

/**
 * Tables fed by Azure diagnostic settings rather than Defender: AKS audit (AKSAuditAdmin, AKSAudit)
 * comes through the Azure Kubernetes Service connector, id `AzureKubernetes` in the Azure-Sentinel
 * repository's connector definitions (Solutions/Azure kubernetes Service), with the cluster's
 * diagnostic setting sending kube-audit-admin to resource-specific tables.
 */
const DIAGNOSTIC_TABLES: Readonly<Record<string, string>> = { AKSAuditAdmin: 'AzureKubernetes', AKSAudit: 'AzureKubernetes' };

const sortUnique = (xs: readonly string[]) => [...new Set(xs)].sort();

export function requiredDataConnectors(categories: readonly LogsourceCategory[], profile: KqlProfile): { connectors: DataConnector[]; unknownTables: string[] } {
  if (profile.schemaSet === 'asim')
    return {
      connectors: [
        { connectorId: 'MicrosoftThreatProtection', dataTypes: sortUnique(categories.map((c) => DEFENDER_TABLE[c]).filter((t): t is string => t !== undefined)) },
        { connectorId: 'Syslog', dataTypes: ['Syslog'] },
        { connectorId: 'SyslogAma', dataTypes: ['Syslog'] },
      ],
      unknownTables: [],
    };
  const tables = sortUnique(categories.map((c) => profile.tables[c]).filter((t): t is string => typeof t === 'string'));
  const device = tables.filter((t) => t.startsWith('Device'));
  const diagnostic = tables.filter((t) => DIAGNOSTIC_TABLES[t] !== undefined);
  const byConnector = new Map<string, string[]>();
  for (const t of diagnostic) byConnector.set(DIAGNOSTIC_TABLES[t]!, [...(byConnector.get(DIAGNOSTIC_TABLES[t]!) ?? []), t]);
  return {
    connectors: [
      ...(device.length ? [{ connectorId: 'MicrosoftThreatProtection', dataTypes: device }] : []),
      ...[...byConnector].sort(([a], [b]) => (a < b ? -1 : 1)).map(([connectorId, dataTypes]) => ({ connectorId, dataTypes })),
    ],
    unknownTables: tables.filter((t) => !t.startsWith('Device') && DIAGNOSTIC_TABLES[t] === undefined),
  };
}
