/**
 * Executing emitted queries. No Splunk or Sentinel runs here, so each target carries an evaluator
 * (`src/backends/<target>/evaluate.ts`) that executes **the emitted query text** over rows shaped
 * as that target's telemetry, following ../shared/reference/semantics.md. They stand in for the real
 * engines; the conformance suite pins each documented behaviour they rely on.
 *
 * An evaluator never consults the IR: it sees only the files `compile` wrote. When it meets a
 * command, function, operator or regex construct it does not implement, it throws
 * `UnsupportedConstruct` naming it; it never guesses.
 */
import type { CanonicalEvent } from '../ir/evaluate.js';
import type { EmittedFile, ProfileBase, ProfileView, TargetId } from './types.js';
import type { LogsourceCategory } from '../model/types.js';
import type { ChainResult } from '../ir/correlation.js';

/** A target-shaped event: a Splunk event, a KQL table row, a Sigma (taxonomy) log record. */
export type Row = Readonly<Record<string, unknown>>;

/** One result row, read back into the model's terms. */
export interface TargetResult {
  /** The row as the query output it. */
  readonly row: Row;
  readonly tier: string | null;
  readonly action: string | null;
  /** Absent for targets without scores (Sigma). */
  readonly score?: number;
  /** Signal id → holds, for targets that output flags. */
  readonly signals?: Readonly<Record<string, boolean>>;
}

export interface CompiledQuery {
  /** Run the query over rows (in order); returns the result rows. */
  run(rows: readonly Row[]): TargetResult[];
  /** The emitted expression behind a signal, for explaining disagreements. */
  signalExpression(signalId: string): string | undefined;
}

export interface QueryEvaluator<P extends ProfileBase = ProfileBase> {
  readonly target: TargetId;
  /** The row this profile's telemetry would hold for a canonical event of the view's log source. */
  toRow(event: CanonicalEvent, profile: ProfileView<P>): Row;
  /**
   * Parse the emitted query for one rule (`query`) with the profile's shared files (macros.conf)
   * into an executable form, once.
   */
  compile(query: EmittedFile, shared: readonly EmittedFile[], profile: ProfileView<P>): CompiledQuery;
  /** Parse an emitted correlation query (with the profile's shared files) once. */
  compileCorrelation?(query: EmittedFile, shared: readonly EmittedFile[], profile: P): CompiledCorrelation;
}

/** One row of a stream, with the log source it belongs to (the KQL table, the Splunk sourcetype…). */
export interface StreamRow {
  readonly category: LogsourceCategory;
  readonly row: Row;
}

/**
 * A correlation query compiled by a target's evaluator. `run` takes every event row of the stream
 * (already in this profile's shapes, in any order) and returns the chains the query reports, read
 * back into the model's terms: group values keyed by canonical field, start and end in epoch seconds.
 */
export interface CompiledCorrelation {
  run(rows: readonly StreamRow[]): ChainResult[];
}

export class UnsupportedConstruct extends Error {
  constructor(
    readonly target: TargetId,
    readonly construct: string,
  ) {
    super(`${target} evaluator does not implement ${construct}`);
    this.name = 'UnsupportedConstruct';
  }
}
