/**
 * How long a client may hold a connection: to send its headers, to send its
 * whole request, and idle between requests. Without these bounds a client
 * that announces a body and never sends it holds its socket until Node's
 * 5-minute request timeout, and a few hundred such clients hold the server.
 * Requests refused by Node's HTTP parser (headers too large, a bad
 * Content-Length, a timeout) are answered here with a problem document.
 */
import type { ServerOptions } from "node:http";
import type { Socket } from "node:net";
import { SealTrailError } from "@sealtrail/core";
import { rawProblemResponse } from "./problem.js";

/** Time limits of a connection, in milliseconds. */
export interface ConnectionTimeouts {
  /** Time to receive a request's headers, from its first byte (default 10 s). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, headers and body (default 30 s; at least the headers timeout). */
  readonly requestTimeoutMs?: number;
  /** Time an idle keep-alive connection stays open after a response (default 5 s). */
  readonly keepAliveTimeoutMs?: number;
}

/** Defaults of {@link ConnectionTimeouts}. */
export const DEFAULT_TIMEOUTS: Readonly<Required<ConnectionTimeouts>> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

// Node's timers hold at most a signed 32-bit count of milliseconds.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The options of Fastify and of its Node HTTP server that enforce `t`. */
export interface ServerTimeoutOptions {
  readonly http: ServerOptions;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
}

function checkTimeout(name: keyof ConnectionTimeouts, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1 || v > MAX_TIMEOUT_MS) {
    throw new SealTrailError("invalid", `${name}: a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return v;
}

/**
 * Server options for the timeouts `t` (defaults filled in). Raises
 * `invalid` for a timeout that is not a positive whole number of
 * milliseconds, or a headers timeout above the request timeout (the
 * headers are part of the request).
 */
export function serverTimeoutOptions(t: ConnectionTimeouts): ServerTimeoutOptions {
  const headers = checkTimeout("headersTimeoutMs", t.headersTimeoutMs ?? Math.min(DEFAULT_TIMEOUTS.headersTimeoutMs, t.requestTimeoutMs ?? Infinity));
  const request = checkTimeout("requestTimeoutMs", t.requestTimeoutMs ?? Math.max(DEFAULT_TIMEOUTS.requestTimeoutMs, headers));
  const keepAlive = checkTimeout("keepAliveTimeoutMs", t.keepAliveTimeoutMs ?? DEFAULT_TIMEOUTS.keepAliveTimeoutMs);
  if (headers > request) throw new SealTrailError("invalid", `headersTimeoutMs (${headers}) may not exceed requestTimeoutMs (${request})`);
  return {
    http: {
      headersTimeout: headers,
      requestTimeout: request,
      // Node looks for expired headers and requests only this often (default
      // every 30 s, which would let a 10 s limit run to 40 s): a tenth of the
      // shorter limit, between 10 ms and 1 s. Only settable at creation.
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(Math.min(headers, request) / 10))),
    },
    // Fastify sets the server's requestTimeout from its own option (0, none, by default).
    requestTimeout: request,
    keepAliveTimeout: keepAlive,
  };
}

/** The error of a request that Node's HTTP parser refused (the codes are llhttp's and Node's). */
export function clientErrorOf(err: { code?: string }): SealTrailError {
  switch (err.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new SealTrailError("request_timeout", "the request was not received whole in time");
    case "HPE_HEADER_OVERFLOW":
      return new SealTrailError("headers_too_large", "the request line and headers are over the server's size limit");
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return new SealTrailError("too_large", "chunk extensions are over the server's size limit");
    case "HPE_INVALID_CONTENT_LENGTH":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return new SealTrailError("malformed", "Content-Length: not a valid length (RFC 9110 §8.6)");
    default:
      return new SealTrailError("malformed", "the request is not valid HTTP/1.1 (RFC 9112)");
  }
}

/**
 * Fastify's `clientErrorHandler`: answer on the raw socket with a problem
 * document, unless the socket is gone or a response has begun on it (a
 * second status line would corrupt it), then close it, as Node's own
 * handler does.
 */
export function onClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  // Node's socket keeps the response it is writing as _httpMessage (lib/_http_server.js socketOnError).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && inFlight?.headersSent !== true) socket.write(rawProblemResponse(clientErrorOf(err)));
  socket.destroy();
}
