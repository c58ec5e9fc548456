/**
 * Microsoft Sentinel's ASIM unifying parsers the `asim` schema set reads, declared for Kusto.Language
 * (kusto.ts) and the KQL evaluator: each a tabular function with its filtering parameters and the
 * columns of its result (name, Kusto type), in the order the schema documents them.
 *
 * Sources (Microsoft Learn, "Advanced Security Information Model (ASIM) … normalization schema
 * reference"; the schema versions are those the pages document):
 * - common fields: https://learn.microsoft.com/azure/sentinel/normalization-common-fields
 * - `_Im_ProcessCreate` (ProcessEvent 1.0.0): https://learn.microsoft.com/azure/sentinel/normalization-schema-process-event
 * - `_Im_FileEvent` (FileEvent 1.0.0): https://learn.microsoft.com/azure/sentinel/normalization-schema-file-event
 * - `_Im_NetworkSession` (NetworkSession 0.2.7): https://learn.microsoft.com/azure/sentinel/normalization-schema-network
 *
 * ASIM field types are logical types; as Kusto types: String, Enumerated, Username, Hostname, FQDN,
 * Domain, IP address, MAC, GUID, URL, the hash types, Country/Region/City and the *Type enumerations
 * are `string`; Integer (RiskLevel and ConfidenceLevel included) `int`; Long `long`; Date/time
 * `datetime`; Boolean `bool`; Dynamic `dynamic`; Latitude/Longitude `real`. An alias has the type of
 * the field it aliases. Optional `Local*` / `Remote*` network aliases (per parser) are not declared.
 *
 * Parameters are the filtering parameters each page lists, all optional (a parser called with no
 * arguments returns every event of its schema), with the parsers' defaults: `datetime(null)`,
 * `dynamic([])`, `'*'` and `int(null)`.
 */
import type { KqlColumns, KqlColumnType } from './rows.js';
import type { KqlTableFunction } from './tables.js';

/** Columns of one type, in the order given. */
function typed(type: KqlColumnType, names: string): KqlColumns {
  return names
    .trim()
    .split(/\s+/)
    .map((n) => [n, type] as const);
}

/** Log Analytics' own columns and the fields common to every ASIM schema (normalization-common-fields). */
const COMMON: KqlColumns = [
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
  ['EventMessage', 'string'],
  ['EventCount', 'int'],
  ['EventStartTime', 'datetime'],
  ['EventEndTime', 'datetime'],
  ...typed('string', `EventType EventSubType EventResult EventResultDetails EventOriginalResultDetails EventSeverity EventOriginalSeverity
    EventUid EventOriginalUid EventOriginalType EventOriginalSubType EventProduct EventProductVersion EventVendor EventSchema
    EventSchemaVersion EventReportUrl EventOwner
    Dvc DvcIpAddr DvcHostname DvcDomain DvcDomainType DvcFQDN DvcDescription DvcId DvcIdType DvcMacAddr DvcZone DvcOs
    DvcOsVersion DvcAction DvcOriginalAction DvcInterface DvcScopeId DvcScope`),
  ['AdditionalFields', 'dynamic'],
];

/** The process event schema's fields (normalization-schema-process-event), after the common ones. */
const PROCESS_EVENT: KqlColumns = [
  ...COMMON,
  // Aliases: User → TargetUsername, Process → TargetProcessName, CommandLine → TargetProcessCommandLine, Hash.
  ...typed('string', 'User Process CommandLine Hash'),
  // Actor: the user that initiated the process creation.
  ...typed('string', 'ActorUserId ActorUserIdType ActorScope ActorScopeId ActorUsername ActorUsernameType ActorSessionId ActorUserType ActorOriginalUserType'),
  // Acting process: the process that created the target process.
  ...typed('string', `ActingProcessCommandLine ActingProcessName ActingProcessFilename ActingProcessFileCompany ActingProcessFileDescription
    ActingProcessFileProduct ActingProcessFileVersion ActingProcessFileInternalName ActingProcessFileOriginalName`),
  ['ActingProcessIsHidden', 'bool'],
  ...typed('string', `ActingProcessInjectedAddress ActingProcessId ActingProcessGuid ActingProcessIntegrityLevel ActingProcessMD5 ActingProcessSHA1
    ActingProcessSHA256 ActingProcessSHA512 ActingProcessIMPHASH`),
  ['ActingProcessCreationTime', 'datetime'],
  ['ActingProcessTokenElevation', 'string'],
  ['ActingProcessFileSize', 'long'],
  // Parent process: the parent of the acting process.
  ...typed('string', 'ParentProcessName ParentProcessFileCompany ParentProcessFileDescription ParentProcessFileProduct ParentProcessFileVersion'),
  ['ParentProcessIsHidden', 'bool'],
  ...typed('string', `ParentProcessInjectedAddress ParentProcessId ParentProcessGuid ParentProcessIntegrityLevel ParentProcessMD5 ParentProcessSHA1
    ParentProcessSHA256 ParentProcessSHA512 ParentProcessIMPHASH ParentProcessTokenElevation`),
  ['ParentProcessCreationTime', 'datetime'],
  // Target user: the user whose credentials the new process runs with.
  ...typed('string', `TargetUsername TargetUsernameType TargetUserId TargetUserIdType TargetUserSessionId TargetUserSessionGuid TargetUserType
    TargetOriginalUserType TargetUserScope TargetUserScopeId`),
  // Target process: the new process.
  ...typed('string', 'TargetProcessName TargetProcessFilename TargetProcessFileCompany TargetProcessFileDescription TargetProcessFileProduct'),
  ['TargetProcessFileSize', 'long'],
  ...typed('string', 'TargetProcessFileVersion TargetProcessFileInternalName TargetProcessFileOriginalName'),
  ['TargetProcessIsHidden', 'bool'],
  ...typed('string', `TargetProcessInjectedAddress TargetProcessMD5 TargetProcessSHA1 TargetProcessSHA256 TargetProcessSHA512 TargetProcessIMPHASH
    HashType TargetProcessCommandLine TargetProcessCurrentDirectory`),
  ['TargetProcessCreationTime', 'datetime'],
  ...typed('string', 'TargetProcessId TargetProcessGuid TargetProcessIntegrityLevel TargetProcessTokenElevation TargetProcessStatusCode'),
  // Inspection.
  ['RuleName', 'string'],
  ['RuleNumber', 'int'],
  ...typed('string', 'Rule ThreatId ThreatName ThreatCategory'),
  ['ThreatRiskLevel', 'int'],
  ...typed('string', 'ThreatOriginalRiskLevel ThreatField'),
  ['ThreatConfidence', 'int'],
  ['ThreatOriginalConfidence', 'string'],
  ['ThreatIsActive', 'bool'],
  ...typed('datetime', 'ThreatFirstReportedTime ThreatLastReportedTime'),
  // Entity correlation.
  ['ActingProcessEntityKey', 'string'],
  ['ActorUserAdditionalIds', 'dynamic'],
  ...typed('string', 'ActorUserEntityKey ParentProcessEntityKey TargetProcessEntityKey'),
  ['TargetUserAdditionalIds', 'dynamic'],
  ['TargetUserEntityKey', 'string'],
];

/** The file event schema's fields (normalization-schema-file-event), after the common ones. */
const FILE_EVENT: KqlColumns = [
  ...COMMON,
  // Target file: the file the operation was performed on (FileName → TargetFileName, FilePath → TargetFilePath).
  ['TargetFileCreationTime', 'datetime'],
  ...typed('string', `TargetFileDirectory TargetFileExtension TargetFileMimeType TargetFileName FileName TargetFilePath TargetFilePathType FilePath
    TargetFileMD5 TargetFileSHA1 TargetFileSHA256 TargetFileSHA512 Hash HashType`),
  ['TargetFileSize', 'long'],
  // Source file (copy, rename).
  ['SrcFileCreationTime', 'datetime'],
  ...typed('string', 'SrcFileDirectory SrcFileExtension SrcFileMimeType SrcFileName SrcFilePath SrcFilePathType SrcFileMD5 SrcFileSHA1 SrcFileSHA256 SrcFileSHA512'),
  ['SrcFileSize', 'long'],
  // Actor (User → ActorUsername) and acting process (Process → ActingProcessName).
  ...typed('string', `ActorUserId ActorScope ActorScopeId ActorUserIdType ActorUsername User ActorUsernameType ActorSessionId ActorUserType
    ActorOriginalUserType ActingProcessCommandLine ActingProcessName Process ActingProcessId ActingProcessGuid`),
  // Source system (IpAddr and Src → SrcIpAddr).
  ...typed('string', 'SrcIpAddr IpAddr Src'),
  ['SrcPortNumber', 'int'],
  ...typed('string', `SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDescription SrcDvcId SrcDvcScopeId SrcDvcScope SrcDvcIdType SrcDeviceType
    SrcGeoCountry SrcGeoRegion SrcGeoCity`),
  ...typed('real', 'SrcGeoLatitude SrcGeoLongitude'),
  // Acting application and target application (Application → TargetAppName, Url → TargetUrl).
  ...typed('string', `ActingAppName ActingAppId ActingAppType HttpUserAgent NetworkApplicationProtocol TargetAppName Application TargetAppId
    TargetAppType TargetOriginalAppType TargetUrl Url`),
  // Inspection.
  ['RuleName', 'string'],
  ['RuleNumber', 'int'],
  ...typed('string', 'Rule ThreatId ThreatName ThreatCategory'),
  ['ThreatRiskLevel', 'int'],
  ...typed('string', 'ThreatOriginalRiskLevel ThreatFilePath ThreatField'),
  ['ThreatConfidence', 'int'],
  ['ThreatOriginalConfidence', 'string'],
  ['ThreatIsActive', 'bool'],
  ...typed('datetime', 'ThreatFirstReportedTime ThreatLastReportedTime'),
  // Entity correlation.
  ...typed('string', 'ActingApplicationEntityKey ActingProcessEntityKey'),
  ['ActorUserAdditionalIds', 'dynamic'],
  ...typed('string', 'ActorUserEntityKey FileEntityKey SrcFileEntityKey SrcSystemEntityKey TargetApplicationEntityKey TargetFileEntityKey'),
];

const TCP_FLAGS = 'TcpFlagsAck TcpFlagsFin TcpFlagsSyn TcpFlagsUrg TcpFlagsPsh TcpFlagsRst TcpFlagsEce TcpFlagsCwr TcpFlagsNs';

/** The network session schema's fields (normalization-schema-network), after the common ones. */
const NETWORK_SESSION: KqlColumns = [
  ...COMMON,
  // Session (Duration → NetworkDuration, SessionId → NetworkSessionId).
  ...typed('string', 'NetworkApplicationProtocol NetworkProtocol NetworkProtocolVersion NetworkDirection'),
  ...typed('int', 'NetworkDuration Duration'),
  ['NetworkIcmpType', 'string'],
  ['NetworkIcmpCode', 'int'],
  ['NetworkConnectionHistory', 'string'],
  ...typed('long', 'DstBytes SrcBytes NetworkBytes DstPackets SrcPackets NetworkPackets'),
  ...typed('string', 'NetworkSessionId SessionId'),
  ...typed('bool', TCP_FLAGS),
  // Destination system (Dst; OuterVlanId → DstVlanId).
  ...typed('string', 'Dst DstIpAddr'),
  ['DstPortNumber', 'int'],
  ...typed('string', `DstHostname DstDomain DstDomainType DstFQDN DstDvcId DstDvcScopeId DstDvcScope DstDvcIdType DstDeviceType DstZone
    DstInterfaceName DstInterfaceGuid DstMacAddr DstVlanId OuterVlanId DstGeoCountry DstGeoRegion DstGeoCity`),
  ...typed('real', 'DstGeoLatitude DstGeoLongitude'),
  ['DstDescription', 'string'],
  // Destination user (User → DstUsername) and application (Process → DstProcessName).
  ...typed('string', `DstUserId DstUserScope DstUserScopeId DstUserIdType DstUsername User DstUsernameType DstUserType DstOriginalUserType
    DstAppName DstAppId DstAppType DstProcessName Process DstProcessId DstProcessGuid`),
  // Source system (Src; InnerVlanId → SrcVlanId).
  ...typed('string', 'Src SrcIpAddr'),
  ['SrcPortNumber', 'int'],
  ...typed('string', `SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDvcId SrcDvcScopeId SrcDvcScope SrcDvcIdType SrcDeviceType SrcZone
    SrcInterfaceName SrcInterfaceGuid SrcMacAddr SrcVlanId InnerVlanId SrcGeoCountry SrcGeoRegion SrcGeoCity`),
  ...typed('real', 'SrcGeoLatitude SrcGeoLongitude'),
  ['SrcDescription', 'string'],
  // Source user and application: the process that initiated the session.
  ...typed('string', `SrcUserId SrcUserScope SrcUserScopeId SrcUserIdType SrcUsername SrcUsernameType SrcUserType SrcOriginalUserType
    SrcAppName SrcAppId SrcAppType SrcProcessName SrcProcessId SrcProcessGuid`),
  // Hostname and IP address aliases.
  ...typed('string', 'Hostname IpAddr'),
  // Intermediary device and NAT.
  ['DstNatIpAddr', 'string'],
  ['DstNatPortNumber', 'int'],
  ['SrcNatIpAddr', 'string'],
  ['SrcNatPortNumber', 'int'],
  ...typed('string', 'DvcInboundInterface DvcOutboundInterface'),
  // Inspection.
  ['NetworkRuleName', 'string'],
  ['NetworkRuleNumber', 'int'],
  ...typed('string', 'Rule ThreatId ThreatName ThreatCategory'),
  ['ThreatRiskLevel', 'int'],
  ...typed('string', 'ThreatOriginalRiskLevel ThreatIpAddr ThreatField'),
  ['ThreatConfidence', 'int'],
  ['ThreatOriginalConfidence', 'string'],
  ['ThreatIsActive', 'bool'],
  ...typed('datetime', 'ThreatFirstReportedTime ThreatLastReportedTime'),
  // Other.
  ...typed('string', 'ASimMatchingIpAddr ASimMatchingHostname'),
];

const STARTTIME = ['starttime', 'datetime', 'datetime(null)'] as const;
const ENDTIME = ['endtime', 'datetime', 'datetime(null)'] as const;
const anyOf = (name: string) => [name, 'dynamic', 'dynamic([])'] as const;

/** The ASIM unifying parsers (built into every Microsoft Sentinel workspace) the `asim` schema set declares. */
export const ASIM_FUNCTIONS: readonly KqlTableFunction[] = [
  {
    name: '_Im_ProcessCreate',
    parameters: [
      STARTTIME,
      ENDTIME,
      anyOf('commandline_has_any'),
      anyOf('commandline_has_all'),
      anyOf('commandline_has_any_ip_prefix'),
      anyOf('actingprocess_has_any'),
      anyOf('targetprocess_has_any'),
      anyOf('parentprocess_has_any'),
      ['targetusername_has', 'string', "'*'"],
      ['actorusername_has', 'string', "'*'"],
      anyOf('dvcipaddr_has_any_prefix'),
      anyOf('dvchostname_has_any'),
      anyOf('hashes_has_any'),
      ['eventtype', 'string', "'*'"],
    ],
    columns: PROCESS_EVENT,
  },
  {
    name: '_Im_FileEvent',
    parameters: [
      STARTTIME,
      ENDTIME,
      anyOf('eventtype_in'),
      anyOf('srcipaddr_has_any_prefix'),
      anyOf('actorusername_has_any'),
      anyOf('targetfilepath_has_any'),
      anyOf('srcfilepath_has_any'),
      anyOf('hashes_has_any'),
      anyOf('dvchostname_has_any'),
    ],
    columns: FILE_EVENT,
  },
  {
    name: '_Im_NetworkSession',
    parameters: [
      STARTTIME,
      ENDTIME,
      anyOf('srcipaddr_has_any_prefix'),
      anyOf('dstipaddr_has_any_prefix'),
      anyOf('ipaddr_has_any_prefix'),
      ['dstportnumber', 'int', 'int(null)'],
      anyOf('hostname_has_any'),
      anyOf('dvcaction'),
      ['eventresult', 'string', "'*'"],
    ],
    columns: NETWORK_SESSION,
  },
];

/**
 * What the schemas define from other fields, per parser: an alias holds the value of the field it
 * aliases (the schema pages' Alias rows), and a file-name field the last path component of its path
 * field ("the file name part of …, without folder information"). The rows (rows.ts) fill these from
 * the mapped fields; an alias whose field the profile leaves empty stays empty.
 */
export interface AsimDerived {
  /** Alias column → the column it aliases. */
  readonly aliases: Readonly<Record<string, string>>;
  /** File-name column → the path column whose last component it holds. */
  readonly fileNames: Readonly<Record<string, string>>;
}

export const ASIM_DERIVED: Readonly<Record<string, AsimDerived>> = {
  _Im_ProcessCreate: {
    aliases: { Dvc: 'DvcHostname', User: 'TargetUsername', Process: 'TargetProcessName', CommandLine: 'TargetProcessCommandLine' },
    fileNames: { TargetProcessFilename: 'TargetProcessName', ActingProcessFilename: 'ActingProcessName' },
  },
  _Im_FileEvent: {
    aliases: { Dvc: 'DvcHostname', User: 'ActorUsername', Process: 'ActingProcessName', FilePath: 'TargetFilePath' },
    fileNames: { TargetFileName: 'TargetFilePath', FileName: 'TargetFilePath' },
  },
  _Im_NetworkSession: {
    aliases: { Dvc: 'DvcHostname', User: 'DstUsername', Process: 'DstProcessName', Dst: 'DstIpAddr' },
    fileNames: {},
  },
};

/**
 * What a row states by construction, per parser: the event type the parser reports for the canonical
 * log source (a process creation; a file created, as Sysmon's FileCreate; a connection reported by
 * the endpoint that made it), the schema name, and for connections the direction the mapping reads
 * (the canonical network fields describe connections the host initiated).
 */
export const ASIM_FACTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  _Im_ProcessCreate: { EventType: 'ProcessCreated', EventSchema: 'ProcessEvent', EventResult: 'Success' },
  _Im_FileEvent: { EventType: 'FileCreated', EventSchema: 'FileEvent', EventResult: 'Success' },
  _Im_NetworkSession: { EventType: 'EndpointNetworkSession', EventSchema: 'NetworkSession', EventResult: 'Success', NetworkDirection: 'Outbound' },
};
