/**
 * The demo vault: `sealtrail demo` builds, on a fresh data directory, a
 * manufacturer's SMS with its partners, each signing its own records, and
 * the figures computed from it show what the scenario put in: the deliberate
 * gaps and nothing else. On PostgreSQL it is built beside an existing vault
 * of another operator, with the manufacturer as the vault's administrator.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parseEntry } from "@sealtrail/core";
import { buildDemo } from "../src/demo/build-demo.js";
import { withContext } from "../src/cli/context.js";
import { createSmsStates } from "../src/sms/state.js";
import { smsFigure } from "../src/sms/figures.js";
import { custodyOf } from "../src/custody/custody-of.js";
import { cli } from "./helpers/cli.js";
import { tempDir, tempLog } from "./helpers/temp-log.js";

const TODAY = "2026-12-08";

describe("sealtrail demo (SQLite, fresh data directory)", () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it("builds the vault, reports its figures and prints the operator's API key once", async () => {
    const r = await cli(["demo", "--data", dir, "--today", TODAY, "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { vault: string; organisations: string[]; custodyIncidents: number; custodyEvents: number; treeSize: number; apiKey: string | null; figures: { readiness: { passed: number; items: number }; gapsDetected: number } };
    expect(out.vault).toBe("demo");
    expect(out.organisations).toEqual(["meridian", "rhinefreight", "balticline", "deltadock", "mvterminal", "nordicert"]);
    expect(out.apiKey).toMatch(/^stk_/);
    // The seal found tampered and the seal whose number changed each open an incident; the misdirected receipt does not.
    expect(out.custodyIncidents).toBe(2);
    expect(out.figures.readiness).toEqual({ passed: 11, items: 15 });

    // A second run finds the vault and refuses rather than writing it twice.
    const again = await cli(["demo", "--data", dir, "--today", TODAY]);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/vault demo exists already/);
  });

  it("holds records signed by each partner, within what its membership lets it write", async () => {
    await withContext({ data: dir }, async (ctx) => {
      const rows = await ctx.store.entries("demo", 0n, (await ctx.store.tree("demo")).size);
      const byAuthor = new Map<string, Set<string>>();
      for (const row of rows) {
        const env = parseEntry(row.entry).env;
        if (!byAuthor.has(env.author)) byAuthor.set(env.author, new Set());
        byAuthor.get(env.author)!.add(env.type);
      }
      expect([...byAuthor.get("nordicert")!].sort()).toEqual(["sealtrail.key", "sms.audit", "sms.finding"]);
      for (const carrier of ["rhinefreight", "balticline", "deltadock", "mvterminal"]) {
        expect([...byAuthor.get(carrier)!].every((t) => t === "sealtrail.key" || t === "custody.event" || t === "sms.incident")).toBe(true);
        expect(byAuthor.get(carrier)!.has("custody.event")).toBe(true);
      }
      // Every SMS type of the catalogue's record list appears at least once.
      const state = await createSmsStates(ctx.store).of("demo");
      const empty = Object.entries(state.state.records).filter(([, l]) => l.length === 0).map(([t]) => t);
      expect(empty).toEqual([]);
      expect(state.state.invalid).toEqual([]);
    });
  });

  it("shows the gaps the scenario left in, and no other", async () => {
    await withContext({ data: dir }, async (ctx) => {
      const s = await createSmsStates(ctx.store).of("demo");
      const readiness = smsFigure(s, "readiness", { asOf: TODAY }, TODAY) as { items: { id: string; passed: boolean }[] };
      expect(readiness.items.filter((i) => !i.passed).map((i) => i.id)).toEqual(["treatment-accepted", "security-plans-exercised", "communication-document-control", "pre-assessment-done"]);
      const gaps = smsFigure(s, "gaps", { asOf: TODAY }, TODAY) as { gaps: { id: string; detected: boolean; findings: { message: string }[] }[] };
      const found = Object.fromEntries(gaps.gaps.filter((g) => g.detected).map((g) => [g.id, g.findings.map((f) => f.message)]));
      expect(Object.keys(found).sort()).toEqual(["acceptance-missing", "awareness-gaps", "documents-uncontrolled", "partners-unassured", "plans-unexercised"]);
      expect(found["documents-uncontrolled"]).toEqual(["document DOC-VIS was due for review on 2026-11-18"]);
      expect(found["plans-unexercised"]!.join()).toMatch(/SP-SEVERE/);
      expect(found["partners-unassured"]!.join()).toMatch(/Delta Cross-Dock \(tier 1\)/);
    });
  });

  it("gives chains of custody with the exceptions the scenario planted", async () => {
    await withContext({ data: dir }, async (ctx) => {
      const kinds = async (sscc: string) => (await custodyOf(ctx.store, ctx.store, "demo", sscc)).exceptions.map((x) => x.kind);
      expect(await kinds("urn:epc:id:sscc:8712345.1000039595")).toEqual(["seal_check_failed"]);
      expect(await kinds("urn:epc:id:sscc:8712345.1000079190")).toEqual(["seal_changed"]);
      expect(await kinds("urn:epc:id:sscc:8712345.1000118785")).toEqual(["misdirected_receipt"]);
      const clean = await custodyOf(ctx.store, ctx.store, "demo", "urn:epc:id:sscc:8712345.1000000000");
      expect(clean.exceptions).toEqual([]);
      expect(clean.steps.map((x) => x.holder)).toContain("urn:epc:id:pgln:8712345.00005");
    });
  });
});

describe("sealtrail demo: evidence files", () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it("carries each approved policy version's own PDF, and a certificate whose expiry falls due", async () => {
    await withContext({ data: dir }, (ctx) => buildDemo(ctx, { vault: "demo", today: TODAY }), { mustExist: false });
    await withContext({ data: dir }, async (ctx) => {
      const s = await createSmsStates(ctx.store).of("demo");
      const policy = s.state.records["sms.document"].find((d) => d.id === "DOC-POL")!;
      expect(policy.payload.version).toBe("2.0");
      const files = (policy.payload as { attachments?: { name: string; sha256: string; mediaType: string; effective?: string }[] }).attachments!;
      expect(files.map((f) => [f.name, f.mediaType, f.effective])).toEqual([["Supply Chain Security Policy v2.0.pdf", "application/pdf", "2026-10-09"]]);
      // The bytes are in the vault's file store and begin as a PDF does.
      const chunks: Uint8Array[] = [];
      for await (const c of await ctx.files.get("demo", files[0]!.sha256)) chunks.push(c);
      expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe("%PDF-");
      const due = smsFigure(s, "due", { asOf: TODAY }, TODAY) as { owners: { items: { kind: string; title: string; due: string }[] }[] };
      const evidence = due.owners.flatMap((o) => o.items).filter((i) => i.kind === "evidence-expiry");
      expect(evidence.map((i) => [i.title, i.due])).toEqual([[expect.stringContaining("TSR certificate"), "2027-01-02"]]);
    });
  });
});

describe("sealtrail demo (PostgreSQL, beside another operator's vault)", () => {
  it("builds the demo vault with the manufacturer as its administrator", async () => {
    const log = await tempLog({ engine: "postgres" });
    try {
      const r = await buildDemo(log.ctx, { vault: "demo", today: TODAY });
      expect(r.apiKey).toBeNull();
      expect(r.custodyIncidents).toBe(2);
      expect(await log.ctx.store.member("demo", "meridian")).toMatchObject({ admin: true, read: true });
      expect(await log.ctx.store.member("demo", "nordicert")).toMatchObject({ admin: false, write: ["sms.audit", "sms.finding"] });
      const s = await createSmsStates(log.ctx.store).of("demo");
      expect((smsFigure(s, "readiness", { asOf: TODAY }, TODAY) as { passed: number }).passed).toBe(11);
    } finally {
      await log.close();
    }
  });
});
