/**
 * Each vault's SMS state is a projection kept as the vault grows, on both
 * engines: built from the log at first use, then fed only what was appended
 * since (new records, new versions, custody events), built again when a
 * redaction destroys a payload it holds; at every size it is the state
 * rebuilt from the log with every payload checked, and `check` names what
 * differs when it is not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { computeKpis, computeMaturity, computeReadiness, detectGaps, type SmsState } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createSmsStates } from "../src/sms/state.js";
import type { LogReader } from "../src/store/types.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

const owner = { name: "Site security officer", org: "operator" };
const control = (id: string, status = "operating") => ({
  id,
  title: `Control ${id}`,
  domain: "cargo",
  description: "Seal numbers logged at loading and checked at every handoff.",
  owner,
  applicable: true,
  justification: "Seal tampering is a top risk of the terminal.",
  status,
  implementation: [{ date: "2026-02-01", description: "In use at gates 1-4" }],
});
const incident = (id: string, detected: string) => ({ id, title: "Seal found cut on arrival", category: "tampering", severity: "high", status: "open", source: "manual", detected });

const D = "2026-05-31";
const figures = (s: SmsState): unknown => ({
  readiness: computeReadiness(s, D),
  kpis: computeKpis(s, { from: "2026-05-01", to: D }),
  gaps: detectGaps(s, D),
  maturity: computeMaturity(s, D),
});

for (const engine of ENGINES) {
  describe(`SMS state kept by a projection (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let token: string;

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      token = (await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["sms.*", "sealtrail.redaction"], admin: false, expiresAt: null })).token;
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const send = async (method: "POST" | "PUT", url: string, body: object) => {
      const res = await app.inject({ method, url: `/v1/vaults/default${url}`, headers: { authorization: `Bearer ${token}` }, payload: body });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as { index?: string | number };
    };
    // What a fresh reader of the log computes: every SMS record and custody event, each payload checked.
    const fromLog = async (): Promise<SmsState> => (await createSmsStates(log.ctx.ledger.reader).of("default")).state;

    it("follows appends, new versions and a redaction, and is at each size the state rebuilt from the log", async () => {
      const states = createSmsStates(log.ctx.ledger.reader);
      await send("POST", "/sms/control", control("C-1"));
      await send("POST", "/sms/incident", incident("INC-2", "2026-05-03T02:14:00.000Z"));
      const first = await states.of("default");
      expect(first.state.records["sms.control"].map((c) => c.id)).toEqual(["C-1"]);

      await send("POST", "/sms/control", control("C-2"));
      await send("POST", "/sms/incident", incident("INC-1", "2026-05-04T02:14:00.000Z"));
      await send("PUT", "/sms/control/C-1", control("C-1", "implementing"));
      const second = await states.of("default");
      expect(second.size).toBeGreaterThan(first.size);
      expect(second.state).toEqual(await fromLog());
      expect(second.state.records["sms.incident"].map((i) => i.id)).toEqual(["INC-1", "INC-2"]);
      expect(second.state.records["sms.control"].find((c) => c.id === "C-1")!.history).toHaveLength(2);
      expect(figures(second.state)).toEqual(figures(await fromLog()));
      // The state given before is the state at its size still.
      expect(first.state.records["sms.control"].map((c) => c.id)).toEqual(["C-1"]);

      const c2 = second.state.records["sms.control"].find((c) => c.id === "C-2")!;
      const res = await app.inject({ method: "POST", url: `/v1/vaults/default/records/${c2.ref.index}/redact`, headers: { authorization: `Bearer ${token}` }, payload: { reason: "test" } });
      expect(res.statusCode, res.body).toBeLessThan(300);
      const third = await states.of("default");
      expect(third.state.records["sms.control"].map((c) => c.id)).toEqual(["C-1"]);
      expect(third.state).toEqual(await fromLog());
      expect(await states.check("default")).toEqual({ vault: "default", size: third.size, count: 0, differences: [] });
    });

    it("check names what a projection missed: an entry it was never fed", async () => {
      const reader = log.ctx.ledger.reader;
      await send("POST", "/sms/control", control("C-9"));
      // A reader that drops controls from the reads of what was appended since: the projection misses them, a rebuild does not.
      const lossy = {
        tree: (vault: string) => reader.tree(vault),
        findEntries: async (vault: string, q: Parameters<LogReader["findEntries"]>[1]) => {
          const rows = await reader.findEntries(vault, q);
          return q.after !== undefined && q.typePrefix === "sms." ? rows.filter((r) => r.type !== "sms.control") : rows;
        },
      } as unknown as LogReader;
      const states = createSmsStates(lossy);
      await states.of("default");
      await send("POST", "/sms/control", control("C-10"));
      const r = await states.check("default");
      expect(r.count).toBe(1);
      expect(r.differences[0]).toMatch(/^sms\.control C-10: in expected \(log index \d+\), not in actual$/);
    });
  });
}
