/**
 * One register as CSV (RFC 4180): UTF-8, CRLF after every record, a header
 * record first, each text field in double quotes with a double quote
 * doubled (§2.5-2.7). Numbers, dates and booleans are written bare; an
 * amount is its exact decimal text, its currency in the next column.
 *
 * Formula injection (OWASP, "CSV Injection"): a spreadsheet opening a CSV
 * evaluates a field beginning with = + - @ (or a tab or carriage return,
 * which some strip first) as a formula, so a record's title such as
 * `=HYPERLINK("http://...")` could run in an auditor's spreadsheet. Such a
 * text field is written with a single quote before it, which spreadsheets
 * show and never evaluate; the quote is the only change, so a reader
 * removing one leading quote gets the record's text back.
 */
import type { Column } from "./columns.js";
import type { Register } from "./columns.js";
import type { RegistersSource } from "./source.js";

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text field as CSV: guarded against formula injection, quoted.
 *
 * @example
 * ```ts
 * csvText('=HYPERLINK("x")') // "\"'=HYPERLINK(\"\"x\"\")\""
 * ```
 */
export function csvText(s: string): string {
  const guarded = FORMULA_START.test(s) ? `'${s}` : s;
  return `"${guarded.replaceAll('"', '""')}"`;
}

function field(c: Column<unknown>, v: string | number | boolean | undefined): string {
  if (v === undefined) return "";
  return c.kind === "text" ? csvText(String(v)) : String(v);
}

/**
 * The CSV of one register, record by record (header first), each ending in
 * CRLF: for a stream, so that no register is held whole as text.
 *
 * @example
 * ```ts
 * Readable.from(registerCsv(registerOf("risks"), src)).pipe(res);
 * ```
 */
export function* registerCsv(r: Register, src: RegistersSource): Generator<string> {
  yield r.columns.map((c) => csvText(c.header)).join(",") + "\r\n";
  for (const row of r.rows(src.state.state, src.asOf)) yield r.columns.map((c) => field(c, c.value(row))).join(",") + "\r\n";
}
