/**
 * Sigma has one profile: the Sigma taxonomy itself (field names as in the model, absent = missing;
 * Kubernetes audit events under the audit event's own JSON field names, as SigmaHQ's
 * rules/application/kubernetes/audit rules write them).
 */
import type { LogsourceCategory } from '../../model/types.js';
import type { ProfileBase } from '../types.js';
import { bundledProfiles } from '../../profiles/load.js';

/** A Sigma logsource as written into a document. */
export interface SigmaLogsource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
}

export interface SigmaProfile extends ProfileBase {
  /** The logsource product of every log source without its own `logsources` entry. */
  readonly product: string;
  /** Per log source, its logsource when it is not `{category, product}` (k8s_audit: product kubernetes, service audit). */
  readonly logsources?: Readonly<Partial<Record<LogsourceCategory, SigmaLogsource>>>;
}

/** The logsource of a document about this log source: the profile's entry for it, else its category and the profile's product. */
export function sigmaLogsource(profile: SigmaProfile, category: LogsourceCategory): SigmaLogsource {
  const own = profile.logsources?.[category];
  return own ? { ...own } : { category, product: profile.product };
}

/** The bundled Sigma profiles (profiles/sigma/*.yml). */
export const sigmaProfiles = bundledProfiles().sigma as readonly SigmaProfile[];

export const taxonomy: SigmaProfile = sigmaProfiles.find((p) => p.id === 'taxonomy')!;
