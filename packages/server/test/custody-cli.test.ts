import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { SECURITY_NAMESPACE, epcUrnToDigitalLink } from "@sealtrail/core";
import { createOrganisation } from "../src/access/orgs.js";
import { createApiKey } from "../src/access/api-keys.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { createCaptureService } from "../src/custody/capture.js";
import { createEpcisValidator } from "../src/custody/epcis-validate.js";
import { createApp } from "../src/http/app.js";
import { renderPdf } from "../src/report/pdf.js";
import { cli } from "./helpers/cli.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";

const UNIT = "urn:epc:id:sscc:0614141.3333333333";
const OTHER = "urn:epc:id:sscc:0614141.4444444444";
const PARTY = { maker: "urn:epc:id:pgln:0614141.00001", carrier: "urn:epc:id:pgln:0614142.00001" };
const at = (h: number) => new Date(Date.UTC(2026, 4, 1, 8) + h * 3600_000).toISOString();
const ev = (epc: string, h: number, f: object) => ({ type: "ObjectEvent", action: "OBSERVE", epcList: [epc], eventTime: at(h), eventTimeZoneOffset: "+00:00", ...f });
const seal = (action: string, condition = "intact") => ({
  "st:sealNumber": "H7",
  "st:issuer": PARTY.maker,
  "st:classification": "H",
  "st:action": action,
  "st:condition": condition,
  ...(action === "checked" ? { "st:check": { "st:view": condition === "intact" ? "pass" : "fail", "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" } } : {}),
});

const FONTS = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

/** Text of every page, as PDF.js (Mozilla's reader) extracts it. */
async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: bytes, useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: FONTS }).promise;
  let text = "";
  for (let i = 1; i <= doc.numPages; i++) {
    const c = await (await doc.getPage(i)).getTextContent();
    text += c.items.map((x) => ("str" in x ? x.str : "")).join("\n") + "\n";
  }
  // Wrapped lines come apart as items: compare with spaces.
  return { pages: doc.numPages, text: text.replace(/\s+/g, " ") };
}

describe("sealtrail custody", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let url = "";
  let token = "";

  beforeAll(async () => {
    log = await tempLog();
    const { store, ledger } = log.ctx;
    await createOrganisation(store, { id: "carrier", name: "Carrier", country: "NL", roles: ["carrier"] });
    await createCustodialKey(store, ledger, "carrier", "default");
    await changeMembership(store, ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    const capture = createCaptureService({ ledger, store, validator: createEpcisValidator() });
    const doc = {
      "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: SECURITY_NAMESPACE }],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: at(0),
      epcisBody: {
        eventList: [
          ev(UNIT, 0, { bizStep: "loading", disposition: "container_closed", "st:seals": [seal("applied")] }),
          ev(UNIT, 1, { bizStep: "shipping", disposition: "in_transit", sourceList: [{ type: "possessing_party", source: PARTY.maker }], destinationList: [{ type: "possessing_party", destination: PARTY.carrier }] }),
          ev(UNIT, 2, { bizStep: "receiving", disposition: "non_conformant", destinationList: [{ type: "possessing_party", destination: PARTY.carrier }], "st:seals": [seal("checked", "tampered")] }),
          ev(OTHER, 3, { bizStep: "inspecting", disposition: "conformant" }),
        ],
      },
    };
    const job = capture.start("default", "carrier", new TextEncoder().encode(JSON.stringify(doc)), "rollback");
    await capture.idle();
    expect(job.success, JSON.stringify(job)).toBe(true);
    await ledger.publish("default");
    app = await createApp({ ledger, store, rateLimit: false });
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    token = (await createApiKey(store, "carrier", { name: "t", vaults: "*", read: true, write: [], admin: false, expiresAt: null })).token;
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  it("prints the chain with its exceptions and exits 1 when there are any; a clean chain exits 0", async () => {
    const r = await cli(["custody", "--data", log.dir, UNIT]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain(`Chain of custody of ${UNIT}`);
    expect(r.out).toMatch(/seal_check_failed: seal H7 found tampered/);
    expect(r.out).toMatch(/seal integrity failure rate 100\.0%/);
    const clean = await cli(["custody", "--data", log.dir, OTHER]);
    expect(clean.code, clean.err).toBe(0);
    expect(clean.out).toContain("Exceptions: none");
    const none = await cli(["custody", "--data", log.dir, "urn:epc:id:sscc:0614141.9999999999"]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no custody events/);
  });

  it("prints JSON with the KPI figures, for the URN or the Digital Link, locally and from a server", async () => {
    const local = await cli(["custody", "--data", log.dir, "--json", epcUrnToDigitalLink(UNIT)]);
    const chain = JSON.parse(local.out) as { steps: { holder: string | null }[]; exceptions: { kind: string; indices: number[] }[]; kpis: { sealIntegrityFailureRate: number; custodyExceptions: number } };
    expect(chain.steps.map((s) => s.holder)).toEqual([null, PARTY.carrier, PARTY.carrier]);
    expect(chain.kpis).toEqual({ sealIntegrityFailureRate: 1, custodyExceptions: 1 });
    process.env.SEALTRAIL_API_KEY = token;
    try {
      const remote = await cli(["custody", "--server", url, "--json", UNIT]);
      expect(remote.code, remote.err).toBe(1);
      const rc = JSON.parse(remote.out) as typeof chain;
      expect(rc.exceptions).toEqual(chain.exceptions);
      expect(rc.steps).toEqual(chain.steps);
    } finally {
      delete process.env.SEALTRAIL_API_KEY;
    }
  });

  it("opens an incident for the exceptions, locally and through a server, naming the records behind them", async () => {
    const local = await cli(["custody", "--data", log.dir, "--open-incident", UNIT]);
    expect(local.code).toBe(1);
    const index = /incident opened: record (\d+)/.exec(local.err)?.[1];
    expect(index, local.err).toBeDefined();
    const [row] = await log.ctx.store.entries("default", BigInt(index!), BigInt(index!) + 1n);
    const incident = JSON.parse(row!.payload!) as { title: string; severity: string; custody: { identifier: string; exceptions: { kind: string; records: string[] }[] } };
    expect(row!.type).toBe("sms.incident");
    expect(incident).toMatchObject({ severity: "high", custody: { identifier: UNIT } });
    expect(incident.custody.exceptions.map((x) => x.kind)).toEqual(["seal_check_failed"]);
    // Found again by the container's identifier.
    const bySubject = await log.ctx.store.findEntries("default", { type: "sms.incident", subject: epcUrnToDigitalLink(UNIT), limit: 10 });
    expect(bySubject.map((r) => r.index.toString())).toEqual([index]);
    // Through the server: the carrier's key may not write sms.incident.
    process.env.SEALTRAIL_API_KEY = token;
    try {
      const remote = await cli(["custody", "--server", url, "--open-incident", UNIT]);
      expect(remote.code).toBe(1);
      expect(remote.err).toMatch(/sms\.incident/);
    } finally {
      delete process.env.SEALTRAIL_API_KEY;
    }
  });

  it("writes a PDF report that a real PDF reader opens, with every event and exception and the records behind them", async () => {
    const file = join(log.dir, "custody.pdf");
    const r = await cli(["custody", "--data", log.dir, "--pdf", file, UNIT]);
    expect(r.code).toBe(1);
    const { pages, text } = await pdfText(new Uint8Array(readFileSync(file)));
    expect(pages).toBe(1);
    expect(text).toContain(`Chain of custody of ${UNIT}`);
    expect(text).toMatch(/seal_check_failed/);
    for (const h of [0, 1, 2]) expect(text).toContain(at(h));
    expect(text).toMatch(/record \d+/);
  });

  it("breaks long reports into numbered pages and keeps text outside Latin-1 readable", async () => {
    const blocks = Array.from({ length: 200 }, (_, i) => ({ kind: "text" as const, text: `line ${i} (brackets) and \\ back-slash, café, 東京` }));
    const { pages, text } = await pdfText(renderPdf([{ kind: "title", text: "Long" }, ...blocks], { title: "Long", footer: "test" }));
    expect(pages).toBeGreaterThan(2);
    expect(text).toContain("line 199 (brackets) and \\ back-slash, café, ??");
    expect(text).toContain(`page ${pages} of ${pages}`);
  });
});
