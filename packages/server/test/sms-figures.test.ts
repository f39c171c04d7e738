/**
 * The SMS figures over HTTP, on both engines: readiness, gaps, KPIs,
 * maturity, due items and the summary are what core computes from the
 * vault's records as anyone reads them through the log API, name the tree
 * size they were computed at, and follow the vault as it grows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { computeKpis, computeMaturity, computeReadiness, detectGaps, dueItems, parseEntry, smsState, type SmsRecordInput } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

const owner = { name: "Site security officer", org: "operator" };
const control = (id: string) => ({
  id,
  title: `Control ${id}`,
  domain: "cargo",
  description: "Seal numbers logged at loading and checked at every handoff.",
  owner,
  applicable: true,
  justification: "Seal tampering is a top risk of the terminal.",
  status: "operating",
  implementation: [{ date: "2026-02-01", description: "In use at gates 1-4" }],
});
const risk = {
  id: "R-1",
  title: "Seal tampering between yard and quay",
  subject: { kind: "flow", name: "Yard to quay" },
  threat: "Contraband inserted in transit",
  vulnerability: "Unescorted moves at night",
  domains: ["cargo"],
  inherent: { likelihood: 4, consequence: 4 },
  treatment: "reduce",
  controls: ["C-1"],
  residual: { likelihood: 2, consequence: 3 },
  owner,
  assessed: "2026-02-10",
  status: "treated",
};
const incident = {
  id: "INC-1",
  title: "Seal found cut on arrival",
  category: "tampering",
  severity: "high",
  status: "open",
  source: "manual",
  detected: "2026-05-03T02:14:00.000Z",
};

for (const engine of ENGINES) {
  describe(`SMS figures over HTTP (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let token: string;

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      token = (await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["sms.*"], admin: false, expiresAt: null })).token;
      for (const [kind, body] of [
        ["control", control("C-1")],
        ["control", control("C-2")],
        ["risk", risk],
        ["incident", incident],
      ] as const) {
        const res = await post(`/sms/${kind}`, body);
        expect(res.statusCode, res.body).toBe(201);
      }
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const get = (url: string) => app.inject({ method: "GET", url: `/v1/vaults/default${url}`, headers: { authorization: `Bearer ${token}` } });
    function post(url: string, body: object) {
      return app.inject({ method: "POST", url: `/v1/vaults/default${url}`, headers: { authorization: `Bearer ${token}` }, payload: body });
    }

    /** The vault's SMS state as an outside reader builds it: records read through GET /records, reduced by core. */
    async function independentState() {
      const inputs: SmsRecordInput[] = [];
      let cursor: string | null = null;
      do {
        const page = (await get(`/records?type=sms.*&limit=1000${cursor === null ? "" : `&cursor=${cursor}`}`)).json() as {
          records: { index: number; leafHash: string; type: string; author: string; claimedTime: string; payload: unknown }[];
          nextCursor: string | null;
        };
        for (const r of page.records) {
          const full = (await get(`/records/${r.index}`)).json() as { entryBase64: string };
          const sup = parseEntry(Buffer.from(full.entryBase64, "base64")).env.supersedes;
          inputs.push({ index: r.index, leafHash: r.leafHash, type: r.type, author: r.author, time: r.claimedTime, supersedes: sup?.index ?? null, payload: r.payload });
        }
        cursor = page.nextCursor;
      } while (cursor !== null);
      return smsState(inputs);
    }

    const withoutSource = (body: Record<string, unknown>) => {
      const { catalogue, treeSize, rootHash, ...rest } = body;
      expect(catalogue).toMatchObject({ id: "iso28000-2022", version: "1.0.0" });
      expect(treeSize).toBeGreaterThan(0);
      expect(rootHash).toMatch(/^[0-9a-f]{64}$/);
      return rest;
    };

    it("every figure is what core computes from the records anyone can read, and names the tree it was computed at", async () => {
      const state = await independentState();
      const asOf = "2026-06-30";
      expect(withoutSource((await get(`/sms/readiness?asOf=${asOf}`)).json())).toEqual(JSON.parse(JSON.stringify(computeReadiness(state, asOf))));
      expect(withoutSource((await get(`/sms/gaps?asOf=${asOf}`)).json())).toEqual(JSON.parse(JSON.stringify(detectGaps(state, asOf))));
      expect(withoutSource((await get(`/sms/maturity?asOf=${asOf}`)).json())).toEqual(JSON.parse(JSON.stringify(computeMaturity(state, asOf))));
      expect(withoutSource((await get(`/sms/due?asOf=${asOf}`)).json())).toEqual(JSON.parse(JSON.stringify(dueItems(state, asOf))));
      const kpis = withoutSource((await get("/sms/kpis?period=2026-05")).json());
      expect(kpis).toEqual(JSON.parse(JSON.stringify(computeKpis(state, { from: "2026-05-01", to: "2026-05-31" }))));
    });

    it("the projection behind the figures checks against the log, for a vault administrator only", async () => {
      await get("/sms/summary");
      expect((await get("/sms/check")).statusCode).toBe(403);
      const admin = (await createApiKey(log.ctx.store, log.org, { name: "admin", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token;
      const res = await app.inject({ method: "GET", url: "/v1/vaults/default/sms/check", headers: { authorization: `Bearer ${admin}` } });
      expect(res.statusCode, res.body).toBe(200);
      const size = Number((await log.ctx.ledger.reader.tree("default")).size);
      expect(res.json()).toEqual({ vault: "default", treeSize: size, differences: 0, examples: [] });
    });

    it("figures name their records: the incident of May, and the control linked to no risk", async () => {
      const kpis = (await get("/sms/kpis?period=2026-05")).json() as { kpis: { id: string; value: number | null }[] };
      expect(kpis.kpis).toHaveLength(12);
      expect(kpis.kpis.find((k) => k.id === "incidents")?.value).toBe(1);
      const gaps = (await get("/sms/gaps?asOf=2026-06-30")).json() as { gaps: { id: string; detected: boolean; findings: { refs: { type: string; id: string; index: number }[] }[] }[] };
      expect(gaps.gaps).toHaveLength(14);
      const links = gaps.gaps.find((g) => g.id === "risk-control-links")!;
      expect(links.detected).toBe(true);
      expect(links.findings.flatMap((f) => f.refs).some((r) => r.type === "sms.control" && r.id === "C-2" && r.index > 0)).toBe(true);
      expect(((await get("/sms/readiness?asOf=2026-06-30")).json() as { items: unknown[] }).items).toHaveLength(15);
    });

    it("follows the vault: a record added later changes the figures, and the summary counts it", async () => {
      const before = (await get("/sms/summary")).json() as { treeSize: number; records: Record<string, number> };
      expect(before.records["sms.control"]).toBe(2);
      expect((await post("/sms/control", control("C-3"))).statusCode).toBe(201);
      const after = (await get("/sms/summary")).json() as { treeSize: number; records: Record<string, number> };
      expect(after.records["sms.control"]).toBe(3);
      expect(after.treeSize).toBe(before.treeSize + 1);
    });

    it("refuses bad parameters as problems naming them", async () => {
      for (const url of ["/sms/readiness?asOf=2026-13-01", "/sms/kpis?period=2026-Q5", "/sms/kpis?from=2026-06-01&to=2026-05-01", "/sms/kpis?trend=week", "/sms/kpis?period=2026&from=2026-01-01"]) {
        const res = await get(url);
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.headers["content-type"]).toMatch(/problem\+json/);
      }
    });
  });
}
