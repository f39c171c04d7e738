/**
 * The certification-readiness report on the demo vault (a real SQLite data
 * directory): the PDF's text as PDF.js extracts it, and the HTML as a parser
 * reads it, hold the figures core computes from the same records (readiness,
 * each failing item, each gap and its findings with their records, each
 * KPI's value and trend, due items) and the checkpoint they were computed at;
 * the PDF has page numbers, a contents page whose numbers point at the
 * sections, and bookmarks; the HTML is the same bytes for the same vault and
 * day. The CLI and the HTTP route give the same documents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { parseHTML } from "linkedom";
import type { FastifyInstance } from "fastify";
import { computeKpis, computeReadiness, detectGaps, dueItems, toHex, type KpiResult } from "@sealtrail/core";
import { buildDemo } from "../src/demo/build-demo.js";
import { openContext, type Context } from "../src/main.js";
import { createSmsStates } from "../src/sms/state.js";
import { createApp } from "../src/http/app.js";
import { buildReadinessModel, kpiValueText, type ReadinessReportModel } from "../src/report/readiness/index.js";
import { renderReadinessHtml } from "../src/report/readiness/html.js";
import { renderReadinessPdf } from "../src/report/readiness/pdf.js";
import { cli } from "./helpers/cli.js";
import { tempDir } from "./helpers/temp-log.js";

const TODAY = "2026-12-08";
const FONTS = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

// Wrapped lines and table cells come apart as text items: compare without any white space.
const compact = (s: string) => s.replace(/\s+/g, "");

/** Text of each page, as PDF.js (Mozilla's reader) extracts it, and the outline's titles. */
async function pdfPages(bytes: Uint8Array): Promise<{ pages: string[]; outline: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: FONTS }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const c = await (await doc.getPage(i)).getTextContent();
    pages.push(c.items.map((x) => ("str" in x ? x.str : "")).join(" "));
  }
  const outline = ((await doc.getOutline()) ?? []).map((o) => o.title);
  await doc.destroy();
  return { pages, outline };
}

describe("readiness report (demo vault, SQLite)", () => {
  const { dir, cleanup } = tempDir();
  let ctx: Context;
  let apiKey = "";
  let model: ReadinessReportModel;
  let pdf: Buffer;
  let html: string;
  let pages: string[] = [];
  let outline: string[] = [];
  let all = "";

  beforeAll(async () => {
    ctx = await openContext({ data: dir, checkpointIntervalMs: 1000 });
    apiKey = (await buildDemo(ctx, { vault: "demo", today: TODAY })).apiKey ?? "";
    const s = await createSmsStates(ctx.store).of("demo");
    model = await buildReadinessModel(ctx.ledger.reader, "demo", s, TODAY);
    pdf = await renderReadinessPdf(model);
    html = renderReadinessHtml(model);
    ({ pages, outline } = await pdfPages(pdf));
    all = compact(pages.join(" "));
  }, 240_000);
  afterAll(async () => {
    await ctx.close();
    cleanup();
  });

  // The figures, computed again by core from the vault's records, not read from the model.
  async function figures() {
    const s = await createSmsStates(ctx.store).of("demo");
    return {
      readiness: computeReadiness(s.state, TODAY),
      gaps: detectGaps(s.state, TODAY),
      kpis: computeKpis(s.state, { from: "2026-12-01", to: TODAY }, { periods: "month", count: 12 }).kpis,
      due: dueItems(s.state, TODAY),
      cp: (await ctx.ledger.reader.latestCheckpoint("demo"))!,
      size: s.size,
    };
  }

  it("is a PDF of several pages, each numbered 'Page n of N', with a running title", () => {
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pages.length).toBeGreaterThan(10);
    pages.forEach((p, i) => expect(compact(p)).toContain(compact(`Page ${i + 1} of ${pages.length}`)));
    for (const p of pages.slice(1)) expect(compact(p)).toContain(compact("Certification readiness report: demo, 2026-12-08"));
  });

  it("has a contents page whose page numbers point at each section's heading, and a bookmark per section", () => {
    const toc = pages[1]!.replace(/\s+/g, " ");
    expect(toc).toContain("Contents");
    const titles = ["Summary", "Checkpoint and provenance", "Maturity", "Clause by clause", "Key performance indicators", "Readiness items", "Gaps", "Due and overdue items"];
    let last = 2;
    titles.forEach((t, i) => {
      const m = new RegExp(`(?:^| )${i + 1} ${t} ([0-9]+)(?: |$)`).exec(toc);
      expect(m, `contents entry ${t}`).not.toBeNull();
      const page = Number(m![1]);
      expect(page).toBeGreaterThan(last);
      last = page;
      // The page it names starts with the section's numbered heading (the running title is drawn after the page's content).
      expect(compact(pages[page - 1]!).startsWith(compact(`${i + 1} ${t}`)), `page ${page} starts with ${t}`).toBe(true);
    });
    expect(outline).toEqual(titles.map((t, i) => `${i + 1} ${t}`));
  });

  it("states the checkpoint and root hash the figures were computed at", async () => {
    const f = await figures();
    expect(f.cp.size).toBe(f.size);
    expect(all).toContain(compact(`Checkpoint size ${f.cp.size}`));
    expect(all).toContain(compact(`Checkpoint root hash ${toHex(f.cp.root)}`));
    expect(all).toContain(compact(`tree size ${f.size}, root hash ${toHex(f.cp.root)}`));
    expect(all).toContain(compact("Cosignatures none (no witness cosigned this checkpoint)"));
    expect(all).toContain(compact("Anchors none for this checkpoint"));
  });

  it("holds the readiness figures: the count passed, each failing item and what it misses, each item's records", async () => {
    const { readiness } = await figures();
    expect(readiness.passed).toBe(11);
    expect(all).toContain(compact(`${readiness.passed} of ${readiness.items.length} readiness items passed`));
    expect(all).toContain(compact(`${readiness.passed} of ${readiness.items.length} items pass on ${TODAY}`));
    const failing = readiness.items.filter((i) => !i.passed);
    expect(failing.length).toBe(4);
    for (const i of failing) {
      expect(all).toContain(compact(`${i.name} (${i.id}): ${i.missing.join("; ")}`));
      expect(all).toContain(compact(`${i.name} not passed ${i.id}`));
    }
    for (const i of readiness.items) for (const r of i.refs.slice(0, 20)) expect(all).toContain(compact(`${r.id} #${r.index}`));
  });

  it("holds each gap detected, each finding and the records it names", async () => {
    const { gaps } = await figures();
    expect(all).toContain(compact(`${gaps.detected} of ${gaps.gaps.length} common gaps detected on ${TODAY}`));
    for (const g of gaps.gaps.filter((x) => x.detected)) {
      expect(all).toContain(compact(`${g.name} detected ${g.id}`));
      for (const f of g.findings) {
        expect(all).toContain(compact(f.message));
        for (const r of f.refs) expect(all).toContain(compact(`${r.id} #${r.index}`));
      }
    }
    for (const g of gaps.gaps.filter((x) => !x.detected)) expect(all).toContain(compact(`${g.name} (${g.id})`));
  });

  it("holds each of the twelve KPIs with its value and trend direction", async () => {
    const { kpis } = await figures();
    expect(kpis).toHaveLength(12);
    const text = (k: KpiResult) => kpiValueText(k.unit, k.value, k.amounts);
    for (const k of kpis) {
      expect(all, k.id).toContain(compact(`${k.name} ${text(k)} ${k.trend.direction ?? "too few points"}`));
      for (const r of k.refs) expect(all).toContain(compact(`${r.id} #${r.index}`));
    }
    // The demo's own figures: two incidents this month, 87.5 % of risks treated and accepted.
    expect(all).toContain(compact("Security incidents 2"));
    expect(all).toContain(compact("Risks treated with residual risk accepted 87.5 %"));
  });

  it("lists every overdue item with its record", async () => {
    const { due } = await figures();
    const overdue = due.owners.flatMap((o) => o.items).filter((i) => i.overdue);
    expect(overdue.length).toBe(due.overdue);
    expect(all).toContain(compact(`Overdue on ${TODAY} (${due.overdue})`));
    for (const i of overdue) expect(all).toContain(compact(`${i.due} ${-i.daysLeft} day`));
    for (const i of overdue) expect(all).toContain(compact(`${i.ref.id} #${i.ref.index}`));
  });

  it("gives the same figures in the HTML, read by an HTML parser, with the charts inline", async () => {
    const f = await figures();
    const { document } = parseHTML(html);
    const text = (sel: string) => compact(document.querySelector(sel)?.textContent ?? "");
    expect(document.querySelectorAll("nav.toc a").length).toBe(8);
    for (const a of document.querySelectorAll("nav.toc a")) expect(document.getElementById(a.getAttribute("href")!.slice(1))).not.toBeNull();
    expect(text("#summary")).toContain(compact(`${f.readiness.passed} of ${f.readiness.items.length} readiness items passed`));
    for (const i of f.readiness.items.filter((x) => !x.passed)) expect(text("#readiness")).toContain(compact(`not passed ${i.name} ${i.id}`));
    for (const g of f.gaps.gaps.filter((x) => x.detected)) for (const x of g.findings) expect(text("#gaps")).toContain(compact(x.message));
    const rows = [...document.querySelectorAll("#kpis table tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual(f.kpis.map((k) => [k.name, kpiValueText(k.unit, k.value, k.amounts), k.trend.direction ?? "too few points"]));
    expect(text("#checkpoint")).toContain(compact(`Checkpoint size${f.cp.size}`));
    expect(text("#checkpoint")).toContain(toHex(f.cp.root));
    // Two maturity charts and one per KPI, drawn by ECharts as SVG.
    expect(document.querySelectorAll("svg").length).toBe(2 + 12);
    expect(document.querySelectorAll("#maturity svg path").length).toBeGreaterThan(28);
  });

  it("is the same HTML, byte for byte, for the same vault and day", async () => {
    const again = renderReadinessHtml(await buildReadinessModel(ctx.ledger.reader, "demo", await createSmsStates(ctx.store).of("demo"), TODAY));
    expect(again).toBe(html);
    // And another day is another report.
    const other = renderReadinessHtml(await buildReadinessModel(ctx.ledger.reader, "demo", await createSmsStates(ctx.store).of("demo"), "2026-11-30"));
    expect(other).not.toBe(html);
  });

  describe("over HTTP and through the CLI", () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await createApp({ ledger: ctx.ledger, store: ctx.store, rateLimit: false });
    });
    afterAll(async () => {
      await app.close();
    });
    const get = (query: string) => app.inject({ method: "GET", url: `/v1/vaults/demo/sms/reports/readiness?${query}`, headers: { authorization: `Bearer ${apiKey}` } });

    it("answers the same HTML and a PDF with the same text, named in Content-Disposition", async () => {
      const h = await get(`format=html&asOf=${TODAY}`);
      expect(h.statusCode).toBe(200);
      expect(h.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(h.headers["content-disposition"]).toContain("readiness-demo-2026-12-08.html");
      expect(h.body).toBe(html);
      const p = await get(`format=pdf&asOf=${TODAY}`);
      expect(p.statusCode).toBe(200);
      expect(p.headers["content-type"]).toBe("application/pdf");
      expect((await pdfPages(p.rawPayload)).pages.map(compact)).toEqual(pages.map(compact));
    }, 120_000);

    it("refuses a format or a day it does not know, naming the parameter", async () => {
      const f = await get("format=docx");
      expect(f.statusCode).toBe(400);
      expect(f.json()).toMatchObject({ code: "malformed" });
      expect((f.json() as { detail: string }).detail).toContain("format");
      const d = await get("format=html&asOf=2026-02-30");
      expect(d.statusCode).toBe(400);
      expect(d.json()).toMatchObject({ code: "malformed" });
      expect((d.json() as { detail: string }).detail).toContain("asOf");
      const unauth = await app.inject({ method: "GET", url: "/v1/vaults/demo/sms/reports/readiness?format=html" });
      expect(unauth.statusCode).toBe(401);
    });

    it("sealtrail report readiness --server fetches the same HTML from a server, and says why when it is refused", async () => {
      const url = await app.listen({ port: 0, host: "127.0.0.1" });
      process.env.SEALTRAIL_API_KEY = apiKey;
      try {
        const out = join(dir, "remote.html");
        const r = await cli(["report", "readiness", "--format", "html", "--server", url, "--vault", "demo", "--as-of", TODAY, "--out", out]);
        expect(r.err).toBe("");
        expect(r.code).toBe(0);
        expect(readFileSync(out, "utf8")).toBe(html);
        const missing = await cli(["report", "readiness", "--format", "html", "--server", url, "--vault", "nope", "--as-of", TODAY]);
        expect(missing.code).not.toBe(0);
        expect(missing.err).toMatch(/nope|not found|vault/i);
      } finally {
        delete process.env.SEALTRAIL_API_KEY;
      }
    }, 120_000);

    it("sealtrail report readiness writes the same HTML to --out", async () => {
      {
        const out = join(dir, "readiness.html");
        const r = await cli(["report", "readiness", "--format", "html", "--data", dir, "--vault", "demo", "--as-of", TODAY, "--out", out]);
        expect(r.err).toBe("");
        expect(r.code).toBe(0);
        expect(readFileSync(out, "utf8")).toBe(html);
        const bad = await cli(["report", "readiness", "--format", "html", "--data", dir, "--vault", "demo", "--as-of", "2026-13-01"]);
        expect(bad.code).toBe(2);
        expect(bad.err).toContain("--as-of");
      }
    }, 120_000);

    // Last, as it adds a record to the vault: record text is data, never markup.
    it("prints a record's text as text: markup in a title or a name is escaped in the HTML and kept whole in the PDF", async () => {
      const title = `<script>alert("x")</script> & <b>Visitor log</b>`;
      const owner = { name: "Eve <img src=x onerror=alert(1)>", org: "meridian", role: "Clerk" };
      const res = await app.inject({
        method: "POST",
        url: "/v1/vaults/demo/sms/document",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        payload: { id: "DOC-XSS", title, kind: "procedure", version: "1.0", status: "draft", owner, reviewDue: "2026-11-01", retention: "7 years", distribution: ["all staff"], clauses: ["7.5"] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const m = await buildReadinessModel(ctx.ledger.reader, "demo", await createSmsStates(ctx.store).of("demo"), TODAY);
      const item = m.overdue.find((i) => i.ref.id === "DOC-XSS");
      expect(item?.title).toContain(title);
      const { document } = parseHTML(renderReadinessHtml(m));
      expect(document.querySelectorAll("script, img, b")).toHaveLength(0);
      expect(document.querySelector("#due")!.textContent).toContain(title);
      expect(document.querySelector("#due")!.textContent).toContain(owner.name);
      const text = compact((await pdfPages(await renderReadinessPdf(m))).pages.join(" "));
      expect(text).toContain(compact(title));
    }, 120_000);
  });
});
