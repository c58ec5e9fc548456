// Canonical fields per log source, for the generated schemas. Mirrors CANONICAL_FIELDS in
// src/model/types.ts (a test keeps the two equal).
export const CATEGORIES = {
  process_creation: ['Image', 'CommandLine', 'ParentImage', 'ParentCommandLine', 'User', 'CurrentDirectory', 'Host'],
  file_event: ['TargetFilename', 'Image', 'User', 'Host'],
  network_connection: ['Image', 'User', 'Host', 'DestinationIp', 'DestinationHostname', 'DestinationPort', 'Initiated', 'ParentImage'],
  k8s_audit: ['Verb', 'ObjectResource', 'ObjectNamespace', 'User', 'ContainerImage'],
};
export const ALL_FIELDS = [...new Set(Object.values(CATEGORIES).flat())];
