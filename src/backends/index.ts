/** The target registry: adding a target is one folder under src/backends/ and one line here. */
import type { Target, TargetId } from './types.js';
import { splTarget } from './spl/index.js';
import { kqlTarget } from './kql/index.js';
import { sigmaTarget } from './sigma/index.js';

export const targets: Readonly<Record<TargetId, Target<any>>> = {
  spl: splTarget,
  kql: kqlTarget,
  sigma: sigmaTarget,
};

export const TARGET_IDS = Object.keys(targets) as TargetId[];
export type { Target, TargetId } from './types.js';
