/**
 * The registers as one XLSX workbook, written by exceljs's streaming
 * WorkbookWriter: each row is committed to the zip stream as soon as it is
 * made, so a large vault's workbook is never held whole in memory (only the
 * SMS state it is read from is). The first sheet says what the registers
 * were computed from; then one sheet per register with a bold, frozen
 * header row, an autofilter over the rows, and typed cells: dates and
 * instants as real spreadsheet dates (numbers with a date format, in UTC),
 * scores and amounts as numbers, booleans as booleans.
 *
 * Strings are written as inline strings (ECMA-376 Part 1 §18.3.1.4 `t="inlineStr"`),
 * never as formulas: a title beginning with "=" is text in the workbook.
 */
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { ColumnKind, RegisterName } from "./columns.js";
import { REGISTERS } from "./registers.js";
import { provenance, type RegistersSource } from "./source.js";

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  date: "yyyy-mm-dd",
  instant: "yyyy-mm-dd hh:mm",
  amount: "#,##0.00",
};

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
      return { richText: [{ text: String(v) }] };
    default:
      return v;
  }
}

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE7ECF2" } };
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

  const about = wb.addWorksheet("About");
  about.columns = [
    { key: "k", width: 20 },
    { key: "v", width: 70 },
    { key: "n", width: 10 },
  ];
  const title = about.addRow(["SMS registers"]);
  title.font = { bold: true, size: 14 };
  title.commit();
  for (const [k, v] of provenance(src)) {
    const row = about.addRow([k, k === "As of" ? dateOf("date", String(v)) : v]);
    row.getCell(1).font = { bold: true };
    if (k === "As of") row.getCell(2).numFmt = NUMBER_FORMATS.date!;
    if (k === "Made") row.getCell(2).numFmt = "yyyy-mm-dd hh:mm:ss";
    row.getCell(2).alignment = { horizontal: "left" };
    row.commit();
  }
  about.addRow([]).commit();
  const head = about.addRow(["Sheet", "Register", "Rows"]);
  head.font = { bold: true };
  head.commit();
  for (const r of registers) {
    let n = 0;
    for (const _ of r.rows(src.state.state, src.asOf)) n++;
    const row = about.addRow([r.sheet, r.description, n]);
    row.getCell(2).alignment = { wrapText: true, vertical: "top" };
    row.getCell(1).alignment = { vertical: "top" };
    row.getCell(3).alignment = { vertical: "top" };
    row.commit();
  }
  about.addRow([]).commit();
  const note = about.addRow(["", "Each row ends with its record's log index and leaf hash: ask the log for that index's inclusion proof to check it. Dates and times are UTC."]);
  note.getCell(2).alignment = { wrapText: true };
  note.commit();
  about.commit();

  for (const r of registers) {
    const ws = wb.addWorksheet(r.sheet, { views: [{ state: "frozen", ySplit: 1, xSplit: 1 }] });
    ws.columns = r.columns.map((c) => ({
      header: c.header,
      width: c.width,
      style: {
        ...(NUMBER_FORMATS[c.kind] !== undefined ? { numFmt: NUMBER_FORMATS[c.kind]! } : {}),
        // Long texts wrap within their column, and every cell reads from the top of its row.
        alignment: { vertical: "top", ...(c.kind === "text" && c.width >= 24 ? { wrapText: true } : {}) },
      },
    }));
    // The header row was added by `columns`: style it before it is committed.
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.fill = HEADER_FILL;
    header.alignment = { vertical: "top", wrapText: true };
    header.commit();
    let rows = 0;
    for (const values of r.rows(src.state.state, src.asOf)) {
      const row = ws.addRow(r.columns.map((c) => cellValue(c.kind, c.value(values))));
      row.commit();
      rows++;
    }
    ws.autoFilter = `A1:${COLUMN_LETTERS(r.columns.length)}${rows + 1}`;
    ws.commit();
  }
  await wb.commit();
}
