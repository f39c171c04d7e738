/**
 * The core client against a real server on loopback: a partner signs on its
 * own side (its key never reaches the server), appends, reads back, and
 * verifies the proof offline with only the vault's key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { SealTrailError, createClient, generateEd25519KeyPair, hashLeaf, toHex, verifyConsistency, verifyTlogProof, openCheckpoint, type FetchLike, type SmsPayload } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createOrganisation } from "../src/access/orgs.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";

describe("core client over HTTP", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let baseUrl: string;
  let carrierAdmin: string;
  let auditor: string;
  const carrier = { org: "carrier", seed: generateEd25519KeyPair().seed };

  beforeAll(async () => {
    log = await tempLog();
    const { store, ledger } = log.ctx;
    app = await createApp({ ledger, store });
    baseUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    await createOrganisation(store, { id: "carrier", name: "Rhine Carriers", country: "NL", roles: ["carrier"] });
    await createOrganisation(store, { id: "auditor", name: "Cert Body", country: "DE", roles: ["certification_body"] });
    await changeMembership(store, ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    await changeMembership(store, ledger, "default", { action: "set", org: "auditor", read: true, write: [], admin: false });
    await createCustodialKey(store, ledger, "carrier", "default");
    const scope = { vaults: "*" as const, read: true, expiresAt: null };
    carrierAdmin = (await createApiKey(store, "carrier", { ...scope, name: "ops", write: ["custody.*"], admin: true })).token;
    auditor = (await createApiKey(store, "auditor", { ...scope, name: "audit", write: [], admin: false })).token;
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  it("registers the partner's key, appends client-signed and custodial records, and proves them", async () => {
    const c = createClient({ baseUrl, apiKey: carrierAdmin });
    const reg = await c.registerKey("default", carrier);
    const results = await c.append("default", carrier, [
      { type: "custody.handoff", payload: { container: "MSCU1234565", from: "acme", to: "carrier" }, subjects: ["MSCU1234565"] },
      { type: "custody.seal_check", payload: { seal: "ABC123", ok: true } },
    ]);
    expect(results.map((r) => r.index)).toEqual([reg.index + 1, reg.index + 2]);
    const cust = await c.appendCustodial("default", { type: "custody.handoff", payload: { container: "MSCU1234565" } });
    expect(cust.index).toBe(reg.index + 3);
    await log.ctx.ledger.publish("default");

    // An auditor reads and verifies with nothing but the vault key.
    const a = createClient({ baseUrl, apiKey: auditor });
    const vkey = await a.verifierKey("default");
    expect(vkey).toBe(log.vkey);
    for (const r of [...results, cust]) {
      const entry = await a.entry("default", r.index);
      expect(toHex(hashLeaf(entry))).toBe(r.leafHash);
      const proof = await a.inclusionProof("default", r.index);
      expect(verifyTlogProof(proof, entry, vkey).index).toBe(BigInt(r.index));
    }
    const view = await a.record("default", results[0]!.index);
    expect(view.payload).toEqual({ container: "MSCU1234565", from: "acme", to: "carrier" });
    expect((view.entry as { env: { mode: string; author: string } }).env).toMatchObject({ mode: "author", author: "carrier" });
    const cp = openCheckpoint(await a.checkpoint("default"), vkey);
    const cons = await a.consistencyProof("default", 1, Number(cp.size));
    const first = (await log.ctx.store.checkpoints("default"))[0]!;
    expect(() => verifyConsistency(1n, cp.size, cons, first.root, cp.root)).not.toThrow();
  });

  it("turns problem documents into coded errors", async () => {
    const a = createClient({ baseUrl, apiKey: auditor });
    await expect(a.append("default", carrier, [{ type: "custody.handoff", payload: {} }])).rejects.toMatchObject({ code: "forbidden" });
    await expect(a.record("nope", 0)).rejects.toMatchObject({ code: "not_found" });
    const bad = createClient({ baseUrl, apiKey: "stk_nope" });
    await expect(bad.checkpoint("default")).rejects.toBeInstanceOf(SealTrailError);
    await expect(bad.checkpoint("default")).rejects.toMatchObject({ code: "unauthorized" });
  });
  it("SMS records: checked and signed by the partner here, or by the server; a bad payload never leaves the caller", async () => {
    const { store, ledger } = log.ctx;
    await changeMembership(store, ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*", "sms.incident"], admin: false });
    const token = (await createApiKey(store, "carrier", { vaults: "*", read: true, expiresAt: null, name: "sms", write: ["sms.incident"], admin: false })).token;
    let requests = 0;
    const counting: FetchLike = async (url, init) => {
      requests++;
      const res = await fetch(url, init);
      return { ok: res.ok, status: res.status, text: () => res.text() };
    };
    const c = createClient({ baseUrl, apiKey: token, fetch: counting });
    const incident: SmsPayload<"sms.incident"> = {
      id: "INC-2026-014",
      title: "Trailer seal found cut at the Venlo rest stop",
      category: "tampering",
      severity: "high",
      status: "open",
      source: "partner-report",
      detected: "2026-05-03T02:14:00.000Z",
    };
    const first = await c.sms.create("default", carrier, "sms.incident", incident);
    const next = await c.sms.update("default", carrier, "sms.incident", { ...incident, status: "investigating" });
    expect(next.supersedes).toBe(first.index);
    const got = await c.sms.get("default", "sms.incident", "INC-2026-014");
    expect(got.author).toBe("carrier");
    expect(got.versions.map((v) => v.index)).toEqual([first.index, next.index]);
    expect(got.nextStatuses).toEqual(["investigating", "contained", "closed"]);
    // Signed by the partner itself, not by a key the server holds.
    const env = (await c.record("default", next.index)).entry as { env: { mode: string; author: string } };
    expect(env.env).toMatchObject({ mode: "author", author: "carrier" });
    // Refused here, naming the field, before any request.
    const before = requests;
    await expect(c.sms.create("default", carrier, "sms.incident", { ...incident, id: "INC-2", severity: "dire" as "high" })).rejects.toMatchObject({
      code: "invalid",
      detail: { problems: [{ pointer: "/payload/severity" }] },
    });
    expect(requests).toBe(before);
    // Signed by the server with the carrier's custodial key.
    const held = await c.sms.createCustodial("default", "sms.incident", { ...incident, id: "INC-3" });
    expect(held.id).toBe("INC-3");
    const page = await c.sms.list("default", "sms.incident", { filters: { status: "investigating" } });
    expect(page.records.map((r) => r.id)).toEqual(["INC-2026-014"]);
  });
});
