/**
 * Who may do what, over HTTP: every endpoint x every kind of caller, with the
 * expected answer written out, and every refusal checked to leak nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildKeyRecord, buildRecord, generateEd25519KeyPair, toBase64 } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createOrganisation } from "../src/access/orgs.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { addVault } from "../src/ledger/bootstrap.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

type Caller =
  | "operatorAdmin"
  | "operatorReader"
  | "carrierWriter"
  | "carrierAdmin"
  | "carrierReader"
  | "carrierOtherVault"
  | "auditor"
  | "stranger"
  | "expired"
  | "revoked"
  | "garbage"
  | "none";

const CALLERS: Caller[] = [
  "operatorAdmin",
  "operatorReader",
  "carrierWriter",
  "carrierAdmin",
  "carrierReader",
  "carrierOtherVault",
  "auditor",
  "stranger",
  "expired",
  "revoked",
  "garbage",
  "none",
];

for (const engine of ENGINES) describe(`access control matrix: ${engine}`, () => {
  let log: TempLog;
  let app: FastifyInstance;
  const tokens = new Map<Caller, string>();
  const carrierKey = generateEd25519KeyPair();
  // A marker that appears in every payload of the vaults: a refused read must never contain it.
  const SECRET = "PAYLOAD-MARKER-7f3a";

  beforeAll(async () => {
    log = await tempLog({ engine });
    const store = log.ctx.store;
    const ledger = log.ctx.ledger;
    app = await createApp({ ledger, store });
    await addVault(store, ledger, "private");
    await addVault(store, ledger, "other");
    for (const id of ["carrier", "auditor", "stranger"]) await createOrganisation(store, { id, name: id, country: "NL", roles: ["carrier"] });
    await changeMembership(store, ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    await changeMembership(store, ledger, "default", { action: "set", org: "auditor", read: true, write: [], admin: false });
    await changeMembership(store, ledger, "other", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    // The carrier signs on its side with its own key, registered in the log, and also has a custodial key.
    const reg = buildKeyRecord({ vault: "default", author: "carrier", seed: carrierKey.seed, action: "register", publicKey: carrierKey.publicKey });
    await ledger.append("default", [{ entry: reg.signed }]);
    await createCustodialKey(store, ledger, "carrier", "default");
    await ledger.append("default", [log.submission({ secret: SECRET })]);
    // Redaction cases: a carrier record at a known index.
    const toRedact = { container: "MSCU1234565", secret: SECRET };
    const built = buildRecord({ vault: "default", type: "custody.handoff", author: "carrier", seed: carrierKey.seed, payload: toRedact });
    const [r] = await ledger.append("default", [{ entry: built.signed, payload: toRedact, salt: toBase64(built.salt!) }]);
    expect(r!.index).toBe(REDACT_INDEX);
    await ledger.publish("default");

    const mk = async (caller: Caller, org: string, scope: Partial<Parameters<typeof createApiKey>[2]>) => {
      const { token } = await createApiKey(store, org, { name: caller, vaults: "*", read: true, write: [], admin: false, expiresAt: null, ...scope });
      tokens.set(caller, token);
      return token;
    };
    await mk("operatorAdmin", "operator", { write: ["*"], admin: true });
    await mk("operatorReader", "operator", {});
    await mk("carrierWriter", "carrier", { write: ["custody.*"] });
    await mk("carrierAdmin", "carrier", { write: ["custody.*"], admin: true });
    await mk("carrierReader", "carrier", {});
    await mk("carrierOtherVault", "carrier", { vaults: ["other"], write: ["custody.*"] });
    await mk("auditor", "auditor", {});
    await mk("stranger", "stranger", { write: ["*"], admin: true });
    await mk("expired", "carrier", { write: ["custody.*"], expiresAt: new Date(Date.now() - 1000).toISOString() });
    const revoked = await mk("revoked", "carrier", { write: ["custody.*"] });
    await store.revokeApiKey(revoked.split("_")[1]!, new Date().toISOString());
    tokens.set("garbage", "stk_0123456789abcdef_" + "A".repeat(43));
    // EPCIS cases: one event captured by the carrier, with the marker in an extension field.
    const res = await call("carrierWriter", "POST", "/v1/vaults/default/epcis/events", epcisEvent(SECRET));
    expect(res.statusCode, res.body).toBe(201);
    capturedEventId = (res.json() as { eventID: string }).eventID;
    const job = await call("carrierWriter", "POST", "/v1/vaults/default/epcis/capture", epcisDocument());
    expect(job.statusCode, job.body).toBe(202);
    carrierJob = job.headers.location as string;
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  // EPCIS: a container event, a document of one, the carrier's captured event and capture job.
  const EPC = "urn:epc:id:sscc:0614141.1234567890";
  let capturedEventId = "";
  let carrierJob = "";
  const epcisEvent = (note: string) => ({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { example: "https://ns.example.com/epcis/" }],
    type: "ObjectEvent",
    action: "OBSERVE",
    epcList: [EPC],
    eventTime: new Date(Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 1e9)).toISOString(),
    eventTimeZoneOffset: "+00:00",
    bizStep: "inspecting",
    "example:note": note,
  });
  const epcisDocument = () => {
    const { "@context": context, ...event } = epcisEvent("doc");
    return { "@context": context, type: "EPCISDocument", schemaVersion: "2.0", creationDate: "2026-01-01T00:00:00.000Z", epcisBody: { eventList: [event] } };
  };
  const writersOfDefault: Caller[] = ["operatorAdmin", "carrierWriter", "carrierAdmin"];

  // Index of the carrier record that the redaction cases target.
  const REDACT_INDEX = 6n;
  function carrierRecord(type = "custody.handoff") {
    const payload = { container: "MSCU1234565", n: Math.random() };
    const rec = buildRecord({ vault: "default", type, author: "carrier", seed: carrierKey.seed, payload });
    return { entry: rec.signed, payload, salt: toBase64(rec.salt!) };
  }

  const call = (caller: Caller, method: string, url: string, payload?: unknown) =>
    app.inject({
      method: method as "GET",
      url,
      ...(tokens.has(caller) ? { headers: { authorization: `Bearer ${tokens.get(caller)}` } } : {}),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  const unauth: Caller[] = ["expired", "revoked", "garbage", "none"];
  const readersOfDefault: Caller[] = ["operatorAdmin", "operatorReader", "carrierWriter", "carrierAdmin", "carrierReader", "auditor"];
  /** Expected status per caller: readers of the vault get `ok`, non-members 404, bad keys 401. */
  const readRule = (ok: number, readers: Caller[]) => (c: Caller) => (unauth.includes(c) ? 401 : readers.includes(c) ? ok : 404);

  interface Case {
    name: string;
    method: string;
    url: string;
    body?: () => unknown;
    expect: (c: Caller) => number;
  }
  const cases: Case[] = [
    { name: "checkpoint", method: "GET", url: "/v1/vaults/default/checkpoint", expect: readRule(200, readersOfDefault) },
    { name: "vkey", method: "GET", url: "/v1/vaults/default/vkey", expect: readRule(200, readersOfDefault) },
    { name: "hash tile", method: "GET", url: "/v1/vaults/default/tile/0/000.p/2", expect: readRule(200, readersOfDefault) },
    { name: "entry bundle", method: "GET", url: "/v1/vaults/default/tile/entries/000.p/2", expect: readRule(200, readersOfDefault) },
    { name: "record", method: "GET", url: "/v1/vaults/default/records/5", expect: readRule(200, readersOfDefault) },
    { name: "inclusion proof", method: "GET", url: "/v1/vaults/default/proofs/inclusion?index=5", expect: readRule(200, readersOfDefault) },
    { name: "consistency proof", method: "GET", url: "/v1/vaults/default/proofs/consistency?from=1&to=3", expect: readRule(200, readersOfDefault) },
    { name: "members", method: "GET", url: "/v1/vaults/default/members", expect: readRule(200, readersOfDefault) },
    { name: "list records", method: "GET", url: "/v1/vaults/default/records?type=test.*", expect: readRule(200, readersOfDefault) },
    { name: "record versions", method: "GET", url: "/v1/vaults/default/records/5/versions", expect: readRule(200, readersOfDefault) },
    { name: "private records list", method: "GET", url: "/v1/vaults/private/records", expect: readRule(200, ["operatorAdmin", "operatorReader"]) },
    { name: "private checkpoint", method: "GET", url: "/v1/vaults/private/checkpoint", expect: readRule(200, ["operatorAdmin", "operatorReader"]) },
    { name: "private record", method: "GET", url: "/v1/vaults/private/records/0", expect: readRule(200, ["operatorAdmin", "operatorReader"]) },
    // Publication (issue 4): anchors and witness status, for whoever may read the vault.
    { name: "anchors", method: "GET", url: "/v1/vaults/default/anchors", expect: readRule(200, readersOfDefault) },
    { name: "anchors of one checkpoint", method: "GET", url: "/v1/vaults/default/anchors?size=1", expect: readRule(200, readersOfDefault) },
    { name: "publication status", method: "GET", url: "/v1/vaults/default/witnesses", expect: readRule(200, readersOfDefault) },
    { name: "private anchors", method: "GET", url: "/v1/vaults/private/anchors", expect: readRule(200, ["operatorAdmin", "operatorReader"]) },
    { name: "private publication status", method: "GET", url: "/v1/vaults/private/witnesses", expect: readRule(200, ["operatorAdmin", "operatorReader"]) },
    {
      name: "append carrier's record",
      method: "POST",
      url: "/v1/vaults/default/records",
      body: () => carrierRecord(),
      // Only the carrier's writing keys; the operator may not write as the carrier; readers may not write.
      expect: (c) =>
        unauth.includes(c) ? 401 : ["carrierWriter", "carrierAdmin"].includes(c) ? 201 : readersOfDefault.includes(c) ? 403 : 404,
    },
    {
      name: "append a type outside the carrier's patterns",
      method: "POST",
      url: "/v1/vaults/default/records",
      body: () => carrierRecord("test.risk"),
      expect: (c) => (unauth.includes(c) ? 401 : readersOfDefault.includes(c) ? 403 : 404),
    },
    {
      name: "custodial record",
      method: "POST",
      url: "/v1/vaults/default/records/custodial",
      body: () => ({ type: "custody.handoff", payload: { container: "MSCU1234565" } }),
      expect: (c) =>
        unauth.includes(c)
          ? 401
          : ["carrierWriter", "carrierAdmin", "operatorAdmin"].includes(c)
            ? 201
            : readersOfDefault.includes(c)
              ? 403
              : 404,
    },
    {
      name: "change a membership",
      method: "PUT",
      url: "/v1/vaults/default/members/auditor",
      body: () => ({ read: true, write: [] }),
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 200 : readersOfDefault.includes(c) ? 403 : 404),
    },
    {
      name: "redact the carrier's record (custodial)",
      method: "POST",
      url: `/v1/vaults/default/records/${REDACT_INDEX}/redact`,
      body: () => ({ reason: "erasure request" }),
      // Only a key that may write sealtrail.redaction: here the operator's (its author may too, with that permission).
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 201 : readersOfDefault.includes(c) ? 403 : 404),
    },
    {
      name: "redact a key record",
      method: "POST",
      url: "/v1/vaults/default/records/0/redact",
      body: () => ({}),
      // Permission first, then the rule: key, membership and redaction records are never redacted.
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 409 : readersOfDefault.includes(c) ? 403 : 404),
    },
    // EPCIS capture and query (issue 5): writers of custody.* capture, readers query.
    {
      name: "EPCIS capture of a document",
      method: "POST",
      url: "/v1/vaults/default/epcis/capture",
      body: epcisDocument,
      expect: (c) => (unauth.includes(c) ? 401 : writersOfDefault.includes(c) ? 202 : readersOfDefault.includes(c) ? 403 : 404),
    },
    {
      name: "EPCIS capture of one event",
      method: "POST",
      url: "/v1/vaults/default/epcis/events",
      body: () => epcisEvent("single"),
      expect: (c) => (unauth.includes(c) ? 401 : writersOfDefault.includes(c) ? 201 : readersOfDefault.includes(c) ? 403 : 404),
    },
    {
      name: "the carrier's capture job",
      method: "GET",
      get url() {
        return carrierJob;
      },
      // A job is its organisation's: other members see no such job.
      expect: (c) => (unauth.includes(c) ? 401 : ["carrierWriter", "carrierAdmin", "carrierReader"].includes(c) ? 200 : 404),
    },
    { name: "EPCIS query", method: "GET", url: `/v1/vaults/default/epcis/events?MATCH_epc=${encodeURIComponent(EPC)}`, expect: readRule(200, readersOfDefault) },
    {
      name: "EPCIS event by ID",
      method: "GET",
      get url() {
        return `/v1/vaults/default/epcis/events/${encodeURIComponent(capturedEventId)}`;
      },
      expect: readRule(200, readersOfDefault),
    },
    { name: "EPCIS events of an EPC", method: "GET", url: `/v1/vaults/default/epcis/epcs/${encodeURIComponent(EPC)}/events`, expect: readRule(200, readersOfDefault) },
    { name: "chain of custody", method: "GET", url: `/v1/vaults/default/custody/${encodeURIComponent(EPC)}`, expect: readRule(200, readersOfDefault) },
    { name: "private EPCIS query", method: "GET", url: "/v1/vaults/private/epcis/events", expect: readRule(200, ["operatorAdmin", "operatorReader"]) },
    {
      name: "open a custody incident",
      method: "POST",
      url: `/v1/vaults/default/custody/${encodeURIComponent(EPC)}/incident`,
      // Only a key that may write sms.incident opens one (the events captured here, days apart, leave time gaps to report).
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 201 : readersOfDefault.includes(c) ? 403 : 404),
    },
    { name: "list vaults", method: "GET", url: "/v1/vaults", expect: (c) => (unauth.includes(c) ? 401 : 200) },
    {
      name: "audit a vault",
      method: "GET",
      url: "/v1/vaults/default/audit",
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 200 : readersOfDefault.includes(c) ? 403 : 404),
    },
    {
      name: "create a vault",
      method: "POST",
      url: "/v1/vaults",
      body: () => ({ name: `v-${Math.random().toString(36).slice(2, 8)}` }),
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 201 : 403),
    },
    {
      name: "create an organisation",
      method: "POST",
      url: "/v1/orgs",
      body: () => ({ id: `o-${Math.random().toString(36).slice(2, 8)}`, name: "New BV", country: "BE", roles: ["warehouse"] }),
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" ? 201 : 403),
    },
    {
      name: "read the carrier organisation",
      method: "GET",
      url: "/v1/orgs/carrier",
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" || c.startsWith("carrier") ? 200 : 404),
    },
    {
      name: "create a carrier API key",
      method: "POST",
      url: "/v1/orgs/carrier/api-keys",
      body: () => ({ name: "new", write: ["custody.*"] }),
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" || c === "carrierAdmin" ? 201 : 404),
    },
    {
      name: "list carrier API keys",
      method: "GET",
      url: "/v1/orgs/carrier/api-keys",
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" || c === "carrierAdmin" ? 200 : 404),
    },
    {
      name: "give the carrier a custodial key in vault other",
      method: "POST",
      url: "/v1/orgs/carrier/custodial-keys",
      body: () => ({ vault: "other" }),
      expect: (c) => (unauth.includes(c) ? 401 : c === "operatorAdmin" || c === "carrierAdmin" ? 201 : 404),
    },
  ];

  it.each(cases)("$method $url ($name): each caller gets exactly its answer, and refusals leak nothing", async (tc) => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const c of CALLERS) {
      const res = await call(c, tc.method, tc.url, tc.body?.());
      got[c] = res.statusCode;
      want[c] = tc.expect(c);
      if (res.statusCode >= 400) {
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
        expect(res.body).not.toContain(SECRET);
        expect(res.body).not.toMatch(/sealtrail\/[0-9a-f]{8}\//); // no origin line, no checkpoint
        expect(Object.keys(res.json()).sort()).toEqual(["code", "detail", "instance", "status", "title", "type"]);
      }
    }
    expect(got).toEqual(want);
  });

  it("counts the matrix: every endpoint for every caller", () => {
    expect(cases.length * CALLERS.length).toBeGreaterThanOrEqual(250);
  });

  it("a member removed from a vault loses access from that log entry on, and the log says when", async () => {
    const before = await call("auditor", "GET", "/v1/vaults/default/checkpoint");
    expect(before.statusCode).toBe(200);
    const removed = await call("operatorAdmin", "DELETE", "/v1/vaults/default/members/auditor");
    expect(removed.statusCode).toBe(200);
    const { index } = removed.json() as { index: number };
    expect((await call("auditor", "GET", "/v1/vaults/default/checkpoint")).statusCode).toBe(404);
    const [row] = await log.ctx.store.entries("default", BigInt(index), BigInt(index) + 1n);
    const env = JSON.parse(new TextDecoder().decode(row!.entry)).env;
    expect(env).toMatchObject({ type: "sealtrail.member", author: "operator", mode: "custodial", member: { action: "remove", org: "auditor" } });
    await call("operatorAdmin", "PUT", "/v1/vaults/default/members/auditor", { read: true, write: [] });
    expect((await call("auditor", "GET", "/v1/vaults/default/checkpoint")).statusCode).toBe(200);
  });

  it("audits a vault over HTTP for its administrators", async () => {
    const res = await call("operatorAdmin", "GET", "/v1/vaults/default/audit");
    const report = res.json() as { vault: string; entries: number; problems: unknown[] };
    expect(report.vault).toBe("default");
    expect(report.entries).toBe(Number((await log.ctx.store.tree("default")).size));
    expect(report.problems).toEqual([]);
  });

  it("shows a new API key once and stores only its hash; a revoked key stops working", async () => {
    const res = await call("carrierAdmin", "POST", "/v1/orgs/carrier/api-keys", { name: "once", write: [] });
    const { token, key } = res.json() as { token: string; key: { id: string } };
    // stk_<16 hex id>_<secret>: the secret itself may contain "_".
    const secret = token.slice("stk_".length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(token).toMatch(/^stk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(key)).not.toContain(secret);
    const list = await call("carrierAdmin", "GET", "/v1/orgs/carrier/api-keys");
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain("secretHash");
    tokens.set("garbage", token);
    expect((await call("garbage", "GET", "/v1/vaults/default/checkpoint")).statusCode).toBe(200);
    expect((await call("carrierAdmin", "DELETE", `/v1/orgs/carrier/api-keys/${key.id}`)).statusCode).toBe(204);
    expect((await call("garbage", "GET", "/v1/vaults/default/checkpoint")).statusCode).toBe(401);
  });

  it("marks records signed by the server as custodial and records from the carrier's own key as author-signed", async () => {
    const own = await call("carrierWriter", "POST", "/v1/vaults/default/records", carrierRecord());
    const cust = await call("carrierWriter", "POST", "/v1/vaults/default/records/custodial", { type: "custody.handoff", payload: { a: 1 } });
    for (const [res, mode] of [
      [own, "author"],
      [cust, "custodial"],
    ] as const) {
      const { index } = (res.json() as { results: { index: number }[] }).results[0]!;
      const rec = await call("auditor", "GET", `/v1/vaults/default/records/${index}`);
      expect(rec.json().entry.env).toMatchObject({ author: "carrier", mode });
      // Every use of an API key is attributable: the record names the key that sent it.
      expect(rec.json().submittedBy).toBe(tokens.get("carrierWriter")!.split("_")[1]);
    }
  });
});
