/**
 * Page layout for the PDF report on pdfkit: A4 with the report's embedded
 * fonts, headings that keep with what follows, paragraphs, key-value lists,
 * tables whose rows never split and whose header repeats on each page,
 * badges, the records behind a figure, charts drawn from their SVG with
 * svg-to-pdfkit, and the running header and footer with page numbers.
 */
import PDFDocument from "pdfkit";
import { createRequire } from "node:module";
import type { SmsRef } from "@sealtrail/core";
import { fontBytes, type FaceName } from "./fonts.js";
import { COLOURS, refGroups } from "./format.js";
import type { ChartSvg } from "./charts.js";

/** svg-to-pdfkit 0.1.8 (CommonJS, no types): the one function the report calls. */
type SvgToPdf = (
  doc: PDFKit.PDFDocument,
  svg: string,
  x: number,
  y: number,
  options: { width: number; height: number; preserveAspectRatio: string; fontCallback: (family: string, bold: boolean, italic: boolean) => string },
) => void;
const SVGtoPDF = createRequire(import.meta.url)("svg-to-pdfkit") as SvgToPdf;

/** A4 in points, and the margins of the text block. */
export const PAGE = { width: 595.28, height: 841.89, left: 60, right: 60, top: 64, bottom: 70 } as const;
export const CONTENT_WIDTH = PAGE.width - PAGE.left - PAGE.right;

/** The body size, the leading and the size of notes. */
const BODY = 10;
const SMALL = 8.5;

/** A pdfkit document with the report's faces registered. */
export type Doc = PDFKit.PDFDocument;

/**
 * A new document: A4, buffered pages (so the contents and page numbers can
 * be written once every page exists), fonts embedded, and dates fixed to
 * the report's day so the same report gives the same document.
 *
 * @example
 * ```ts
 * const doc = newDocument("Certification readiness report", "2026-12-08");
 * ```
 */
export function newDocument(title: string, day: string): Doc {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right },
    bufferPages: true,
    autoFirstPage: true,
    displayTitle: true,
    lang: "en",
    info: { Title: title, Creator: "SealTrail", Producer: "SealTrail (pdfkit)", CreationDate: new Date(`${day}T00:00:00Z`) },
  });
  for (const face of ["serif", "serif-italic", "serif-bold", "sans", "sans-bold"] as FaceName[]) doc.registerFont(face, fontBytes(face));
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
  return doc;
}

const bottomLimit = (doc: Doc) => doc.page.height - PAGE.bottom;

/**
 * Start a new page unless `height` points fit above the bottom margin.
 *
 * @example
 * ```ts
 * ensureSpace(doc, 120);
 * ```
 */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage();
}

/**
 * A heading: level 2 (a section), 3 or 4; it starts a page when what follows could not start below it.
 *
 * @example
 * ```ts
 * heading(doc, 3, "Control domains");
 * ```
 */
export function heading(doc: Doc, level: 2 | 3 | 4, text: string): void {
  const size = level === 2 ? 18 : level === 3 ? 13 : 11;
  ensureSpace(doc, size * 2 + 60);
  if (level !== 2) doc.moveDown(level === 3 ? 0.8 : 0.5);
  doc.font("sans-bold").fontSize(size).fillColor(level === 2 ? COLOURS.accent : COLOURS.ink).text(text, PAGE.left, doc.y, { width: CONTENT_WIDTH });
  if (level === 2) {
    const y = doc.y + 3;
    doc.moveTo(PAGE.left, y).lineTo(PAGE.left + CONTENT_WIDTH, y).lineWidth(1.5).strokeColor(COLOURS.accent).stroke();
    doc.y = y + 10;
  } else doc.moveDown(0.25);
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
}

/**
 * A paragraph of text in a face and size.
 *
 * @example
 * ```ts
 * para(doc, "Levels follow the catalogue's scale.");
 * ```
 */
export function para(doc: Doc, text: string, opts: { face?: FaceName; size?: number; colour?: string; gap?: number; indent?: number } = {}): void {
  const indent = opts.indent ?? 0;
  doc
    .font(opts.face ?? "serif")
    .fontSize(opts.size ?? BODY)
    .fillColor(opts.colour ?? COLOURS.ink)
    .text(text, PAGE.left + indent, doc.y, { width: CONTENT_WIDTH - indent, lineGap: 1.5 });
  doc.y += opts.gap ?? 4;
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
}

/**
 * A labelled line: the label in bold sans, the text after it.
 *
 * @example
 * ```ts
 * labelled(doc, "Level rule", "C2: at least one record of an evidence type");
 * ```
 */
export function labelled(doc: Doc, label: string, text: string, opts: { size?: number; colour?: string; indent?: number } = {}): void {
  const size = opts.size ?? 9.5;
  const indent = opts.indent ?? 0;
  doc.font("sans-bold").fontSize(size).fillColor(COLOURS.ink).text(`${label}: `, PAGE.left + indent, doc.y, { width: CONTENT_WIDTH - indent, continued: true, lineGap: 1.5 });
  doc.font("serif").fillColor(opts.colour ?? COLOURS.ink).text(text, { lineGap: 1.5 });
  doc.y += 2;
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
}

/**
 * The records behind a figure, grouped by type, in small type.
 *
 * @example
 * ```ts
 * refs(doc, item.refs);
 * ```
 */
export function refs(doc: Doc, list: readonly SmsRef[], label = "Records", indent = 0): void {
  const text = list.length === 0 ? "none" : refGroups(list).map((g) => (g.type === "more" ? g.text : `${g.type}: ${g.text}`)).join("; ");
  labelled(doc, label, text, { size: SMALL, colour: COLOURS.muted, indent });
}

/**
 * A pill-shaped badge at (x, y) in a colour; returns its width.
 *
 * @example
 * ```ts
 * const w = badge(doc, "passed", COLOURS.pass, x, y);
 * ```
 */
export function badge(doc: Doc, text: string, colour: string, x: number, y: number): number {
  doc.font("sans-bold").fontSize(7.5);
  const w = doc.widthOfString(text) + 10;
  doc.roundedRect(x, y, w, 11, 5.5).lineWidth(0.8).strokeColor(colour).stroke();
  doc.fillColor(colour).text(text, x + 5, y + 2, { lineBreak: false });
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
  return w;
}

/** A table column: its title, share of the width, and alignment. */
export interface Column {
  readonly title: string;
  readonly width: number;
  readonly align?: "left" | "right";
}

/**
 * A table: a header row, then rows that never split across pages; the header
 * repeats at the top of each new page.
 *
 * @example
 * ```ts
 * table(doc, [{ title: "Clause", width: 0.1 }, { title: "Title", width: 0.9 }], [["4.1", "Context"]]);
 * ```
 */
export function table(doc: Doc, columns: readonly Column[], rows: readonly (readonly string[])[], opts: { size?: number } = {}): void {
  const size = opts.size ?? 8.5;
  const pad = 3;
  const widths = columns.map((c) => c.width * CONTENT_WIDTH);
  const heightOf = (cells: readonly string[], face: FaceName) => {
    doc.font(face).fontSize(size);
    return Math.max(...cells.map((t, i) => doc.heightOfString(t, { width: widths[i]! - 2 * pad, lineGap: 1 }))) + 2 * pad;
  };
  const drawRow = (cells: readonly string[], face: FaceName, header: boolean) => {
    const h = heightOf(cells, face);
    const y = doc.y;
    let x = PAGE.left;
    doc.font(face).fontSize(size).fillColor(COLOURS.ink);
    cells.forEach((t, i) => {
      doc.text(t, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: columns[i]!.align ?? "left", lineGap: 1 });
      x += widths[i]!;
    });
    const yEnd = y + h;
    doc.moveTo(PAGE.left, yEnd).lineTo(PAGE.left + CONTENT_WIDTH, yEnd).lineWidth(header ? 1.2 : 0.5).strokeColor(header ? COLOURS.ink : COLOURS.rule).stroke();
    doc.x = PAGE.left;
    doc.y = yEnd;
  };
  const header = columns.map((c) => c.title);
  ensureSpace(doc, heightOf(header, "sans-bold") + (rows[0] === undefined ? 0 : heightOf(rows[0], "sans")));
  drawRow(header, "sans-bold", true);
  for (const r of rows) {
    if (doc.y + heightOf(r, "sans") > bottomLimit(doc)) {
      doc.addPage();
      drawRow(header, "sans-bold", true);
    }
    drawRow(r, "sans", false);
  }
  doc.y += 8;
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
}

/**
 * A chart drawn from its SVG at `width` points (height in proportion), with a caption.
 *
 * @example
 * ```ts
 * chart(doc, clauseMaturityChart(model.clauses), CONTENT_WIDTH, "Maturity per clause");
 * ```
 */
export function chart(doc: Doc, c: ChartSvg, width: number, caption?: string, at?: { x: number; y: number }): number {
  const height = (c.height * width) / c.width;
  if (at === undefined) ensureSpace(doc, height + 24);
  const x = at?.x ?? PAGE.left + (CONTENT_WIDTH - width) / 2;
  const y = at?.y ?? doc.y;
  SVGtoPDF(doc, c.svg, x, y, {
    width,
    height,
    preserveAspectRatio: "xMidYMid meet",
    // Chart text names the report's sans face (charts.ts CHART_FONT): draw it with the embedded one.
    fontCallback: (_family: string, bold: boolean) => (bold ? "sans-bold" : "sans"),
  });
  if (at === undefined) {
    doc.y = y + height + 2;
    if (caption !== undefined) para(doc, caption, { face: "sans", size: SMALL, colour: COLOURS.muted, gap: 8 });
  }
  doc.font("serif").fontSize(BODY).fillColor(COLOURS.ink);
  return height;
}

/**
 * The running header (from the second page) and the footer with "Page n of N" on every page.
 *
 * @example
 * ```ts
 * decoratePages(doc, "Certification readiness report: demo, 2026-12-08");
 * ```
 */
export function decoratePages(doc: Doc, runningTitle: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: lift it while the footer is drawn.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("sans").fontSize(8).fillColor(COLOURS.muted);
    if (i > range.start) {
      doc.text(runningTitle, PAGE.left, 34, { width: CONTENT_WIDTH, lineBreak: false });
      doc.moveTo(PAGE.left, 47).lineTo(PAGE.left + CONTENT_WIDTH, 47).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
    }
    doc.text(`Page ${i + 1} of ${range.count}`, PAGE.left, PAGE.height - 44, { width: CONTENT_WIDTH, align: "center", lineBreak: false });
    doc.page.margins.bottom = margin;
  }
}

/**
 * The document's bytes once it ends.
 *
 * @example
 * ```ts
 * const bytes = await finish(doc);
 * ```
 */
export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}
