import { readFileSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { SECURITY_NAMESPACE, epcUrnToDigitalLink, epcisDocumentEventHashIds, parseEntry } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { initialize } from "../src/ledger/bootstrap.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { createOrganisation } from "../src/access/orgs.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createApp } from "../src/http/app.js";
import { createCaptureService, type CaptureService } from "../src/custody/capture.js";
import { createEpcisValidator } from "../src/custody/epcis-validate.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

const VAULT = "default";
const DIR = new URL("../../../testdata/epcis-examples/", import.meta.url);
const examples = readdirSync(DIR)
  .filter((f) => f.endsWith(".jsonld"))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, DIR), "utf8") }))
  .filter(({ text }) => ["EPCISDocument", "EPCISQueryDocument"].includes((JSON.parse(text) as { type: string }).type));

const CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: SECURITY_NAMESPACE }];
const UNIT = "urn:epc:id:sscc:0614141.1234567890";
const PARTY = { carrier: "urn:epc:id:pgln:0614142.00001", terminal: "urn:epc:id:pgln:0614143.00001" };

function doc(events: object[]): string {
  return JSON.stringify({ "@context": CONTEXT, type: "EPCISDocument", schemaVersion: "2.0", creationDate: "2026-05-01T08:00:00.000Z", epcisBody: { eventList: events } });
}
const at = (h: number) => new Date(Date.UTC(2026, 4, 1, 8) + h * 3600_000).toISOString();
const base = (h: number) => ({ type: "ObjectEvent", action: "OBSERVE", epcList: [UNIT], eventTime: at(h), eventTimeZoneOffset: "+00:00" });
const seal = (action: string, condition = "intact") => ({
  "st:sealNumber": "H100",
  "st:issuer": PARTY.carrier,
  "st:classification": "H",
  "st:action": action,
  "st:condition": condition,
  ...(action === "checked" ? { "st:check": { "st:view": "pass", "st:verify": "pass", "st:tug": "pass", "st:twist": condition === "intact" ? "pass" : "fail" } } : {}),
});

for (const engine of ENGINES) {
  describe(`EPCIS capture, query and custody over HTTP (${engine})`, () => {
    let ctx: Context;
    let app: FastifyInstance;
    let capture: CaptureService;
    let cleanup: () => Promise<void>;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      const tmp = tempDir();
      const db = engine === "postgres" ? await freshDatabase() : undefined;
      ctx = await openContext({ data: tmp.dir, db: db?.url, checkpointIntervalMs: 100 });
      await initialize(ctx.store, ctx.ledger);
      const { store, ledger } = ctx;
      capture = createCaptureService({ ledger, store, validator: createEpcisValidator(), chunk: 7, threads: 2 });
      app = await createApp({ ledger, store, rateLimit: false, capture });
      cleanup = async () => {
        await app.close();
        await capture.close();
        await ctx.close();
        tmp.cleanup();
        await db?.drop();
      };
      await createOrganisation(store, { id: "carrier", name: "Rhine Carriers", country: "NL", roles: ["carrier"] });
      await createOrganisation(store, { id: "terminal", name: "Delta Terminal", country: "NL", roles: ["port_terminal"] });
      await createOrganisation(store, { id: "auditor", name: "Audit Body", country: "DE", roles: ["certification_body"] });
      await createCustodialKey(store, ledger, "carrier", VAULT);
      await createCustodialKey(store, ledger, "terminal", VAULT);
      await changeMembership(store, ledger, VAULT, { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
      await changeMembership(store, ledger, VAULT, { action: "set", org: "auditor", read: true, write: [], admin: false });
      const key = async (org: string, write: string[]) => (await createApiKey(store, org, { name: "t", vaults: "*", read: true, write, admin: false, expiresAt: null })).token;
      tokens.carrier = await key("carrier", ["custody.*"]);
      tokens.terminal = await key("terminal", ["custody.*"]);
      tokens.auditor = await key("auditor", []);
      tokens.operator = (await createApiKey(store, "operator", { name: "op", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token;
    });
    afterAll(async () => cleanup());

    const call = (who: string, method: "GET" | "POST", url: string, body?: string, headers: Record<string, string> = {}) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${tokens[who]}`, ...(body !== undefined ? { "content-type": "application/ld+json" } : {}), ...headers },
        ...(body !== undefined ? { payload: body } : {}),
      });
    const finished = async (location: string, who = "carrier") => {
      await capture.idle();
      const res = await call(who, "GET", location);
      expect(res.statusCode).toBe(200);
      return res.json() as { running: boolean; success: boolean; capturedCount: number; eventCount: number; errors: { event: number; problems: string[] }[]; documentErrors: string[] };
    };

    it("captures every GS1 example document: each event a signed custody.event record with its CBV 2.0 hash as ID when it has none", async () => {
      let total = 0;
      for (const { file, text } of examples) {
        const res = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, text, { "GS1-EPCIS-Version": "2.0.0" });
        expect(res.statusCode, file).toBe(202);
        expect(res.headers["gs1-epcis-version"]).toBe("2.0.0");
        const job = await finished(res.headers.location as string);
        const body = (JSON.parse(text) as { epcisBody: { eventList?: object[]; queryResults?: { resultsBody: { eventList: object[] } } } }).epcisBody;
        const events = body.eventList ?? body.queryResults!.resultsBody.eventList;
        // Some examples repeat an event of another example: those are duplicates, refused by hash.
        // One (AssociationEvent-h) gives its event two eventID members: not I-JSON, refused by name.
        if (!job.success) {
          expect(
            job.errors.every((e) => e.problems.some((p) => /already captured|same event|at \/eventID: duplicate member name/.test(p))),
            `${file}: ${JSON.stringify(job.errors)}`,
          ).toBe(true);
          continue;
        }
        expect(job.capturedCount, file).toBe(events.length);
        total += events.length;
      }
      expect(total).toBeGreaterThan(30);
      const rows = await ctx.store.findEntries(VAULT, { type: "custody.event", limit: 1000 });
      expect(rows.length).toBe(total);
      for (const r of rows) {
        const env = parseEntry(r.entry).env;
        expect(env.author).toBe("carrier");
        expect(env.mode).toBe("custodial");
      }
      // An example whose events had placeholder IDs keeps them; one without IDs gets the hash.
      const noIds = examples.find(({ text }) => !text.includes('"eventID"'));
      if (noIds !== undefined) {
        const hashes = epcisDocumentEventHashIds(JSON.parse(noIds.text) as object);
        const res = await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/events/${encodeURIComponent(hashes[0]!)}`);
        expect(res.statusCode).toBe(200);
        expect((res.json() as { eventID: string }).eventID).toBe(hashes[0]);
      }
    });

    it("refuses malformed documents naming the event and field, and rolls back the whole capture", async () => {
      const before = (await ctx.store.tree(VAULT)).size;
      const good = { ...base(100), bizStep: "receiving" };
      const bad = { ...base(101), eventTime: "2026-05-01 10:00" };
      const res = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([good, bad]));
      const job = await finished(res.headers.location as string);
      expect(job.success).toBe(false);
      expect(job.errors).toHaveLength(1);
      expect(job.errors[0]!.event).toBe(1);
      expect(job.errors[0]!.problems.join()).toMatch(/event 1: \/eventTime/);
      expect((await ctx.store.tree(VAULT)).size).toBe(before);

      // Proceed: the good one is stored, the bad one reported.
      const res2 = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([good, bad]), { "GS1-Capture-Error-Behaviour": "proceed" });
      const job2 = await finished(res2.headers.location as string);
      expect(job2.capturedCount).toBe(1);
      expect(job2.errors).toHaveLength(1);

      // A misspelt seal field, and a failed seal check filed as conformant: refused, naming the event and the field.
      const sealBad = await finished(
        (await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([{ ...base(103), "st:seals": [{ ...seal("applied"), "st:sealNumbr": "H1" }] }]))).headers.location as string,
      );
      expect(sealBad.errors[0]!.problems.join()).toMatch(/event 0: .*st:sealNumbr: not a field of the SealTrail security extension/);
      const contradiction = await call(
        "carrier",
        "POST",
        `/v1/vaults/${VAULT}/epcis/events`,
        JSON.stringify({ "@context": CONTEXT, ...base(104), bizStep: "inspecting", disposition: "conformant", "st:seals": [seal("checked", "broken")] }),
      );
      expect(contradiction.statusCode).toBe(422);
      expect((contradiction.json() as { detail: string }).detail).toMatch(/disposition non_conformant/);
      // Truncated, unknown event type, wrong version, not JSON at all.
      const trunc = await finished((await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([good]).slice(0, -10))).headers.location as string);
      expect(trunc.documentErrors.join()).toMatch(/EPCIS document/);
      const odd = await finished((await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([{ ...base(102), type: "MagicEvent" }]))).headers.location as string);
      expect(odd.errors[0]!.problems.join()).toMatch(/"MagicEvent" is not an EPCIS 2\.0 event type/);
      const v = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([good]), { "GS1-EPCIS-Version": "1.2" });
      expect(v.statusCode).toBe(400);
      expect(v.headers["content-type"]).toMatch(/problem\+json/);
    });

    it("checks and signs a large document on worker threads, storing its events in document order", async () => {
      const big = Array.from({ length: 600 }, (_, i) => ({ ...base(1000 + i), epcList: [`urn:epc:id:sscc:0614141.${5_000_000_000 + i}`], bizStep: "inspecting" }));
      // One bad event deep in the document: rolled back, and named by its position.
      const broken = big.map((e, i) => (i === 450 ? { ...e, eventTime: "not a time" } : e));
      const failed = await finished((await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc(broken))).headers.location as string);
      expect(failed.success).toBe(false);
      expect(failed.errors.map((e) => e.event)).toEqual([450]);
      expect(failed.errors[0]!.problems.join()).toMatch(/event 450: \/eventTime/);
      // Chunks of 300: records are built and signed on the workers too.
      const wide = createCaptureService({ ledger: ctx.ledger, store: ctx.store, validator: createEpcisValidator(), chunk: 300, threads: 2 });
      const started = wide.start(VAULT, "carrier", new TextEncoder().encode(doc(big)), "rollback");
      await wide.close();
      const job = { ...started };
      expect(job.success, JSON.stringify(job.errors.slice(0, 2))).toBe(true);
      expect(job.capturedCount).toBe(600);
      const { firstIndex, lastIndex } = job as unknown as { firstIndex: string; lastIndex: string };
      const rows = await ctx.store.entries(VAULT, BigInt(firstIndex), BigInt(lastIndex) + 1n);
      expect(rows.map((r) => (JSON.parse(r.payload!) as { epcList: string[] }).epcList[0])).toEqual(big.map((e) => e.epcList[0]));
    });

    it("refuses a document over the size limit with 413, storing nothing", async () => {
      const small = await createApp({ ledger: ctx.ledger, store: ctx.store, rateLimit: false, capture, maxCaptureBytes: 4096 });
      try {
        const before = (await ctx.store.tree(VAULT)).size;
        const huge = doc(Array.from({ length: 40 }, (_, i) => ({ ...base(600 + i), bizStep: "inspecting" })));
        expect(huge.length).toBeGreaterThan(4096);
        const res = await small.inject({ method: "POST", url: `/v1/vaults/${VAULT}/epcis/capture`, headers: { authorization: `Bearer ${tokens.carrier}`, "content-type": "application/ld+json" }, payload: huge });
        expect(res.statusCode).toBe(413);
        expect(res.headers["content-type"]).toMatch(/problem\+json/);
        await capture.idle();
        expect((await ctx.store.tree(VAULT)).size).toBe(before);
      } finally {
        await small.close();
      }
    });

    it("refuses writers without custody.* rights, and hides jobs of other organisations", async () => {
      const res = await call("auditor", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([base(200)]));
      expect(res.statusCode).toBe(403);
      const mine = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc([{ ...base(201), bizStep: "inspecting" }]));
      await capture.idle();
      expect((await call("terminal", "GET", mine.headers.location as string)).statusCode).toBe(404);
    });

    it("captures single events synchronously and finds duplicates by event hash", async () => {
      const ev = { "@context": CONTEXT, ...base(300), bizStep: "inspecting", disposition: "conformant" };
      const res = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/events`, JSON.stringify(ev));
      expect(res.statusCode).toBe(201);
      const { eventID, index } = res.json() as { eventID: string; index: string };
      expect(eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
      expect(res.headers.location).toContain(encodeURIComponent(eventID));
      const again = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/events`, JSON.stringify({ ...ev, eventID: "urn:uuid:11111111-2222-3333-4444-555555555555" }));
      expect(again.statusCode).toBe(409);
      const got = await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/events/${encodeURIComponent(eventID)}`);
      expect((got.json() as Record<string, { index: string }>)["stlog:record"]!.index).toBe(index);
      // An error declaration hashes as the event it corrects, and is captured all the same.
      const declared = { ...ev, eventID, errorDeclaration: { declarationTime: at(301), reason: "incorrect_data" } };
      const fix = await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/events`, JSON.stringify(declared));
      expect(fix.statusCode, fix.body).toBe(201);
      const errs = await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/events?EXISTS_errorDeclaration=&MATCH_epc=${encodeURIComponent(UNIT)}`);
      expect((errs.json() as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } }).epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
    });

    it("queries events with the standard parameters, pages through them, and lists an EPC's events", async () => {
      const events = [
        { ...base(400), bizStep: "shipping", disposition: "in_transit", sourceList: [{ type: "possessing_party", source: PARTY.carrier }], destinationList: [{ type: "possessing_party", destination: PARTY.terminal }] },
        { ...base(401), bizStep: "receiving", disposition: "in_progress", destinationList: [{ type: "possessing_party", destination: PARTY.terminal }] },
        { ...base(402), epcList: ["urn:epc:id:sscc:0614141.0000000017"], bizStep: "shipping" },
      ];
      await finished((await call("carrier", "POST", `/v1/vaults/${VAULT}/epcis/capture`, doc(events))).headers.location as string);
      const q = async (qs: string) => {
        const res = await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/events?${qs}`);
        expect(res.statusCode, qs).toBe(200);
        return res.json() as { type: string; epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } } };
      };
      const list = async (qs: string) => (await q(qs)).epcisBody.queryResults.resultsBody.eventList;
      expect((await q("EQ_bizStep=shipping")).type).toBe("EPCISQueryDocument");
      const shipped = await list(`EQ_bizStep=shipping&MATCH_epc=${encodeURIComponent(UNIT)}`);
      expect(shipped.map((e) => e.eventTime)).toEqual([at(400)]);
      expect(await list(`EQ_destination_possessing_party=${encodeURIComponent(PARTY.terminal)}&GE_eventTime=${encodeURIComponent(at(400))}`)).toHaveLength(2);
      expect(await list(`LT_eventTime=${encodeURIComponent(at(0))}&MATCH_epc=${encodeURIComponent(UNIT)}`)).toHaveLength(0);
      // Paging: one per page, following the Link header.
      let url = `/v1/vaults/${VAULT}/epcis/events?perPage=1&MATCH_anyEPC=${encodeURIComponent(UNIT)}&GE_eventTime=${encodeURIComponent(at(400))}`;
      const seen: unknown[] = [];
      for (let i = 0; i < 5 && url !== ""; i++) {
        const res = await call("auditor", "GET", url);
        seen.push(...(res.json() as { epcisBody: { queryResults: { resultsBody: { eventList: { eventTime: string }[] } } } }).epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventTime));
        const link = res.headers.link as string | undefined;
        url = link === undefined ? "" : /<([^>]+)>/.exec(link)![1]!;
      }
      expect(seen).toEqual([at(400), at(401)]);
      const byEpc = await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/epcs/${encodeURIComponent("urn:epc:id:sscc:0614141.0000000017")}/events`);
      expect((byEpc.json() as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } }).epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
      // The same EPC written as a GS1 Digital Link finds the same events.
      const dl = await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/epcs/${encodeURIComponent(epcUrnToDigitalLink("urn:epc:id:sscc:0614141.0000000017"))}/events`);
      expect(dl.statusCode).toBe(200);
      expect((dl.json() as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } }).epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
      expect((await call("auditor", "GET", `/v1/vaults/${VAULT}/epcis/events?EQ_colour=red`)).statusCode).toBe(400);
    });

    it("builds the chain of custody of a container across organisations, naming exceptions with their events", async () => {
      const C = "urn:epc:id:sscc:0614141.2222222226";
      const e = (h: number, f: object) => ({ type: "ObjectEvent", action: "OBSERVE", epcList: [C], eventTime: at(h), eventTimeZoneOffset: "+00:00", ...f });
      await finished(
        (
          await call(
            "carrier",
            "POST",
            `/v1/vaults/${VAULT}/epcis/capture`,
            doc([
              e(500, { bizStep: "loading", disposition: "container_closed", "st:seals": [seal("applied")] }),
              e(501, { bizStep: "shipping", disposition: "in_transit", sourceList: [{ type: "possessing_party", source: PARTY.carrier }], destinationList: [{ type: "possessing_party", destination: PARTY.terminal }] }),
            ]),
          )
        ).headers.location as string,
      );
      // The terminal is not a member: its receipt is refused nowhere, but named in the chain.
      const rec = await call(
        "terminal",
        "POST",
        `/v1/vaults/${VAULT}/epcis/events`,
        JSON.stringify({ "@context": CONTEXT, ...e(503, { bizStep: "receiving", disposition: "non_conformant", destinationList: [{ type: "possessing_party", destination: PARTY.terminal }], "st:seals": [seal("checked", "broken")] }) }),
      );
      expect(rec.statusCode).toBe(404); // not a member of the vault: as if the vault did not exist
      const rec2 = await call(
        "carrier",
        "POST",
        `/v1/vaults/${VAULT}/epcis/events`,
        JSON.stringify({ "@context": CONTEXT, ...e(503, { bizStep: "receiving", disposition: "non_conformant", destinationList: [{ type: "possessing_party", destination: PARTY.terminal }], "st:seals": [seal("checked", "broken")] }) }),
      );
      expect(rec2.statusCode).toBe(201);
      const res = await call("auditor", "GET", `/v1/vaults/${VAULT}/custody/${encodeURIComponent(C)}`);
      expect(res.statusCode).toBe(200);
      const chain = res.json() as { steps: { holder: string | null; seals: string[]; author: string }[]; exceptions: { kind: string; eventIds: string[] }[]; stats: { sealChecks: number; sealCheckFailures: number } };
      expect(chain.steps).toHaveLength(3);
      expect(chain.steps.map((s) => s.holder)).toEqual([null, PARTY.terminal, PARTY.terminal]);
      expect(chain.steps[0]!.seals).toEqual(["H100"]);
      expect(chain.exceptions.map((x) => x.kind)).toEqual(["seal_check_failed"]);
      expect(chain.stats).toMatchObject({ sealChecks: 1, sealCheckFailures: 1 });
      // The exceptions open an incident that names the records behind them.
      const inc = await call("operator", "POST", `/v1/vaults/${VAULT}/custody/${encodeURIComponent(C)}/incident`);
      expect(inc.statusCode, inc.body).toBe(201);
      const incident = await call("auditor", "GET", `/v1/vaults/${VAULT}/records/${(inc.json() as { index: string }).index}`);
      expect((incident.json() as { entry: { env: { type: string } }; payload: { custody: { exceptions: { kind: string }[] } } }).payload.custody.exceptions.map((x) => x.kind)).toEqual(["seal_check_failed"]);
      expect((await call("carrier", "POST", `/v1/vaults/${VAULT}/custody/${encodeURIComponent(C)}/incident`)).statusCode).toBe(403);
      // The same chain found by the container's GS1 Digital Link.
      const dl = await call("auditor", "GET", `/v1/vaults/${VAULT}/custody/${encodeURIComponent(epcUrnToDigitalLink(C))}`);
      expect((dl.json() as { steps: unknown[] }).steps).toHaveLength(3);
    });
  });
}
