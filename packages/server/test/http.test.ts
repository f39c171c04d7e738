import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import {
  TILE_WIDTH,
  fromBase64,
  hashLeaf,
  nodeHashFromTile,
  openCheckpoint,
  parseEntryBundle,
  rootPlan,
  tileForNode,
  tilePath,
  entriesPath,
  toHex,
  verifyConsistency,
  verifyTlogProof,
} from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

for (const engine of ENGINES) {
  describe(`HTTP API: ${engine}`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let auth: { authorization: string };
    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, bodyLimit: 1024 * 1024 });
      const { token } = await createApiKey(log.ctx.store, log.org, { name: "test", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null });
      auth = { authorization: `Bearer ${token}` };
      const subs = Array.from({ length: 299 }, (_, i) => log.submission({ title: `r${i}` }));
      await log.ctx.ledger.append("default", subs);
      await log.ctx.ledger.publish("default");
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const get = (url: string) => app.inject({ method: "GET", url, headers: auth });

    it("serves the signed checkpoint and the verifier key", async () => {
      const vk = await get("/v1/vaults/default/vkey");
      expect(vk.statusCode).toBe(200);
      expect(vk.body.trim()).toBe(log.vkey);
      const res = await get("/v1/vaults/default/checkpoint");
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/plain/);
      expect(openCheckpoint(res.body, log.vkey).size).toBe(300n);
    });

    it("serves C2SP tlog-tiles: hash tiles, partial tiles and entry bundles that rebuild the checkpoint root", async () => {
      const cp = openCheckpoint((await get("/v1/vaults/default/checkpoint")).body, log.vkey);
      // 300 leaves: tile 0/000 full, 0/001.p/44, 1/000.p/1.
      const full = await get(`/v1/vaults/default/${tilePath({ level: 0, index: 0n, width: 256 })}`);
      expect(full.statusCode).toBe(200);
      expect(full.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
      expect(full.rawPayload.length).toBe(256 * 32);
      const partial = await get(`/v1/vaults/default/${tilePath({ level: 0, index: 1n, width: 44 })}`);
      expect(partial.rawPayload.length).toBe(44 * 32);
      const bundle = await get(`/v1/vaults/default/${entriesPath(1n, 44)}`);
      const entries = parseEntryBundle(new Uint8Array(bundle.rawPayload));
      expect(entries).toHaveLength(44);
      entries.forEach((e, i) => expect(toHex(hashLeaf(e))).toBe(toHex(new Uint8Array(partial.rawPayload).subarray(i * 32, i * 32 + 32))));
      // A client rebuilds the root from tiles alone.
      const plan = rootPlan(cp.size);
      const hashes = [];
      for (const id of plan.nodes) {
        const t = tileForNode(id, cp.size);
        const res = await get(`/v1/vaults/default/${tilePath(t)}`);
        expect(res.statusCode).toBe(200);
        hashes.push(nodeHashFromTile(new Uint8Array(res.rawPayload), id));
      }
      expect(toHex(plan.assemble(hashes)[0]!)).toBe(toHex(cp.root));
      // Beyond the tree, or a malformed path: 404 / 400 as problem+json.
      expect((await get(`/v1/vaults/default/${tilePath({ level: 0, index: 5n, width: TILE_WIDTH })}`)).statusCode).toBe(404);
      expect((await get(`/v1/vaults/default/${entriesPath(1n, 45)}`)).statusCode).toBe(404);
      const bad = await get("/v1/vaults/default/tile/0/x1/../../etc");
      expect(bad.statusCode).toBe(400);
      expect(bad.headers["content-type"]).toMatch(/^application\/problem\+json/);
    });

    it("appends one record or a batch, and reads a record back", async () => {
      const one = await app.inject({ method: "POST", url: "/v1/vaults/default/records", headers: auth, payload: log.submission({ title: "one" }) });
      expect(one.statusCode).toBe(201);
      const [r] = one.json().results;
      expect(r.index).toBe(300);
      const batch = await app.inject({
        method: "POST",
        headers: auth,
        url: "/v1/vaults/default/records",
        payload: { records: [log.submission({ t: 1 }), log.submission({ t: 2 })] },
      });
      expect(batch.statusCode).toBe(201);
      expect(batch.json().results.map((x: { index: number }) => x.index)).toEqual([301, 302]);
      const read = await get("/v1/vaults/default/records/300");
      expect(read.statusCode).toBe(200);
      const body = read.json();
      expect(body.payload).toEqual({ title: "one" });
      expect(body.leafHash).toBe(r.leafHash);
      expect(toHex(hashLeaf(fromBase64(body.entryBase64)))).toBe(r.leafHash);
    });

    it("serves inclusion proofs as tlog-proof text and consistency proofs", async () => {
      await log.ctx.ledger.publish("default");
      const cp = openCheckpoint((await get("/v1/vaults/default/checkpoint")).body, log.vkey);
      const rec = (await get("/v1/vaults/default/records/42")).json();
      const proof = await get("/v1/vaults/default/proofs/inclusion?index=42");
      expect(proof.statusCode).toBe(200);
      expect(verifyTlogProof(proof.body, fromBase64(rec.entryBase64), log.vkey).size).toBe(cp.size);
      const older = await get("/v1/vaults/default/proofs/inclusion?index=42&size=300");
      expect(verifyTlogProof(older.body, fromBase64(rec.entryBase64), log.vkey).size).toBe(300n);
      const cons = await get(`/v1/vaults/default/proofs/consistency?from=300&to=${cp.size}`);
      expect(cons.statusCode).toBe(200);
      const cps = await log.ctx.store.checkpoints("default");
      const a = cps.find((c) => c.size === 300n)!;
      const hashes = cons.body.trim().split("\n").map((l) => fromBase64(l));
      expect(() => verifyConsistency(300n, cp.size, hashes, a.root, cp.root)).not.toThrow();
    });

    it("answers bad input with RFC 9457 problems from the status table", async () => {
      const cases: [string, string, unknown, number, string][] = [
        ["GET", "/v1/vaults/nope/checkpoint", undefined, 404, "not_found"],
        ["GET", "/v1/vaults/default/records/99999", undefined, 404, "not_found"],
        ["GET", "/v1/vaults/default/records/-1", undefined, 400, "malformed"],
        ["GET", "/v1/vaults/default/proofs/inclusion?index=abc", undefined, 400, "malformed"],
        ["GET", "/v1/vaults/default/proofs/inclusion", undefined, 400, "malformed"],
        ["GET", "/v1/vaults/default/proofs/consistency?from=5&to=2", undefined, 422, "invalid"],
        ["POST", "/v1/vaults/default/records", { entry: { env: {}, sig: "" } }, 400, "malformed"],
        ["POST", "/v1/vaults/default/records", { records: "x" }, 400, "malformed"],
        ["POST", "/v1/vaults/default/records", { records: [] }, 400, "malformed"],
      ["POST", "/v1/vaults/default/records", { records: [{ entry: {}, extra: 1 }] }, 400, "malformed"],
        ["POST", "/v1/vaults/nope/records", { records: [{ entry: {} }] }, 404, "not_found"],
        ["GET", "/v1/nothing", undefined, 404, "not_found"],
      ];
      for (const [method, url, payload, status, code] of cases) {
        const res = await app.inject({ method: method as "GET", url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
        expect({ url, status: res.statusCode }).toEqual({ url, status });
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
        const p = res.json();
        expect(p).toMatchObject({ status, code, type: `https://sealtrail.dev/problems/${code}` });
        expect(typeof p.detail).toBe("string");
      }
      const before = (await log.ctx.store.tree("default")).size;
      const notJson = await app.inject({ method: "POST", url: "/v1/vaults/default/records", headers: { ...auth, "content-type": "application/json" }, payload: "{nope" });
      expect(notJson.statusCode).toBe(400);
      const huge = await app.inject({
        method: "POST",
        headers: auth,
        url: "/v1/vaults/default/records",
        payload: { records: [{ entry: {}, payload: { blob: "x".repeat(2 * 1024 * 1024) } }] },
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().code).toBe("too_large");
      expect((await log.ctx.store.tree("default")).size).toBe(before);
    });

    it("answers a full append queue with 503 and Retry-After", async () => {
      const { createLedger } = await import("../src/ledger/ledger.js");
      const ledger = createLedger({ store: log.ctx.store, maxQueue: 1 });
      const small = await createApp({ ledger, store: log.ctx.store });
      try {
        const res = await small.inject({
          method: "POST",
          headers: auth,
          url: "/v1/vaults/default/records",
          payload: { records: [log.submission({ a: 1 }), log.submission({ a: 2 })] },
        });
        expect(res.statusCode).toBe(503);
        expect(res.headers["retry-after"]).toBe("1");
        expect(res.json().code).toBe("unavailable");
      } finally {
        await small.close();
        await ledger.close();
      }
    });
  });
}
