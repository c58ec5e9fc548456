/** The SPL evaluator's errors, shared by evaluate.ts and lookup.ts. */
import { UnsupportedConstruct } from '../evaluation.js';

/** The text is not valid SPL (as opposed to valid SPL this evaluator does not implement). */
export class SplQueryError extends Error {
  constructor(message: string) {
    super(`spl: ${message}`);
    this.name = 'SplQueryError';
  }
}

export const unsupported = (what: string): never => {
  throw new UnsupportedConstruct('spl', what);
};
export const invalid = (what: string): never => {
  throw new SplQueryError(what);
};
