/** Every semantic check, in the order they run. A new check: its file, its test, one line here. */
import type { RuleCheck } from './types.js';
import { duplicateIdentity } from './duplicate-identity.js';
import { tierOrder } from './tier-order.js';
import { unknownSignal } from './unknown-signal.js';
import { portableRegex } from './portable-regex.js';
import { caseFolding } from './case-folding.js';
import { fieldCategory } from './field-category.js';
import { unreachableThreshold } from './unreachable-threshold.js';
import { unreachableTier } from './unreachable-tier.js';
import { signalWithoutEffect } from './signal-without-effect.js';
import { sigmaSize } from './sigma-size.js';
import { unknownList } from './unknown-list.js';
import { fieldKind } from './field-kind.js';
import { imageOptions } from './image-options.js';
import { outputLineage } from './output-lineage.js';

export const ruleChecks: readonly RuleCheck[] = [
  duplicateIdentity, // rule ids and names are unique; name = file name
  tierOrder, // unique tier names and signal ids; one default tier, last
  unknownSignal, // tier conditions name defined signals
  portableRegex, // regexes stay in the subset every engine reads alike
  caseFolding, // case-insensitive values are ASCII letters only
  fieldCategory, // predicates read fields of the rule's log source
  fieldKind, // numbers for numeric fields, networks for address fields
  unknownList, // named allowlists are declared
  imageOptions, // an image helper's option is either value-taking or boolean, not both
  outputLineage, // an alert's message tokens, entities and details are outputs of the results
  unreachableThreshold, // threshold <= sum of weights
  unreachableTier, // every tier can be reached
  signalWithoutEffect, // every signal can change the outcome
  sigmaSize, // the Sigma expansion stays within SIGMA_MAX_TERMS
];

export type { RuleCheck, CheckContext } from './types.js';
