/** Sigma has one profile: the Sigma taxonomy itself (field names as in the model, absent = missing). */
import type { ProfileBase } from '../types.js';
import { bundledProfiles } from '../../profiles/load.js';

export interface SigmaProfile extends ProfileBase {
  readonly product: string;
}

/** The bundled Sigma profiles (profiles/sigma/*.yml). */
export const sigmaProfiles = bundledProfiles().sigma as readonly SigmaProfile[];

export const taxonomy: SigmaProfile = sigmaProfiles.find((p) => p.id === 'taxonomy')!;
