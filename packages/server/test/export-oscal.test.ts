/**
 * The OSCAL export of the demo vault: valid against NIST's published OSCAL
 * 1.0.6 assessment-results JSON Schema (testdata/oscal/SOURCE.md), the same
 * document for the same vault and day, each detected gap a risk, and each
 * readiness item's finding citing, through its observation, exactly the
 * records (ids and log indices) core judged it by; the entries those hrefs
 * name are the records they say. Through the CLI and over HTTP too; and on
 * PostgreSQL, beside another vault, the same findings on the same records.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";
import type { FastifyInstance } from "fastify";
import { computeReadiness, detectGaps, parseEntry } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { createApp } from "../src/http/app.js";
import { createSmsStates } from "../src/sms/state.js";
import { oscalExportOf } from "../src/export/vault-exports.js";
import { entryHref, OSCAL_VERSION } from "../src/export/oscal.js";
import { uuidV5 } from "../src/export/name-uuid.js";
import { cli } from "./helpers/cli.js";
import { tempDir, tempLog } from "./helpers/temp-log.js";
import { buildDemo } from "../src/demo/build-demo.js";

const TODAY = "2026-12-08";
// ajv-formats' CommonJS default export, typed as the module under NodeNext (as in custody/epcis-validate.ts).
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const SCHEMA_FILE = join(import.meta.dirname, "../../../testdata/oscal/oscal_assessment-results_schema.json");

/**
 * NIST's schema is draft-07 (ajv 8's default draft). Its NCName and name
 * patterns use Unicode property escapes (\p{L}, \p{N}), which mean letters
 * and digits only with the RegExp "u" flag: unicodeRegExp (ajv's default,
 * set here on purpose) gives it. ajv-formats supplies the date-time, uri,
 * uri-reference and email formats the schema names. Nothing else is
 * configured: strict mode stays on, and the schema compiles under it.
 */
function oscalValidator(opts: { unicodeRegExp: boolean } = { unicodeRegExp: true }): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, ...opts });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as object);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("OSCAL assessment results of the demo vault", () => {
  const { dir, cleanup } = tempDir();
  let ctx: Context;
  let app: FastifyInstance;
  let apiKey: string;
  let doc: Json;
  const validate = oscalValidator();
  const exportOf = (asOf: string) => oscalExportOf({ vault: (n) => ctx.store.vault(n), states: createSmsStates(ctx.store) }, "demo", asOf, TODAY) as Promise<Json>;

  beforeAll(async () => {
    const r = await cli(["demo", "--data", dir, "--today", TODAY, "--json"]);
    expect(r.code).toBe(0);
    apiKey = (JSON.parse(r.out) as { apiKey: string }).apiKey;
    ctx = await openContext({ data: dir });
    app = await createApp({ ledger: ctx.ledger, store: ctx.store, rateLimit: false });
    doc = await exportOf(TODAY);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    cleanup();
  });

  it("is valid against NIST's OSCAL assessment-results schema", () => {
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc["assessment-results"].metadata["oscal-version"]).toBe(OSCAL_VERSION);
  });

  it("is refused by the schema when broken the way a careless export would be", () => {
    // A clause number is not an NCName token (it starts with a digit): the reason control ids read clause-6.1.2.
    const bad = structuredClone(doc);
    bad["assessment-results"].results[0]["reviewed-controls"]["control-selections"][0]["include-controls"][0]["control-id"] = "4.1";
    expect(validate(bad)).toBe(false);
    const noPlan = structuredClone(doc);
    delete noPlan["assessment-results"]["import-ap"];
    expect(validate(noPlan)).toBe(false);
    // A random-looking UUID of version 1 is outside the schema's versions 4 and 5.
    const v1 = structuredClone(doc);
    v1["assessment-results"].uuid = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
    expect(validate(v1)).toBe(false);
    // Without the "u" flag \p{L} is a literal "p{L}": a plain token no longer matches.
    const noUnicode = oscalValidator({ unicodeRegExp: false });
    expect(noUnicode(doc)).toBe(false);
  });

  it("is the same document for the same vault and day, and another for another day", async () => {
    const again = await exportOf(TODAY);
    expect(JSON.stringify(again)).toBe(JSON.stringify(doc));
    const earlier = await exportOf("2026-10-01");
    expect(validate(earlier)).toBe(true);
    expect(earlier["assessment-results"].uuid).not.toBe(doc["assessment-results"].uuid);
    // Name-based UUIDs (RFC 9562 §5.5): appendix A.4's vector, the DNS namespace and www.example.com.
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    const uuids = JSON.stringify(doc).match(/"(uuid|observation-uuid|risk-uuid)":"[^"]+"/g)!;
    const own = new Set(uuids.filter((u) => u.startsWith('"uuid"')));
    expect(own.size).toBe(uuids.filter((u) => u.startsWith('"uuid"')).length);
  });

  it("makes each detected gap a risk, with the gap's findings as its statement", async () => {
    const s = await createSmsStates(ctx.store).of("demo");
    const detected = detectGaps(s.state, TODAY).gaps.filter((g) => g.detected);
    const result = doc["assessment-results"].results[0];
    const risks = result.risks as Json[];
    const gapOf = (r: Json) => (r.props as Json[]).find((p) => p.name === "gap-id")!.value as string;
    expect(risks.map(gapOf).sort()).toEqual(detected.map((g) => g.id).sort());
    expect(risks.map(gapOf).sort()).toEqual(["acceptance-missing", "awareness-gaps", "documents-uncontrolled", "partners-unassured", "plans-unexercised"]);
    const docs = risks.find((r) => gapOf(r) === "documents-uncontrolled")!;
    expect(docs.status).toBe("open");
    expect(docs.statement).toBe("document DOC-VIS was due for review on 2026-11-18");
    // The clause finding of a clause the gap names points at the risk.
    const finding = (result.findings as Json[]).find((f) => (f["related-risks"] as Json[] | undefined)?.some((x) => x["risk-uuid"] === docs.uuid));
    expect(finding).toBeDefined();
  });

  it("gives each readiness item a finding whose observation cites exactly the records behind it, by id and log index", async () => {
    const s = await createSmsStates(ctx.store).of("demo");
    const readiness = computeReadiness(s.state, TODAY);
    const result = doc["assessment-results"].results[0];
    const observations = new Map((result.observations as Json[]).map((o) => [o.uuid as string, o]));
    for (const item of readiness.items) {
      const f = (result.findings as Json[]).find((x) => x.target["target-id"] === `readiness-${item.id}`)!;
      expect(f.target.status.state).toBe(item.passed ? "satisfied" : "not-satisfied");
      const obs = observations.get(f["related-observations"][0]["observation-uuid"])!;
      const cited = ((obs["relevant-evidence"] ?? []) as Json[]).map((e) => {
        const p = Object.fromEntries((e.props as Json[]).map((x) => [x.name, x.value]));
        expect(e.href).toBe(entryHref("demo", Number(p["log-index"])));
        return { type: p["record-type"], id: p["record-id"], index: Number(p["log-index"]) };
      });
      expect(cited).toEqual(item.refs.map((r) => ({ type: r.type, id: r.id, index: r.index })));
    }
    const failed = readiness.items.filter((i) => !i.passed).map((i) => `readiness-${i.id}`);
    expect(failed).toEqual(["readiness-treatment-accepted", "readiness-security-plans-exercised", "readiness-communication-document-control", "readiness-pre-assessment-done"]);

    // Every href names a log entry holding the record it says (type and record id).
    const evidence = (result.observations as Json[]).flatMap((o) => (o["relevant-evidence"] ?? []) as Json[]);
    expect(evidence.length).toBeGreaterThan(50);
    for (const e of evidence.slice(0, 200)) {
      const p = Object.fromEntries((e.props as Json[]).map((x) => [x.name, x.value]));
      const [row] = await ctx.store.entries("demo", BigInt(p["log-index"]), BigInt(p["log-index"]) + 1n);
      const env = parseEntry(row!.entry).env;
      expect(env.type).toBe(p["record-type"]);
      const payload = JSON.parse(Buffer.from(row!.payload!).toString("utf8")) as { id?: string; eventID?: string };
      expect(payload.id ?? payload.eventID).toBe(p["record-id"]);
    }
  });

  it("names the vault's catalogue adoption as its assessment plan", () => {
    const ap = doc["assessment-results"]["import-ap"];
    expect(ap.href).toMatch(/^sealtrail:vault\/demo\/entry\/[0-9]+$/);
    expect(ap.remarks).toMatch(/sms\.catalogue record at log index/);
  });

  it("is what `sealtrail export oscal` writes, and what the server answers", async () => {
    const r = await cli(["export", "oscal", "--data", dir, "--vault", "demo", "--as-of", TODAY]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(doc);

    const auth = { authorization: `Bearer ${apiKey}` };
    const res = await app.inject({ method: "GET", url: `/v1/vaults/demo/sms/exports/oscal?asOf=${TODAY}`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(doc);
    const bad = await app.inject({ method: "GET", url: "/v1/vaults/demo/sms/exports/oscal?asOf=2026-02-30", headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "malformed", errors: { parameter: "asOf" } });
    const none = await app.inject({ method: "GET", url: "/v1/vaults/nowhere/sms/exports/oscal", headers: auth });
    expect(none.statusCode).toBe(404);
    const anon = await app.inject({ method: "GET", url: "/v1/vaults/demo/sms/exports/oscal" });
    expect(anon.statusCode).toBe(401);
  });

  it("is what `sealtrail export oscal --server` fetches, and names the server's refusal", async () => {
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    process.env.SEALTRAIL_API_KEY = apiKey;
    try {
      const { dir: outDir, cleanup: removeOut } = tempDir();
      try {
        const file = join(outDir, "demo.oscal.json");
        const r = await cli(["export", "oscal", "--server", url, "--vault", "demo", "--as-of", TODAY, "--out", file]);
        expect(r.code).toBe(0);
        expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(doc);
      } finally {
        removeOut();
      }
      const none = await cli(["export", "oscal", "--server", url, "--vault", "nowhere"]);
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/not_found.*nowhere/);
      const bad = await cli(["export", "oscal", "--server", url, "--vault", "demo", "--as-of", "2026-13-01"]);
      expect(bad.err).toMatch(/malformed.*asOf/);
    } finally {
      delete process.env.SEALTRAIL_API_KEY;
    }
  });

  it("leaves `sealtrail export` of evidence bundles as it was", async () => {
    const missing = await cli(["export", "--data", dir, "--query", "type=sms.risk"]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/required option '--vault <name>' not specified/);
    const bundle = await cli(["export", "--data", dir, "--vault", "demo", "--query", "type=sms.scope"]);
    expect(bundle.code).toBe(0);
    expect((JSON.parse(bundle.out) as { records: unknown[] }).records.length).toBeGreaterThan(0);
    const oscalNoVault = await cli(["export", "oscal", "--data", dir]);
    expect(oscalNoVault.code).not.toBe(0);
    expect(oscalNoVault.err).toMatch(/required option '--vault <name>' not specified/);
  });
});

// What an assessment says, without what names its log (origin, root, UUIDs,
// log indices): each finding's target and status, and the records each cites.
function judgement(d: Json): unknown {
  const result = d["assessment-results"].results[0];
  const observations = new Map((result.observations as Json[]).map((o) => [o.uuid as string, o]));
  return (result.findings as Json[]).map((f) => ({
    target: f.target,
    // By record (type and id): the indices differ where the vault shares its log's organisations with another,
    // and an incident opened from a custody exception is named by the moment it was opened.
    evidence: (f["related-observations"] as Json[]).flatMap((r) =>
      ((observations.get(r["observation-uuid"])!["relevant-evidence"] ?? []) as Json[]).map((e) => (e.props as Json[]).filter((p) => p.name !== "log-index").map((p) => p.value as string).join(" ").replace(/INC-[0-9]{8}T[0-9]{9}Z-/, "INC-(opened at)-")),
    ),
  }));
}

describe("OSCAL assessment results of the demo vault on PostgreSQL, beside another vault", () => {
  it("says what the SQLite vault's says, and is valid against NIST's schema", async () => {
    const { dir, cleanup } = tempDir();
    const log = await tempLog({ engine: "postgres" });
    try {
      await buildDemo(log.ctx, { vault: "demo", today: TODAY });
      const pg = (await oscalExportOf({ vault: (n) => log.ctx.store.vault(n), states: createSmsStates(log.ctx.store) }, "demo", TODAY, TODAY)) as Json;
      const validate = oscalValidator();
      expect(validate(pg)).toBe(true);
      expect((await cli(["demo", "--data", dir, "--today", TODAY])).code).toBe(0);
      const sqlite = JSON.parse((await cli(["export", "oscal", "--data", dir, "--vault", "demo", "--as-of", TODAY])).out) as Json;
      expect(judgement(pg)).toEqual(judgement(sqlite));
      // Another log: other UUIDs, as they are named from the log's origin.
      expect(pg["assessment-results"].uuid).not.toBe(sqlite["assessment-results"].uuid);
    } finally {
      await log.close();
      cleanup();
    }
  }, 180_000);
});
