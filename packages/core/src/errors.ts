/**
 * The one error class of SealTrail. Every failure that crosses a module
 * boundary is a SealTrailError with a code from {@link ErrorCode}; the HTTP
 * layer maps each code to a status in one exhaustive table.
 *
 * @example
 * ```ts
 * throw new SealTrailError("malformed", "checkpoint: missing root hash line");
 * ```
 */
export type ErrorCode =
  /** Input bytes or JSON that do not parse as the expected format. */
  | "malformed"
  /** Input that parses but breaks a rule (schema, size, range). */
  | "invalid"
  /** A signature that does not verify. */
  | "bad_signature"
  /** A key that is unknown, not registered or not valid for the entry. */
  | "unknown_key"
  /** A Merkle proof that does not verify. */
  | "bad_proof"
  /** Two views of the log that cannot both be true. */
  | "inconsistent"
  /** Something asked for does not exist. */
  | "not_found"
  /** A write that conflicts with stored state. */
  | "conflict"
  /** Something that existed and was removed for good (an erased file's bytes). */
  | "gone"
  /** A byte range outside the resource (HTTP Range). */
  | "range_not_satisfiable"
  /** A request body or item over its size limit. */
  | "too_large"
  /** The service is busy: retry later (pushback). */
  | "unavailable"
  /** Too many requests from one credential: retry later. */
  | "rate_limited"
  /** A request not received whole in time (its headers or its body). */
  | "request_timeout"
  /** A request target over the server's length limit (a path segment...). */
  | "uri_too_long"
  /** Request headers (or request line) over the server's size limit. */
  | "headers_too_large"
  /** Missing or wrong credentials. */
  | "unauthorized"
  /** Valid credentials without the needed permission. */
  | "forbidden"
  /** A bug or a broken invariant on our side. */
  | "internal";

export const ERROR_CODES: readonly ErrorCode[] = [
  "malformed",
  "invalid",
  "bad_signature",
  "unknown_key",
  "bad_proof",
  "inconsistent",
  "not_found",
  "conflict",
  "gone",
  "range_not_satisfiable",
  "too_large",
  "unavailable",
  "rate_limited",
  "request_timeout",
  "uri_too_long",
  "headers_too_large",
  "unauthorized",
  "forbidden",
  "internal",
];

/**
 * Error raised by every SealTrail module.
 *
 * @example
 * ```ts
 * try { parseCheckpoint(text); } catch (e) {
 *   if (e instanceof SealTrailError && e.code === "malformed") console.log(e.message);
 * }
 * ```
 */
export class SealTrailError extends Error {
  override readonly name = "SealTrailError";
  readonly code: ErrorCode;
  /** Optional machine-readable detail (evidence, offending field, retry hint). */
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; detail?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options?.detail;
  }
}

/**
 * Shorthand for a `malformed` error, the most common one in parsers.
 *
 * @example
 * ```ts
 * if (lines.length < 3) throw malformed("checkpoint: too few lines");
 * ```
 */
export function malformed(message: string, cause?: unknown): SealTrailError {
  return new SealTrailError("malformed", message, cause === undefined ? undefined : { cause });
}

/**
 * True when `e` is a SealTrailError, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isSealTrailError(e, "not_found")) return null;
 * ```
 */
export function isSealTrailError(e: unknown, code?: ErrorCode): e is SealTrailError {
  return e instanceof SealTrailError && (code === undefined || e.code === code);
}
