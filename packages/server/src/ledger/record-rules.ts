/**
 * The seam through which record types get rules of their own (the SMS
 * records' schemas, versions, references and workflows, in ../sms/): the
 * ledger calls it for every record it is sent, before anything is stored.
 */
import type { CheckedSubmission } from "./submission.js";

/** One way a payload breaks its type's rules: the field as a JSON Pointer into the payload, and why. */
export interface PayloadProblem {
  readonly pointer: string;
  readonly message: string;
}

/**
 * Where a worker thread finds `validate`: a module of plain JavaScript and
 * its export, the same function. The ledger then runs the schema check in
 * the verifier's workers, beside each record's signature check.
 */
export interface WorkerValidator {
  /** URL of the built module. */
  readonly url: string;
  /** The export: `(type, payload) => PayloadProblem[]`, as `validate`. */
  readonly name: string;
  /** Whether `validate` can find problems with a payload of `type` (no other payload is sent to a worker). */
  appliesTo(type: string): boolean;
  /**
   * An export `(type, payload) => facts` the worker runs on each payload
   * without problems: what checkRequest reads of it (structured-cloneable),
   * handed over as CheckedSubmission.facts so that the appending thread
   * need not parse the payload again.
   */
  readonly facts?: string;
}

/** Rules of record types beyond the envelope's. */
export interface RecordRules {
  /** Problems of a payload of `type` against its schema; empty when valid (or when the type has none). */
  validate(type: string, payload: Readonly<Record<string, unknown>>): PayloadProblem[];
  /** The same `validate` for worker threads; without it, `validate` runs on the appending thread. */
  readonly validator?: WorkerValidator;
  /** The record series a record is a version of (store/types.ts PendingEntry.series), or null. */
  seriesOf(type: string, payload: Readonly<Record<string, unknown>> | null): string | null;
  /**
   * Checks of a request's records against the vault as stored, and against
   * each other (references, workflow steps, who answers for what). Throws a
   * SealTrailError naming the record and the field.
   */
  checkRequest(vault: string, records: readonly CheckedSubmission[]): Promise<void>;
}

/** No rules beyond the envelope's: any payload, no series. */
export const NO_RECORD_RULES: RecordRules = {
  validate: () => [],
  seriesOf: () => null,
  checkRequest: async () => {},
};
