/**
 * Slow clients cannot hold the server: a few hundred sockets on loopback
 * that stall in their body, in their headers, or idle between requests are
 * each closed by the server within a bound (408 problem where a request was
 * under way), while a normal client is served meanwhile. The timeouts are
 * short here (createApp options); every wait is bounded, so a regression
 * fails the test instead of hanging it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo, Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { SealTrailError } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { DEFAULT_TIMEOUTS, serverTimeoutOptions } from "../src/http/connections.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";
import { openSocket, parseRawResponse, rawRequest, type RawResponse } from "./helpers/raw-http.js";

const CLIENTS = 300;
const HEADERS_MS = 500;
const REQUEST_MS = 1500;
const KEEP_ALIVE_MS = 500;
// Far above the timeouts: how long the server may take to close every slow socket on a busy machine.
const BOUND_MS = 15_000;

/** A socket that sent `bytes` and waits: what it read, and whether the server closed it. */
interface Stalled {
  readonly socket: Socket;
  readonly closed: Promise<string>;
  isOpen(): boolean;
}

async function stall(port: number, bytes: string): Promise<Stalled> {
  const socket = await openSocket(port);
  let text = "";
  let open = true;
  socket.setEncoding("utf8");
  socket.on("data", (c: string) => (text += c));
  socket.on("error", () => {});
  const closed = new Promise<string>((resolve) =>
    socket.on("close", () => {
      open = false;
      resolve(text);
    }),
  );
  if (bytes !== "") socket.write(bytes);
  return { socket, closed, isOpen: () => open };
}

/** All of `ps`, or a rejection naming how many were still pending after `ms`. */
async function allWithin<T>(ps: Promise<T>[], ms: number, what: string): Promise<T[]> {
  let settled = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${ps.length - settled} of ${ps.length} ${what} still open after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.all(ps.map((p) => p.finally(() => settled++))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function expectTimeoutProblem(text: string): void {
  const r: RawResponse | null = parseRawResponse(text);
  expect(r, JSON.stringify(text.slice(0, 200))).not.toBeNull();
  expect(r!.status).toBe(408);
  expect(r!.headers["content-type"]).toBe("application/problem+json");
  expect(JSON.parse(r!.body)).toMatchObject({ status: 408, code: "request_timeout" });
}

describe("slow clients are closed by the server's timeouts (real sockets on loopback)", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let port: number;
  let auth: string;
  const opened: Socket[] = [];

  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({
      ledger: log.ctx.ledger,
      store: log.ctx.store,
      rateLimit: false,
      headersTimeoutMs: HEADERS_MS,
      requestTimeoutMs: REQUEST_MS,
      keepAliveTimeoutMs: KEEP_ALIVE_MS,
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.server.address() as AddressInfo).port;
    auth = `Bearer ${(await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["*"], admin: false, expiresAt: null })).token}`;
  });
  afterAll(async () => {
    for (const s of opened) s.destroy();
    await app.close();
    await log.close();
  });

  const many = async (bytes: string): Promise<Stalled[]> => {
    const out: Stalled[] = [];
    for (let i = 0; i < CLIENTS; i++) out.push(await stall(port, bytes));
    opened.push(...out.map((s) => s.socket));
    return out;
  };

  const healthz = () => rawRequest(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", BOUND_MS);

  it(
    `closes ${CLIENTS} clients that send half a body and stall, with a 408 problem, and serves others meanwhile`,
    async () => {
      const half = '{"entry":' + " ".repeat(500);
      const slow = await many(
        `POST /v1/vaults/default/records HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n${half}`,
      );
      const ok = await healthz();
      expect(ok.status).toBe(200);
      // Served while the slow clients still held their sockets.
      expect(slow.some((s) => s.isOpen())).toBe(true);
      const texts = await allWithin(
        slow.map((s) => s.closed),
        BOUND_MS,
        "stalled bodies",
      );
      for (const t of texts) expectTimeoutProblem(t);
    },
    BOUND_MS * 2,
  );

  it(
    `closes ${CLIENTS} clients that never finish their headers, and those that trickle them a byte at a time`,
    async () => {
      const slow = await many("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a");
      // Slowloris: a header byte every 100 ms, each resetting any idle timer, never the headers timeout.
      const trickle = await Promise.all(Array.from({ length: 20 }, () => stall(port, "GET /healthz HTTP/1.1\r\nX-Drip: ")));
      opened.push(...trickle.map((s) => s.socket));
      const drip = setInterval(() => trickle.forEach((s) => s.isOpen() && s.socket.write("a")), 100);
      try {
        expect((await healthz()).status).toBe(200);
        expect(slow.some((s) => s.isOpen())).toBe(true);
        const texts = await allWithin(
          [...slow, ...trickle].map((s) => s.closed),
          BOUND_MS,
          "unfinished headers",
        );
        for (const t of texts) expectTimeoutProblem(t);
      } finally {
        clearInterval(drip);
      }
    },
    BOUND_MS * 2,
  );

  it(
    `closes ${CLIENTS} clients that connect and send nothing`,
    async () => {
      const silent = await many("");
      expect((await healthz()).status).toBe(200);
      const texts = await allWithin(
        silent.map((s) => s.closed),
        BOUND_MS,
        "silent connections",
      );
      // No request was under way: a 408 is allowed, nothing else.
      for (const t of texts) if (t !== "") expectTimeoutProblem(t);
    },
    BOUND_MS * 2,
  );

  it(
    `closes ${CLIENTS} idle keep-alive connections after their response`,
    async () => {
      const idle = await many("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      const texts = await allWithin(
        idle.map((s) => s.closed),
        BOUND_MS,
        "idle keep-alive connections",
      );
      for (const t of texts) {
        // One answer, then the server closed the idle connection without another.
        const r = parseRawResponse(t);
        expect(r?.status).toBe(200);
        expect(t.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      }
      expect((await healthz()).status).toBe(200);
    },
    BOUND_MS * 2,
  );
});

describe("connection timeouts: options", () => {
  it("defaults to 10 s for headers, 30 s for a request, 5 s idle", () => {
    const o = serverTimeoutOptions({});
    expect(o.http).toMatchObject({ headersTimeout: 10_000, requestTimeout: 30_000 });
    expect(o.requestTimeout).toBe(30_000);
    expect(o.keepAliveTimeout).toBe(5_000);
    expect(DEFAULT_TIMEOUTS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 });
    // Node looks for expired requests often enough for the limits to hold (its default is every 30 s).
    expect(o.http.connectionsCheckingInterval).toBeLessThanOrEqual(1000);
  });

  it("keeps the headers timeout within a shorter request timeout given alone", () => {
    expect(serverTimeoutOptions({ requestTimeoutMs: 2000 }).http).toMatchObject({ headersTimeout: 2000, requestTimeout: 2000 });
    expect(serverTimeoutOptions({ headersTimeoutMs: 60_000 }).http).toMatchObject({ headersTimeout: 60_000, requestTimeout: 60_000 });
  });

  it.each([
    [{ headersTimeoutMs: 0 }],
    [{ requestTimeoutMs: -1 }],
    [{ keepAliveTimeoutMs: 1.5 }],
    [{ keepAliveTimeoutMs: 2 ** 31 }],
    [{ headersTimeoutMs: 2000, requestTimeoutMs: 1000 }],
  ])("refuses %j", (t) => {
    expect(() => serverTimeoutOptions(t)).toThrow(SealTrailError);
    try {
      serverTimeoutOptions(t);
    } catch (e) {
      expect((e as SealTrailError).code).toBe("invalid");
    }
  });
});
