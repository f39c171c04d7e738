/**
 * Idempotency keys on appends: a retried request never appends twice, on
 * either engine, whether the retries come one after another or all at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

for (const engine of ENGINES) {
  describe(`idempotent appends (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let tokenA: string;
    let tokenB: string;

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      const scope = { vaults: "*" as const, read: true, write: ["*"], admin: false, expiresAt: null };
      tokenA = (await createApiKey(log.ctx.store, log.org, { ...scope, name: "a" })).token;
      tokenB = (await createApiKey(log.ctx.store, log.org, { ...scope, name: "b" })).token;
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const size = async () => (await log.ctx.store.tree("default")).size;
    const post = (token: string, key: string | undefined, payload: object, url = "/v1/vaults/default/records") =>
      app.inject({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${token}`, ...(key !== undefined ? { "idempotency-key": key } : {}) },
        payload,
      });

    it("answers a retried request with the first answer and appends nothing more", async () => {
      const body = { records: [log.submission({ a: 1 }), log.submission({ a: 2 })] };
      const first = await post(tokenA, "req-1", body);
      expect(first.statusCode).toBe(201);
      const before = await size();
      const again = await post(tokenA, "req-1", body);
      expect(again.statusCode).toBe(201);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      expect(again.json()).toEqual(first.json());
      expect(await size()).toBe(before);
    });

    it("refuses the same key with another request, and keeps keys of different API keys apart", async () => {
      await post(tokenA, "req-2", log.submission({ b: 1 }));
      const other = await post(tokenA, "req-2", log.submission({ b: 2 }));
      expect(other.statusCode).toBe(409);
      expect(other.json().code).toBe("conflict");
      const before = await size();
      const byB = await post(tokenB, "req-2", log.submission({ b: 3 }));
      expect(byB.statusCode).toBe(201);
      expect(await size()).toBe(before + 1n);
    });

    it("appends once when copies of a request arrive at the same time", async () => {
      const body = { records: [log.submission({ c: 1 }), log.submission({ c: 2 }), log.submission({ c: 3 })] };
      const before = await size();
      const all = await Promise.all(Array.from({ length: 6 }, () => post(tokenA, "req-3", body)));
      expect(all.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
      const answers = all.map((r) => JSON.stringify(r.json()));
      expect(new Set(answers).size).toBe(1);
      expect(await size()).toBe(before + 3n);
    });

    it("gives a retried custodial request the original record, though the server signs anew", async () => {
      const body = { type: "test.incident", payload: { title: "Seal broken" } };
      const first = await post(tokenA, "req-4", body, "/v1/vaults/default/records/custodial");
      expect(first.statusCode).toBe(201);
      const before = await size();
      const again = await post(tokenA, "req-4", body, "/v1/vaults/default/records/custodial");
      expect(again.json()).toEqual(first.json());
      expect(await size()).toBe(before);
    });

    it("forgets keys past their time: pruned keys no longer replay, newer ones still do", async () => {
      const body = log.submission({ pruned: 1 });
      expect((await post(tokenA, "req-old", body)).statusCode).toBe(201);
      // Nothing is older than a minute ago: nothing goes.
      expect(await log.ctx.store.pruneIdempotency(new Date(Date.now() - 60_000).toISOString())).toBe(0);
      expect((await post(tokenA, "req-old", body)).headers["idempotent-replayed"]).toBe("true");
      const pruned = await log.ctx.store.pruneIdempotency(new Date(Date.now() + 1000).toISOString());
      expect(pruned).toBeGreaterThan(0);
      const before = await size();
      const after = await post(tokenA, "req-old", body);
      // No longer an idempotent replay; the same signed entry is still not appended twice.
      expect(after.statusCode).toBe(200);
      expect(after.headers["idempotent-replayed"]).toBeUndefined();
      expect((after.json() as { results: { existing?: boolean }[] }).results[0]!.existing).toBe(true);
      expect(await size()).toBe(before);
    });

    it("refuses a malformed key", async () => {
      const bad = await post(tokenA, "x".repeat(256), log.submission({ d: 1 }));
      expect(bad.statusCode).toBe(400);
    });
  });
}
