/** Sigma has one profile: the Sigma taxonomy itself (field names as in the model, absent = missing). */
import type { ProfileBase } from '../types.js';

export interface SigmaProfile extends ProfileBase {
  readonly product: string;
}

export const taxonomy: SigmaProfile = {
  id: 'taxonomy',
  description: 'Sigma rules in the Sigma taxonomy (process_creation, product linux)',
  fields: {
    Image: 'Image',
    CommandLine: 'CommandLine',
    ParentImage: 'ParentImage',
    ParentCommandLine: 'ParentCommandLine',
    User: 'User',
    CurrentDirectory: 'CurrentDirectory',
  },
  placeholders: [],
  categories: ['process_creation'],
  product: 'linux',
};

export const sigmaProfiles: readonly SigmaProfile[] = [taxonomy];
