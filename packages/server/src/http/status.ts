/**
 * The one place where an HTTP status is decided: every SealTrailError code
 * maps to exactly one status (the Record type makes the table exhaustive).
 */
import type { ErrorCode } from "@sealtrail/core";

export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  malformed: 400,
  invalid: 422,
  bad_signature: 422,
  unknown_key: 422,
  bad_proof: 422,
  inconsistent: 409,
  not_found: 404,
  conflict: 409,
  // RFC 9110 §15.5.11, §15.5.17.
  gone: 410,
  range_not_satisfiable: 416,
  too_large: 413,
  unavailable: 503,
  rate_limited: 429,
  // RFC 9110 §15.5.9, §15.5.15; RFC 6585 §5.
  request_timeout: 408,
  uri_too_long: 414,
  headers_too_large: 431,
  unauthorized: 401,
  forbidden: 403,
  internal: 500,
};

/** Human titles of RFC 9457 problem documents, one per code. */
export const TITLE_OF: Readonly<Record<ErrorCode, string>> = {
  malformed: "Malformed request",
  invalid: "Invalid request",
  bad_signature: "Signature does not verify",
  unknown_key: "Unknown or revoked key",
  bad_proof: "Proof does not verify",
  inconsistent: "Inconsistent log views",
  not_found: "Not found",
  conflict: "Conflict",
  gone: "Gone",
  range_not_satisfiable: "Range not satisfiable",
  too_large: "Too large",
  unavailable: "Service busy",
  rate_limited: "Too many requests",
  request_timeout: "Request timeout",
  uri_too_long: "URI too long",
  headers_too_large: "Request header fields too large",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  internal: "Internal error",
};
