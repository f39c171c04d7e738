/**
 * The certification-readiness report (PDF and HTML): the model built from a
 * vault's state and checkpoint, and its two renderings.
 */
import type { LogReader } from "../../store/types.js";
import type { VaultSmsState } from "../../sms/state.js";
import { buildReadinessModel } from "./model.js";
import { renderReadinessHtml } from "./html.js";
import { renderReadinessPdf } from "./pdf.js";

export { buildReadinessModel, TREND_MONTHS, UPCOMING_DAYS, type ReadinessReportModel, type KpiSection, type ClauseSection, type ReportSummary } from "./model.js";
export { renderReadinessHtml } from "./html.js";
export { renderReadinessPdf } from "./pdf.js";
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
  return format === "pdf" ? renderReadinessPdf(model) : Buffer.from(renderReadinessHtml(model), "utf8");
}
