/**
 * Listing records with filters and cursor pagination, and the version
 * history of a record, over HTTP on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { toHex } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

for (const engine of ENGINES) {
  describe(`records: list and versions (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let headers: { authorization: string };
    const versionIdx: number[] = [];

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store });
      headers = { authorization: `Bearer ${(await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: [], admin: false, expiresAt: null })).token}` };
      const l = log.ctx.ledger;
      for (let i = 0; i < 30; i++) {
        await l.append("default", [
          log.submission({ n: i }, { type: i % 3 === 0 ? "custody.handoff" : i % 3 === 1 ? "custody.seal_check" : "test.risk", subjects: [`C${i % 5}`] }),
        ]);
      }
      // A record with three versions, and a second branch from the first version.
      const [v1] = await l.append("default", [log.submission({ title: "Theft risk", rating: 3 }, { type: "test.risk" })]);
      const [v2] = await l.append("default", [
        log.submission({ title: "Theft risk", rating: 4 }, { type: "test.risk", supersedes: { index: Number(v1!.index), leafHash: toHex(v1!.leafHash) } }),
      ]);
      const [v3] = await l.append("default", [
        log.submission({ title: "Theft risk", rating: 5 }, { type: "test.risk", supersedes: { index: Number(v2!.index), leafHash: toHex(v2!.leafHash) } }),
      ]);
      versionIdx.push(Number(v1!.index), Number(v2!.index), Number(v3!.index));
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const list = async (query: string) => {
      const res = await app.inject({ method: "GET", url: `/v1/vaults/default/records?${query}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { records: { index: number; type: string; subjects: string[]; payload: unknown }[]; nextCursor: string | null };
    };

    it("filters by type, type pattern, author and subject", async () => {
      expect((await list("type=custody.handoff&limit=1000")).records.map((r) => r.type)).toEqual(Array(10).fill("custody.handoff"));
      const custody = await list("type=custody.*&limit=1000");
      expect(custody.records).toHaveLength(20);
      expect(custody.records.every((r) => r.type.startsWith("custody."))).toBe(true);
      const c2 = await list("subject=C2&limit=1000");
      expect(c2.records.map((r) => r.payload)).toEqual([2, 7, 12, 17, 22, 27].map((n) => ({ n })));
      expect((await list("author=nobody")).records).toEqual([]);
      expect((await list(`author=${log.org}&limit=1000`)).records.length).toBe(34); // 1 key record + 33 records
    });

    it("pages with an opaque cursor, without gaps or repeats", async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`limit=7${cursor !== null ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.records.map((r) => r.index));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null);
      expect(seen).toEqual(Array.from({ length: 34 }, (_, i) => i));
      expect(pages).toBe(5);
      const bad = await app.inject({ method: "GET", url: "/v1/vaults/default/records?cursor=bm9wZQ", headers });
      expect(bad.statusCode).toBe(400);
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/records?limit=0", headers })).statusCode).toBe(422);
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/records?type=Bad!", headers })).statusCode).toBe(400);
    });

    it("gives every version of a record from any of its versions, oldest first", async () => {
      for (const i of versionIdx) {
        const res = await app.inject({ method: "GET", url: `/v1/vaults/default/records/${i}/versions`, headers });
        expect(res.statusCode).toBe(200);
        const { versions } = res.json() as { versions: { index: number; supersedes: number | null; payload: { rating: number } }[] };
        expect(versions.map((v) => [v.index, v.supersedes, v.payload.rating])).toEqual([
          [versionIdx[0], null, 3],
          [versionIdx[1], versionIdx[0], 4],
          [versionIdx[2], versionIdx[1], 5],
        ]);
      }
      const single = await app.inject({ method: "GET", url: "/v1/vaults/default/records/3/versions", headers });
      expect((single.json() as { versions: unknown[] }).versions).toHaveLength(1);
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/records/999/versions", headers })).statusCode).toBe(404);
    });
  });
}
