/**
 * RFC 9457 problem documents: every error the HTTP server gives, whether a
 * route threw it, Fastify raised it or Node's HTTP parser refused the
 * request before Fastify saw it, is `application/problem+json` with a
 * stable `code`. The status comes from the one table (status.ts).
 */
import type { FastifyError, FastifyReply } from "fastify";
import { ERROR_CODES, SealTrailError, type ErrorCode } from "@sealtrail/core";
import { STATUS_OF, TITLE_OF } from "./status.js";

/** Problem type URI base of SealTrail's errors (RFC 9457 §3.1.1). */
export const PROBLEM_TYPE_BASE = "https://sealtrail.dev/problems/";

/** The problem document of an error (RFC 9457 §3); `instance` is the request path (its query left out). */
export function problemDocument(e: SealTrailError, instance?: string): Record<string, unknown> {
  const status = STATUS_OF[e.code];
  return {
    type: PROBLEM_TYPE_BASE + e.code,
    title: TITLE_OF[e.code],
    status,
    detail: e.message,
    ...(instance !== undefined ? { instance: instance.split("?")[0] } : {}),
    code: e.code,
    ...(e.detail !== undefined ? { errors: e.detail } : {}),
  };
}

/** Answer a request with the problem document of `e`. */
export function sendProblem(reply: FastifyReply, e: SealTrailError, instance: string): void {
  if (e.code === "unavailable" || e.code === "rate_limited") reply.header("retry-after", String(e.detail?.retryAfter ?? 1));
  void reply.status(STATUS_OF[e.code]).type("application/problem+json").send(problemDocument(e, instance));
}

/**
 * A whole HTTP/1.1 response carrying the problem document of `e`, for a
 * socket that Node's parser gave up on (no request object exists to answer
 * through). It closes the connection: what follows on the socket cannot be
 * framed any more.
 */
export function rawProblemResponse(e: SealTrailError): string {
  const status = STATUS_OF[e.code];
  // No instance: the parser gave up before the request target could be trusted.
  const body = JSON.stringify(problemDocument(e));
  return (
    `HTTP/1.1 ${status} ${TITLE_OF[e.code]}\r\n` +
    "Content-Type: application/problem+json\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n\r\n" +
    body
  );
}

/** Map any thrown value to a SealTrailError (Fastify's own errors by their code). */
export function toSealTrailError(err: unknown): SealTrailError {
  if (err instanceof SealTrailError) return err;
  const fe = err as Partial<FastifyError> & { validation?: unknown };
  if (fe.validation !== undefined) return new SealTrailError("malformed", fe.message ?? "request does not match its schema");
  switch (fe.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new SealTrailError("too_large", "request body is too large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new SealTrailError("malformed", fe.message ?? "bad request body");
    case "FST_ERR_BAD_URL":
      return new SealTrailError("malformed", "the request path is not validly percent-encoded (RFC 3986 §2.1)");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new SealTrailError("uri_too_long", "a path parameter of the request is over the length limit");
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = (Object.entries(STATUS_OF).find(([, s]) => s === fe.statusCode)?.[0] ?? "malformed") as ErrorCode;
    return new SealTrailError(ERROR_CODES.includes(code) ? code : "malformed", fe.message ?? "bad request");
  }
  return new SealTrailError("internal", "internal error", { cause: err });
}

/**
 * The error of a request that appends one record: a refused batch's
 * per-record results add nothing to its message, so they are left out of
 * the problem (the error stays the cause).
 */
export function oneRecordError(e: unknown): never {
  if (e instanceof SealTrailError && e.detail?.results !== undefined) throw new SealTrailError(e.code, e.message, { cause: e });
  throw e;
}
