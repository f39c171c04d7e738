/**
 * The KPIs of the SMS (clause 9.1) over a period, each with its breakdowns,
 * its companion figure, the objectives that target it, the records behind
 * it, and its trend over the calendar months (or quarters) before the
 * period. The figures themselves are in kpi-figures.ts, one per catalogue
 * KPI; docs/sms-computations.md states every rule.
 */
import { SealTrailError } from "../../errors.js";
import { optionalObject, requireObject } from "../../args.js";
import type { KpiId, KpiUnit } from "../catalogue/kpis.js";
import { requireDate } from "./days.js";
import type { KpiCompanion } from "./kpi-figures.js";
import { kpiReport } from "./kpi-report.js";
import type { CustodyObservations } from "./custody-observations.js";
import type { KpiBreakdown, KpiFigure } from "./kpi-tally.js";
import { requireState, type SmsRef, type SmsState } from "./records.js";

export type { KpiBreakdown, KpiBreakdownRow, KpiFigure } from "./kpi-tally.js";
export type { KpiCompanion } from "./kpi-figures.js";
export type { CustodyObservations } from "./custody-observations.js";
export type { MoneySum } from "./money.js";

/** Which way a KPI moved, judged by its `better`. */
export type KpiDirection = "improving" | "worsening" | "flat";

/** The KPI over one earlier period. */
export interface KpiTrendPoint extends KpiFigure {
  readonly from: string;
  readonly to: string;
}

/** The KPI over the periods before the one asked for, oldest first. */
export interface KpiTrend {
  readonly unit: "month" | "quarter";
  readonly points: readonly KpiTrendPoint[];
  /** True when the period asked for is itself one whole calendar unit, and so the last point of the series the direction reads. */
  readonly includesPeriod: boolean;
  /** From the least-squares slope over the points with data; null with fewer than two. For a currency KPI, set when one currency only appears. */
  readonly direction: KpiDirection | null;
  /** Currency KPIs: the direction of each currency's sums. */
  readonly currencies: readonly { readonly currency: string; readonly direction: KpiDirection | null }[];
}

/** An objective that targets the KPI (its `kpi` is the KPI id), and whether the period met it. */
export interface KpiTargetCheck {
  readonly objective: SmsRef;
  readonly comparison: "<=" | ">=" | "=";
  readonly target: number;
  readonly unit: string;
  /** The figure compared: the value, or for a currency KPI the sum in the target's unit (a currency code). */
  readonly actual: number | null;
  readonly met: boolean | null;
}

/** One KPI over the period. */
export interface KpiResult extends KpiFigure {
  readonly id: KpiId;
  readonly name: string;
  readonly unit: KpiUnit;
  readonly better: "lower" | "higher";
  readonly window: "period" | "as-at";
  readonly definition: string;
  readonly period: { readonly from: string; readonly to: string };
  /** The day an as-at KPI is judged on (the period's last day); null for a period KPI. */
  readonly evaluatedOn: string | null;
  readonly breakdown: readonly KpiBreakdown[];
  readonly companion: (KpiCompanion & { readonly description: string }) | null;
  readonly targets: readonly KpiTargetCheck[];
  /** Seal KPI and custody KPI: what the custody events of the period show. */
  readonly custody: CustodyObservations | null;
  readonly refs: readonly SmsRef[];
  readonly trend: KpiTrend;
}

/** Every KPI of the catalogue over one period. */
export interface KpiReport {
  readonly period: { readonly from: string; readonly to: string };
  readonly kpis: readonly KpiResult[];
}

/** Options of {@link computeKpis}. */
export interface KpiOptions {
  /** The unit of the trend's periods (default "month"). */
  readonly periods?: "month" | "quarter";
  /** How many periods the trend looks back (default 6, at most 120; 0 for no trend). */
  readonly count?: number;
}

/**
 * Every KPI of the catalogue over the period [from, to] (YYYY-MM-DD, both
 * days included), with its trend over the `count` calendar months (or
 * quarters) before the month (quarter) holding `from`.
 *
 * @example
 * ```ts
 * const report = computeKpis(state, { from: "2026-03-01", to: "2026-03-31" });
 * report.kpis.find((k) => k.id === "incidents")?.value // 2
 * ```
 */
export function computeKpis(state: SmsState, period: { from: string; to: string }, options?: KpiOptions): KpiReport {
  requireState(state, "computeKpis: state");
  requireObject(period, "computeKpis: period");
  const from = requireDate(period.from, "computeKpis: period.from");
  const to = requireDate(period.to, "computeKpis: period.to");
  if (from > to) throw new SealTrailError("invalid", `computeKpis: period: from ${from} is after to ${to}`);
  const o = optionalObject(options, "computeKpis: options") ?? {};
  const unit = o.periods ?? "month";
  if (unit !== "month" && unit !== "quarter") throw new SealTrailError("invalid", "computeKpis: options.periods: must be month or quarter");
  const count = o.count ?? 6;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 120) throw new SealTrailError("invalid", "computeKpis: options.count: must be an integer from 0 to 120");

  return kpiReport(state, from, to, unit, count, true);
}
