/**
 * The certification-readiness report (PDF and HTML): the model built from a
 * vault's state and checkpoint, and its two renderings.
 */
import { SealTrailError } from "@sealtrail/core";
import type { LogReader } from "../../store/types.js";
import type { VaultSmsState } from "../../sms/state.js";
import { buildReadinessModel } from "./model.js";

export { buildReadinessModel, TREND_MONTHS, UPCOMING_DAYS, type ReadinessReportModel, type KpiSection, type ClauseSection, type ReportSummary } from "./model.js";
export { kpiValueText, refText, refsText } from "./format.js";

/** The formats the report is written in. */
export const READINESS_FORMATS = ["pdf", "html"] as const;
export type ReadinessFormat = (typeof READINESS_FORMATS)[number];

/** Media types of the formats. */
export const READINESS_MEDIA_TYPES: Record<ReadinessFormat, string> = { pdf: "application/pdf", html: "text/html; charset=utf-8" };

/**
 * The report in a format, as bytes.
 *
 * @example
 * ```ts
 * const bytes = await readinessReport(ctx.ledger.reader, "demo", await states.of("demo"), "2026-12-08", "pdf");
 * ```
 */
export async function readinessReport(reader: LogReader, vault: string, s: VaultSmsState, asOf: string, format: ReadinessFormat): Promise<Buffer> {
  const model = await buildReadinessModel(reader, vault, s, asOf);
  // The renderers load their libraries (ECharts, pdfkit, the fonts) when a report is asked for,
  // not when the CLI or the server starts.
  if (format === "pdf") return (await import("./pdf.js")).renderReadinessPdf(model);
  return Buffer.from((await import("./html.js")).renderReadinessHtml(model), "utf8");
}

const DAY = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/**
 * A request for the report checked: the format (pdf or html) and the
 * evaluation day, a real calendar day (2026-02-30 is refused, not read as
 * March 2nd), `today` when none is given. Raises `malformed` naming the
 * parameter.
 *
 * @example
 * ```ts
 * readinessRequest("pdf", undefined, "2026-12-08") // { format: "pdf", asOf: "2026-12-08" }
 * ```
 */
export function readinessRequest(format: string | undefined, asOf: string | undefined, today: string): { format: ReadinessFormat; asOf: string } {
  const f = format ?? "pdf";
  if (!(READINESS_FORMATS as readonly string[]).includes(f)) throw new SealTrailError("malformed", "format: pdf or html", { detail: { parameter: "format" } });
  const day = asOf ?? today;
  if (!DAY.test(day) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
    throw new SealTrailError("malformed", "asOf: a date, YYYY-MM-DD", { detail: { parameter: "asOf" } });
  }
  return { format: f as ReadinessFormat, asOf: day };
}

/**
 * The report's file name: `readiness-<vault>-<asOf>.<format>`.
 *
 * @example
 * ```ts
 * readinessFileName("demo", "2026-12-08", "pdf") // "readiness-demo-2026-12-08.pdf"
 * ```
 */
export function readinessFileName(vault: string, asOf: string, format: ReadinessFormat): string {
  return `readiness-${vault}-${asOf}.${format}`;
}
