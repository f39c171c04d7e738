/**
 * Every error the HTTP server gives is an RFC 9457 problem document with a
 * stable code: numbers in paths and query strings out of range (on both
 * engines: an index at the edge of int64 once reached the stores and came
 * back as a 500), and requests refused by Fastify's router or by Node's
 * HTTP parser, the latter over a real socket on loopback since inject
 * bypasses the parser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { MAX_INDEX } from "../src/http/params.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";
import { rawRequest, type RawResponse } from "./helpers/raw-http.js";

const INT64_MAX = "9223372036854775807";
const SAFE_MAX = MAX_INDEX.toString();
const cursorOf = (index: string) => Buffer.from(`i${index}`).toString("base64url");
const CUSTODY = "/v1/vaults/default/custody/urn:epc:id:sscc:0614141.1234567890";

// [method, url, status, code, the parameter the problem names]
const OUT_OF_RANGE: [string, string, number, string, string][] = [
  ["GET", `/v1/vaults/default/records/${INT64_MAX}`, 422, "invalid", "index"],
  ["GET", `/v1/vaults/default/records/${INT64_MAX}/versions`, 422, "invalid", "index"],
  ["GET", "/v1/vaults/default/records/18446744073709551616", 422, "invalid", "index"],
  ["GET", `/v1/vaults/default/records/${MAX_INDEX + 1n}`, 422, "invalid", "index"],
  ["GET", "/v1/vaults/default/records/-1", 400, "malformed", "index"],
  ["GET", "/v1/vaults/default/records/1e3", 400, "malformed", "index"],
  ["GET", "/v1/vaults/default/records/0x10", 400, "malformed", "index"],
  // The cursor of the brief: base64url of "i9223372036854775808", 2^63.
  ["GET", "/v1/vaults/default/records?cursor=aTkyMjMzNzIwMzY4NTQ3NzU4MDg", 400, "malformed", "cursor"],
  ["GET", `/v1/vaults/default/records?cursor=${cursorOf(INT64_MAX)}`, 400, "malformed", "cursor"],
  ["GET", `/v1/vaults/default/records?cursor=${cursorOf(String(MAX_INDEX + 1n))}`, 400, "malformed", "cursor"],
  ["GET", `/v1/vaults/default/records?limit=${INT64_MAX}`, 422, "invalid", "limit"],
  ["GET", "/v1/vaults/default/records?limit=1001", 422, "invalid", "limit"],
  ["GET", `/v1/vaults/default/proofs/inclusion?index=${INT64_MAX}`, 422, "invalid", "index"],
  ["GET", `/v1/vaults/default/proofs/inclusion?index=0&size=${INT64_MAX}`, 422, "invalid", "size"],
  ["GET", `/v1/vaults/default/proofs/consistency?from=${INT64_MAX}&to=1`, 422, "invalid", "from"],
  ["GET", `/v1/vaults/default/proofs/consistency?from=1&to=18446744073709551615`, 422, "invalid", "to"],
  ["GET", `/v1/vaults/default/anchors?size=${INT64_MAX}`, 422, "invalid", "size"],
  ["GET", "/v1/vaults/default/anchors?size=99999999999999999999999", 422, "invalid", "size"],
  ["GET", `/v1/vaults/default/epcis/events?nextPageToken=${INT64_MAX}`, 400, "malformed", "nextPageToken"],
  ["GET", "/v1/vaults/default/epcis/events?nextPageToken=99999999999999999999", 400, "malformed", "nextPageToken"],
  ["GET", "/v1/vaults/default/epcis/events?perPage=99999999999999999999", 400, "malformed", "perPage"],
  ["GET", `/v1/vaults/default/epcis/epcs/urn:epc:id:sscc:0614141.1234567890/events?nextPageToken=${INT64_MAX}`, 400, "malformed", "nextPageToken"],
  ["GET", `${CUSTODY}?maxGapHours=1e400`, 422, "invalid", "maxGapHours"],
  ["GET", `${CUSTODY}?maxGapHours=1000001`, 422, "invalid", "maxGapHours"],
  ["GET", `${CUSTODY}?maxGapHours=0`, 422, "invalid", "maxGapHours"],
  ["GET", `${CUSTODY}?maxGapHours=-1`, 400, "malformed", "maxGapHours"],
  ["GET", `${CUSTODY}?maxGapHours=0x10`, 400, "malformed", "maxGapHours"],
  ["GET", `${CUSTODY}?maxGapHours=Infinity`, 400, "malformed", "maxGapHours"],
  ["POST", `/v1/vaults/default/records/${INT64_MAX}/redact`, 422, "invalid", "index"],
  ["POST", "/v1/vaults/default/records/99999999999999999999/redact", 422, "invalid", "index"],
];

// Numbers at the top of the range: answered without a 500 (the store sees index + 1 = 2^53).
const AT_THE_EDGE: [string, string, number][] = [
  ["GET", `/v1/vaults/default/records/${SAFE_MAX}`, 404],
  ["GET", `/v1/vaults/default/records/${SAFE_MAX}/versions`, 404],
  ["GET", `/v1/vaults/default/records?cursor=${cursorOf(SAFE_MAX)}`, 200],
  ["GET", `/v1/vaults/default/anchors?size=${SAFE_MAX}`, 200],
  ["GET", `/v1/vaults/default/epcis/events?nextPageToken=${SAFE_MAX}`, 200],
  ["GET", `${CUSTODY}?maxGapHours=1000000`, 200],
  ["GET", `${CUSTODY}?maxGapHours=1e-7`, 200],
  ["POST", `/v1/vaults/default/records/${SAFE_MAX}/redact`, 404],
  // C2SP tlog-tiles paths with the longest index: beyond the tree.
  ["GET", "/v1/vaults/default/tile/0/x999/x999/x999/x999/x999/x999/999", 0],
  ["GET", "/v1/vaults/default/tile/entries/x999/x999/x999/x999/x999/x999/999", 0],
  ["GET", "/v1/vaults/default/tile/0/x009/x007/x199/x254/x740/991", 0],
];

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const p = JSON.parse(res.body) as Record<string, unknown>;
  expect(p.code).toBe(code);
  expect(p.status).toBe(status);
  expect(p.type).toBe(`https://sealtrail.dev/problems/${code}`);
  return p;
}

for (const engine of ENGINES) {
  describe(`numeric parameters out of range are 4xx problems (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let headers: { authorization: string };

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      const { token } = await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null });
      headers = { authorization: `Bearer ${token}` };
      await log.ctx.ledger.append("default", [log.submission({ n: 1 })]);
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    it.each(OUT_OF_RANGE)("%s %s: %i %s naming %s", async (method, url, status, code, parameter) => {
      const res = await app.inject({ method: method as "GET" | "POST", url, headers, ...(method === "POST" ? { payload: {} } : {}) });
      const p = expectProblem(res, status, code);
      expect(p.detail).toContain(parameter);
    });

    it.each(AT_THE_EDGE)("%s %s at the top of the range: %i", async (method, url, status) => {
      const res = await app.inject({ method: method as "GET" | "POST", url, headers, ...(method === "POST" ? { payload: {} } : {}) });
      if (status === 0) {
        expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, res.body).toBeLessThan(500);
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      } else {
        expect(res.statusCode, res.body).toBe(status);
      }
    });

    it("still serves the numbers in range", async () => {
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/records/1", headers })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/records?limit=1000", headers })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/records/1/versions", headers })).statusCode).toBe(200);
    });
  });
}

// [what, status, code, raw request bytes]. The path parameter limit is 512
// characters (createApp); Node's header limit is 16 KiB by default.
const REFUSED: [string, number, string, (auth: string) => string][] = [
  ["a badly percent-encoded path", 400, "malformed", () => "GET /v1/vaults/%E0%A4%A/checkpoint HTTP/1.1\r\nHost: x\r\n\r\n"],
  ["a path parameter over 512 characters", 414, "uri_too_long", () => `GET /v1/vaults/${"v".repeat(600)}/checkpoint HTTP/1.1\r\nHost: x\r\n\r\n`],
  ["a header over the size limit", 431, "headers_too_large", () => `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`],
  ["a query string over the size limit", 431, "headers_too_large", () => `GET /healthz?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ["a Content-Length that is not a number", 400, "malformed", () => "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"],
  ["a Content-Length beyond any integer", 400, "malformed", () => "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"],
  ["two different Content-Lengths", 400, "malformed", () => "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"],
  ["a request line that is not HTTP", 400, "malformed", () => "HELLO WORLD\r\n\r\n"],
  [
    "a Content-Length of a terabyte",
    413,
    "too_large",
    (auth) => `POST /v1/vaults/default/records HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{`,
  ],
];

describe("requests refused by the router or Node's HTTP parser are problems too (real socket)", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let port: number;
  let auth: string;

  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
    await app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.server.address() as AddressInfo).port;
    auth = `Bearer ${(await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token}`;
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  const expectRawProblem = (res: RawResponse, status: number, code: string) =>
    expectProblem({ statusCode: res.status, headers: res.headers, body: res.body }, status, code);

  it.each(REFUSED)("%s: %i %s", async (_what, status, code, bytes) => {
    const p = expectRawProblem(await rawRequest(port, bytes(auth)), status, code);
    expect(typeof p.detail).toBe("string");
  });

  it("serves a well-formed request on the same server", async () => {
    const res = await rawRequest(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });
});
