/** Sigma has one profile: the Sigma taxonomy itself (field names as in the model, absent = missing). */
import type { ProfileBase } from '../types.js';
import { taxonomyFields } from '../fields.js';

export interface SigmaProfile extends ProfileBase {
  readonly product: string;
}

export const taxonomy: SigmaProfile = {
  id: 'taxonomy',
  description: 'Sigma rules in the Sigma taxonomy (process_creation, file_event; product linux)',
  fields: { process_creation: taxonomyFields('process_creation'), file_event: taxonomyFields('file_event') },
  placeholders: [],
  product: 'linux',
};

export const sigmaProfiles: readonly SigmaProfile[] = [taxonomy];
