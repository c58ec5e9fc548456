/**
 * Kubernetes audit tables a schema set has beside the Device tables of
 * ../shared/reference/defender-tables.json (which lists none), declared for Kusto.Language
 * (kusto.ts) and the KQL evaluator like asim-tables.ts declares the ASIM parsers.
 *
 * `AKSAuditAdmin` (sentinel): Azure Kubernetes Service's Kubernetes API server audit log in
 * resource-specific mode, "excluding events with the get and list verbs" (so every pod create is
 * there). It exists in a Log Analytics workspace whose AKS diagnostic setting sends the
 * `kube-audit-admin` category to the resource-specific destination table. Columns (name, type) in
 * the order the reference lists them, from
 * https://learn.microsoft.com/azure/azure-monitor/reference/tables/aksauditadmin (source:
 * MicrosoftDocs/azure-reference-other, azure-monitor-ref/tables/aksauditadmin.md). What an event
 * says sits in dynamic columns: `ObjectRef` (the object reference: resource, namespace, name, …),
 * `User` (username, groups, …) and `RequestObject` (the request's Kubernetes API object, or the string
 * "skipped-too-big-size-object"); profiles read them through column paths (profiles.ts).
 *
 * Defender advanced hunting has no Kubernetes audit table, nor do the ASIM parsers the `asim` set
 * reads, so those sets declare none.
 */
import type { KqlColumns } from './rows.js';

export const AKS_AUDIT_ADMIN: KqlColumns = [
  ['Annotations', 'dynamic'],
  ['AuditId', 'string'],
  ['_BilledSize', 'real'],
  ['_IsBillable', 'string'],
  ['Level', 'string'],
  ['ObjectRef', 'dynamic'],
  ['PodName', 'string'],
  ['RequestObject', 'dynamic'],
  ['RequestReceivedTime', 'datetime'],
  ['RequestUri', 'string'],
  ['_ResourceId', 'string'],
  ['ResponseObject', 'dynamic'],
  ['ResponseStatus', 'dynamic'],
  ['SourceIps', 'dynamic'],
  ['SourceSystem', 'string'],
  ['Stage', 'string'],
  ['StageReceivedTime', 'datetime'],
  ['_SubscriptionId', 'string'],
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Type', 'string'],
  ['User', 'dynamic'],
  ['UserAgent', 'string'],
  ['Verb', 'string'],
];
