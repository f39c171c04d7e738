/**
 * The SMS routes over HTTP, on both engines: create, new version (with
 * If-Match), list with filters and paging, one record with its history and
 * next workflow steps, refusals as problems naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

const control = (id: string, extra: object = {}) => ({
  id,
  title: `Control ${id}`,
  domain: "physical",
  description: "Badge readers on every gate, logs kept 90 days.",
  owner: { name: "Site security officer" },
  applicable: true,
  justification: "Unauthorised entry is a top risk of the site.",
  status: "operating",
  implementation: [],
  ...extra,
});

for (const engine of ENGINES) {
  describe(`SMS routes (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      const key = async (write: string[]) => (await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write, admin: false, expiresAt: null })).token;
      tokens.manager = await key(["sms.*"]);
      tokens.reader = await key([]);
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const call = (who: string, method: "GET" | "POST" | "PUT", url: string, body?: object, headers: Record<string, string> = {}) =>
      app.inject({ method, url: `/v1/vaults/default/sms${url}`, headers: { authorization: `Bearer ${tokens[who]}`, ...headers }, ...(body !== undefined ? { payload: body } : {}) });

    it("lists the record types with their paths and workflows", async () => {
      const res = await call("reader", "GET", "/types");
      expect(res.statusCode).toBe(200);
      const types = (res.json() as { types: { type: string; path: string; workflow: { initial: string[] } | null }[] }).types;
      expect(types).toHaveLength(27);
      expect(types.find((t) => t.type === "sms.audit")).toMatchObject({ path: "/v1/vaults/default/sms/audit", workflow: { initial: ["planned"] } });
    });

    it("creates a record, then a new version; reads it with its history", async () => {
      const created = await call("manager", "POST", "/control", control("C-1"));
      expect(created.statusCode, created.body).toBe(201);
      expect(created.headers.location).toBe("/v1/vaults/default/sms/control/C-1");
      const first = created.json() as { id: string; index: number };
      expect(first.id).toBe("C-1");
      const v2 = await call("manager", "PUT", "/control/C-1", control("C-1", { status: "suspended" }), { "if-match": String(first.index) });
      expect(v2.statusCode, v2.body).toBe(201);
      expect((v2.json() as { supersedes: number }).supersedes).toBe(first.index);
      // An edit of the first version, sent after the second: stale.
      const stale = await call("manager", "PUT", "/control/C-1", control("C-1", { status: "retired" }), { "if-match": String(first.index) });
      expect(stale.statusCode).toBe(409);
      const got = await call("reader", "GET", "/control/C-1");
      expect(got.statusCode).toBe(200);
      const rec = got.json() as { payload: { status: string }; versions: { index: number; supersedes: number | null }[]; nextStatuses: null };
      expect(rec.payload.status).toBe("suspended");
      expect(rec.versions.map((v) => v.supersedes)).toEqual([null, first.index]);
      expect(rec.nextStatuses).toBeNull();
    });

    it("refuses a payload that breaks the schema, naming the fields, and a new version with another id", async () => {
      const bad = await call("manager", "POST", "/control", control("C-2", { domain: "space", applicable: "yes" }));
      expect(bad.statusCode).toBe(422);
      const problems = (bad.json() as { errors: { problems: { pointer: string }[] } }).errors.problems.map((p) => p.pointer);
      expect(problems).toEqual(["/payload/domain", "/payload/applicable"]);
      expect((await call("manager", "PUT", "/control/C-1", control("C-9"))).statusCode).toBe(422);
      expect((await call("manager", "PUT", "/control/NOPE", control("NOPE"))).statusCode).toBe(404);
      expect((await call("manager", "POST", "/control", control("C-1"))).statusCode).toBe(409);
    });

    it("only a key that may write the type writes it", async () => {
      const res = await call("reader", "POST", "/control", control("C-3"));
      expect(res.statusCode).toBe(403);
    });

    it("lists latest versions a page at a time, filtered on a field", async () => {
      for (let i = 10; i < 15; i++) expect((await call("manager", "POST", "/control", control(`C-${i}`, { status: i % 2 === 0 ? "planned" : "operating" }))).statusCode).toBe(201);
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await call("reader", "GET", `/control?limit=2${cursor === null ? "" : `&cursor=${cursor}`}`);
        expect(res.statusCode).toBe(200);
        const page = res.json() as { records: { id: string }[]; nextCursor: string | null };
        expect(page.records.length).toBeLessThanOrEqual(2);
        ids.push(...page.records.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(ids).toEqual(["C-1", "C-10", "C-11", "C-12", "C-13", "C-14"]);
      const planned = (await call("reader", "GET", "/control?status=planned")).json() as { records: { id: string }[] };
      expect(planned.records.map((r) => r.id)).toEqual(["C-10", "C-12", "C-14"]);
      expect((await call("reader", "GET", "/control?cursor=bm9wZQ")).statusCode).toBe(400);
    });

    it("offers the legal workflow steps of a record", async () => {
      const audit = {
        id: "AUD-1",
        title: "Internal audit of clause 8",
        kind: "internal",
        status: "planned",
        clauses: ["8.1", "8.4"],
        sites: ["RTM-1"],
        lead: { name: "Internal auditor" },
        independent: true,
        planned: "2026-09-01",
      };
      expect((await call("manager", "POST", "/audit", audit)).statusCode).toBe(201);
      expect(((await call("reader", "GET", "/audit/AUD-1")).json() as { nextStatuses: string[] }).nextStatuses).toEqual(["planned", "fieldwork"]);
      const skip = await call("manager", "PUT", "/audit/AUD-1", { ...audit, status: "reported", reported: "2026-09-10" });
      expect(skip.statusCode).toBe(422);
      expect(skip.body).toMatch(/cannot go from planned to reported/);
    });
  });
}
