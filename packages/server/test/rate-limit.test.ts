import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { SealTrailError } from "@sealtrail/core";
import { createRateLimiter } from "../src/http/rate-limit.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";

describe("rate limits per API key", () => {
  it("spend a burst, then refill at the rate", () => {
    let t = 0;
    const l = createRateLimiter({ perSecond: 2, burst: 3 }, () => t);
    for (let i = 0; i < 3; i++) l.take("a");
    const e = (() => {
      try {
        l.take("a");
        return null;
      } catch (err) {
        return err as SealTrailError;
      }
    })();
    expect(e?.code).toBe("rate_limited");
    expect(e?.detail?.retryAfter).toBe(1);
    l.take("b"); // another key has its own bucket
    t = 500; // half a second: one token back
    l.take("a");
    expect(() => l.take("a")).toThrow(SealTrailError);
  });

  describe("over HTTP", () => {
    let log: TempLog;
    let app: FastifyInstance;
    let a: string;
    let b: string;
    beforeAll(async () => {
      log = await tempLog();
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: { perSecond: 0.5, burst: 3 } });
      const scope = { name: "k", vaults: "*" as const, read: true, write: [], admin: false, expiresAt: null };
      a = (await createApiKey(log.ctx.store, log.org, scope)).token;
      b = (await createApiKey(log.ctx.store, log.org, scope)).token;
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    it("answer 429 with Retry-After past the burst, for that key only", async () => {
      const get = (token: string) => app.inject({ method: "GET", url: "/v1/vaults/default/checkpoint", headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await get(a)).statusCode).toBe(200);
      const limited = await get(a);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(limited.json()).toMatchObject({ code: "rate_limited", status: 429 });
      expect((await get(b)).statusCode).toBe(200);
    });
  });
});
