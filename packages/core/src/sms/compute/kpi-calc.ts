/**
 * What every KPI computation shares: the shape of a KPI over one period, the
 * records behind it, and the helpers that skip refs and breakdowns for the
 * points of a trend, which only their figure is read from.
 */
import { MoneyTotals } from "./money.js";
import type { CustodyObservations } from "./custody-observations.js";
import { stateIndex } from "./indexes.js";
import { uniqueRefs, type SmsEntry, type SmsRef, type SmsState } from "./records.js";
import { Tally, IDLE_TALLY, type KpiBreakdown, type KpiFigure } from "./kpi-tally.js";

/** A companion figure: the second figure the catalogue reports beside a KPI (its text is the KPI's `companion`). */
export interface KpiCompanion extends KpiFigure {
  readonly breakdown: readonly KpiBreakdown[];
  readonly refs: readonly SmsRef[];
}

/** A KPI computed over one period. */
export interface KpiCalc {
  readonly figure: KpiFigure;
  readonly refs: readonly SmsRef[];
  readonly breakdown: readonly KpiBreakdown[];
  readonly companion: KpiCompanion | null;
  /** Money sums, for comparison with objective targets (currency KPIs). */
  readonly totals: MoneyTotals | null;
  readonly custody: CustodyObservations | null;
}

/**
 * One KPI over [from, to]. With `full` false only the figure (and the money
 * totals) is wanted, as for the points of a trend: refs, breakdowns,
 * companion and custody observations are left empty.
 */
export type Figure = (s: SmsState, from: string, to: string, full: boolean) => KpiCalc;

/**
 * A tally for a breakdown: kept only for the period itself (`full`), not for the points of a trend.
 *
 * @example
 * ```ts
 * const t = tally(full, "severity", "count");
 * ```
 */
export const tally = (full: boolean, by: string, kind: "count" | "percent" | "hours" | "currency"): Tally => (full ? new Tally(by, kind) : IDLE_TALLY);

/**
 * Incidents whose detected instant's UTC date is in [from, to], by record id.
 *
 * @example
 * ```ts
 * incidentsIn(state, "2026-03-01", "2026-03-31").length
 * ```
 */
export function incidentsIn(s: SmsState, from: string, to: string): readonly SmsEntry<"sms.incident">[] {
  return stateIndex(s).incidentsIn(from, to);
}

/**
 * A KPI over one period; without `full`, the figure and totals only.
 *
 * @example
 * ```ts
 * calc(true, countFigure(inc.length), inc.map((i) => i.ref), tallies)
 * ```
 */
export function calc(full: boolean, figure: KpiFigure, refs: Iterable<SmsRef>, breakdown: Tally[], companion: KpiCompanion | null = null, totals: MoneyTotals | null = null): KpiCalc {
  if (!full) return { figure, refs: [], breakdown: [], companion: null, totals, custody: null };
  return { figure, refs: uniqueRefs(refs), breakdown: breakdown.map((t) => t.result()), companion, totals, custody: null };
}

/**
 * A companion figure, or null for the point of a trend (without `full`).
 *
 * @example
 * ```ts
 * companionOf(full, meanFigure(sum, n), refs, [bySeverity])
 * ```
 */
export function companionOf(full: boolean, figure: KpiFigure, refs: Iterable<SmsRef>, breakdown: Tally[] = []): KpiCompanion | null {
  if (!full) return null;
  return { ...figure, breakdown: breakdown.map((t) => t.result()), refs: uniqueRefs(refs) };
}

/**
 * The custody event records an exception names (its `records`: log indices
 * as decimal strings), when the state holds them, by log index.
 *
 * @example
 * ```ts
 * custodyRefs(state, exception.records)
 * ```
 */
export function custodyRefs(s: SmsState, indices: readonly string[]): SmsRef[] {
  const ix = stateIndex(s);
  const out: SmsRef[] = [];
  for (const n of new Set(indices.map(Number))) {
    const c = ix.custodyAt(n);
    if (c !== undefined) out.push(c.ref);
  }
  return out.sort((a, b) => a.index - b.index);
}

