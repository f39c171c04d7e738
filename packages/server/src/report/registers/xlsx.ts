/**
 * The registers as one XLSX workbook, written by exceljs's streaming
 * WorkbookWriter: each row is committed to the zip stream as soon as it is
 * made and compressed as the writing goes, so a large vault's workbook is
 * never held whole in memory (only the SMS state it is read from is). The first sheet says what the registers
 * were computed from; then one sheet per register with a bold, frozen
 * header row, an autofilter over the rows, and typed cells: dates and
 * instants as real spreadsheet dates (numbers with a date format, in UTC),
 * scores and amounts as numbers, booleans as booleans.
 *
 * Strings are written as inline strings (ECMA-376 Part 1 §18.3.1.4 `t="inlineStr"`),
 * never as formulas: a title beginning with "=" is text in the workbook.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { setImmediate as turn } from "node:timers/promises";
import ExcelJS from "exceljs";
import type { ColumnKind, RegisterName } from "./columns.js";
import { REGISTERS } from "./registers.js";
import { provenance, type RegistersSource } from "./source.js";

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  date: "yyyy-mm-dd",
  instant: "yyyy-mm-dd hh:mm",
  amount: "#,##0.00",
  // A boolean cell shows TRUE or FALSE in Excel whatever its format; LibreOffice reads it as 1 or 0 and shows it by its format.
  boolean: '"TRUE";"TRUE";"FALSE"',
};

// Amounts against the right edge; short values (scores, dates, codes) centred, so that no value touches its neighbour's.
function horizontal(kind: ColumnKind, width: number): "left" | "center" | "right" {
  if (kind === "amount") return "right";
  if (kind === "text") return width <= 11 ? "center" : "left";
  return "center";
}

// A date or an instant as a Date in UTC: exceljs turns it into the serial day number (25569 = 1970-01-01).
function dateOf(kind: "date" | "instant", v: string): Date {
  return new Date(kind === "date" ? `${v}T00:00:00.000Z` : v);
}

type Value = string | number | boolean | Date | { richText: { text: string }[] } | null;

function cellValue(kind: ColumnKind, v: string | number | boolean | undefined): Value {
  if (v === undefined) return null;
  switch (kind) {
    case "date":
    case "instant":
      return dateOf(kind, String(v));
    case "amount":
      // Exact in the CSV; here a double, as a spreadsheet holds every number (at most 15 significant digits).
      return Number(v);
    case "text":
      // A one-run rich text is written as an inline string; a plain string would be written as a formula's cached result (t="str").
      return text(String(v));
    default:
      return v;
  }
}

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE7ECF2" } };
// The workbook's default font, named on every font set here: a font without a name is drawn in the reader's default (a serif in some).
const FONT = { name: "Calibri", family: 2, size: 11 };
const BOLD = { ...FONT, bold: true };
const text = (s: string) => ({ richText: [{ text: s }] });

// Wrapped text only grows its row where the reader computes heights (Excel does, LibreOffice does not for
// rows it reads from a file): the height of each row is set from its longest wrapped cell, one 15-point
// line per column width of characters, counted a little short so that a row is never too low.
const LINE_POINTS = 15;

// Lines of a paragraph wrapped at word boundaries, as a spreadsheet wraps it (a word longer than a line is cut).
function wrappedLines(paragraph: string, perLine: number): number {
  let lines = 1;
  let used = 0;
  for (const word of paragraph.split(" ")) {
    const need = used === 0 ? word.length : used + 1 + word.length;
    if (need <= perLine) used = need;
    else {
      lines += used === 0 ? 0 : 1;
      lines += Math.max(0, Math.ceil(word.length / perLine) - 1);
      used = word.length % perLine || perLine;
    }
  }
  return lines;
}
const ROWS_PER_TURN = 16;
function rowHeight(cells: readonly { text: string | undefined; width: number; wraps: boolean }[]): number {
  let lines = 1;
  for (const c of cells) {
    if (!c.wraps || c.text === undefined) continue;
    const perLine = Math.max(1, c.width - 2);
    const n = c.text.split(/\r\n|\n|\r/).reduce((sum, p) => sum + wrappedLines(p, perLine), 0);
    lines = Math.max(lines, n);
  }
  // 409 points is the tallest row a spreadsheet keeps.
  return Math.min(409, lines * LINE_POINTS);
}
// ECMA-376 Part 1 §18.3.1.63 paperSize: 8 is A3 (exceljs's PaperSize type lists A4 and A5 only), 9 is A4.
const A3 = 8 as ExcelJS.PaperSize;
const wraps = (kind: ColumnKind, width: number) => kind === "text" && width >= 20;
const COLUMN_LETTERS = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : COLUMN_LETTERS(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

/**
 * Write the registers (all of them, or those named) as an XLSX workbook to
 * `out`; resolves once the workbook is complete and `out` has been ended.
 *
 * @example
 * ```ts
 * await writeRegistersXlsx(createWriteStream("registers.xlsx"), { vault: "demo", state, asOf: "2026-12-08" });
 * ```
 */
export async function writeRegistersXlsx(out: Writable, src: RegistersSource, only?: readonly RegisterName[]): Promise<void> {
  const registers = REGISTERS.filter((r) => only === undefined || only.includes(r.name));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "SealTrail";
  wb.created = src.made ?? new Date();

  const about = wb.addWorksheet("About", { pageSetup: { paperSize: 9 as ExcelJS.PaperSize, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  about.columns = [
    { key: "k", width: 20 },
    { key: "v", width: 70 },
    { key: "n", width: 10 },
  ];
  const title = about.addRow([text("SMS registers")]);
  title.font = { ...BOLD, size: 14 };
  title.height = 22;
  title.commit();
  for (const [k, v] of provenance(src)) {
    const row = about.addRow([text(k), k === "As of" ? dateOf("date", String(v)) : typeof v === "string" ? text(v) : v]);
    row.getCell(1).font = BOLD;
    if (k === "As of") row.getCell(2).numFmt = NUMBER_FORMATS.date!;
    if (k === "Made") row.getCell(2).numFmt = "yyyy-mm-dd hh:mm:ss";
    row.getCell(2).alignment = { horizontal: "left" };
    row.commit();
  }
  about.addRow([]).commit();
  const head = about.addRow([text("Sheet"), text("Register"), text("Rows")]);
  head.font = BOLD;
  head.commit();
  for (const r of registers) {
    let n = 0;
    for (const _ of r.rows(src.state.state, src.asOf)) n++;
    const row = about.addRow([text(r.sheet), text(r.description), n]);
    row.height = rowHeight([{ text: r.description, width: 70, wraps: true }]);
    row.getCell(2).alignment = { wrapText: true, vertical: "top" };
    row.getCell(1).alignment = { vertical: "top" };
    row.getCell(3).alignment = { vertical: "top" };
    row.commit();
  }
  about.addRow([]).commit();
  const NOTE = "Each row ends with its record's log index and leaf hash: ask the log for that index's inclusion proof to check it. Dates and times are UTC.";
  const note = about.addRow([null, text(NOTE)]);
  note.getCell(2).alignment = { wrapText: true, vertical: "top" };
  note.height = rowHeight([{ text: NOTE, width: 70, wraps: true }]);
  note.commit();
  about.commit();

  for (const r of registers) {
    const ws = wb.addWorksheet(r.sheet, {
      views: [{ state: "frozen", ySplit: 1, xSplit: 1 }],
      // Printed: A3 landscape, one page wide, the header row on every page, the provenance in the header and footer.
      pageSetup: { paperSize: A3, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "1:1", margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
      headerFooter: {
        oddHeader: `&L&"Calibri,Bold"${r.sheet}&R${src.vault}, as of ${src.asOf}`,
        oddFooter: `&Ltree size ${src.state.size}, root ${src.state.root}&RPage &P of &N`,
      },
    });
    ws.columns = r.columns.map((c) => ({
      header: c.header,
      width: c.width,
      style: {
        ...(NUMBER_FORMATS[c.kind] !== undefined ? { numFmt: NUMBER_FORMATS[c.kind]! } : {}),
        // Long texts wrap within their column, and every cell reads from the top of its row.
        font: FONT,
        alignment: { vertical: "top", horizontal: horizontal(c.kind, c.width), ...(wraps(c.kind, c.width) ? { wrapText: true } : {}) },
      },
    }));
    // The header row was added by `columns`: style it before it is committed.
    const header = ws.getRow(1);
    header.font = BOLD;
    header.fill = HEADER_FILL;
    header.alignment = { vertical: "top", wrapText: true };
    header.height = rowHeight(r.columns.map((c) => ({ text: c.header, width: c.width + 2, wraps: true })));
    header.commit();
    let rows = 0;
    for (const values of r.rows(src.state.state, src.asOf)) {
      const cells = r.columns.map((c) => c.value(values));
      const row = ws.addRow(r.columns.map((c, i) => cellValue(c.kind, cells[i])));
      row.height = rowHeight(r.columns.map((c, i) => ({ text: cells[i] === undefined ? undefined : String(cells[i]), width: c.width, wraps: wraps(c.kind, c.width) })));
      row.commit();
      rows++;
      // exceljs's streaming writer (4.4.0) hands each committed row to the zip without backpressure, and the
      // deflate stage takes about one 64 KiB chunk per turn of the event loop: letting the loop turn every few
      // rows keeps the compressor up with the rows (a sheet of 200,000 incident rows: tens of MB instead of
      // hundreds held uncompressed) and lets the server answer other requests meanwhile; a full destination
      // (a slow client) is waited for.
      if (rows % ROWS_PER_TURN === 0) {
        await turn();
        if (out.writableNeedDrain) await Promise.race([once(out, "drain"), once(out, "close")]);
        // A client that went away closes the destination: stop reading rows for nobody.
        if (out.destroyed) throw new Error("the destination of the workbook was closed");
      }
    }
    ws.autoFilter = `A1:${COLUMN_LETTERS(r.columns.length)}${rows + 1}`;
    ws.commit();
  }
  await wb.commit();
}
