/**
 * The KPI report behind {@link computeKpis}, its arguments checked. With
 * `full` false only the figures, targets and trends are computed (refs,
 * breakdowns, companions and custody observations are left empty), for
 * maturity, which reads no more than whether a KPI has data and which way
 * it moves. The points of a trend never carry more than their figure.
 */
import { KPIS, type KpiId } from "../catalogue/kpis.js";
import { dayNumber, unitEnd, unitStart } from "./days.js";
import { stateIndex } from "./indexes.js";
import { KPI_FIGURES, type KpiCalc } from "./kpi-figures.js";
import type { KpiDirection, KpiReport, KpiResult, KpiTargetCheck } from "./kpis.js";
import type { SmsState } from "./records.js";
import type { SmsRecordType } from "../record-types.js";

// Slopes this close to zero, relative to the values' size, are flat: a
// series of equal percents computed in floating point is not a trend.
const FLAT = 1e-9;

function slopeDirection(series: readonly (number | null)[], better: "lower" | "higher"): KpiDirection | null {
  const pts = series.flatMap((v, x) => (v === null ? [] : [{ x, v }]));
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const mv = pts.reduce((a, p) => a + p.v, 0) / pts.length;
  const num = pts.reduce((a, p) => a + (p.x - mx) * (p.v - mv), 0);
  const den = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const slope = num / den;
  const scale = Math.max(1, ...pts.map((p) => Math.abs(p.v)));
  if (Math.abs(slope) <= FLAT * scale) return "flat";
  return (slope < 0) === (better === "lower") ? "improving" : "worsening";
}

// The figure of a KPI over a period, without refs, computed once per state:
// a report's trend and maturity's (the months before D) read the same ones.
// The figures of the KPIs read from incidents (kpi-incident-figures.ts: their
// trend points read the incidents' facts only) carry over to the next state of
// a projection unless an incident added since was detected in their period.
// The figures of the other KPIs carry over unless a record type they read
// (kpi-figures.ts) changed.
const FROM_INCIDENTS: ReadonlySet<string> = new Set<KpiId>(["incidents", "cargo-loss-value", "seal-integrity-discrepancies", "access-violations", "incident-response-time", "custody-exceptions"]);
const READS: Readonly<Partial<Record<KpiId, readonly SmsRecordType[]>>> = {
  "supplier-assurance-on-schedule": ["sms.supplier", "sms.supplier-assessment"],
  "vetting-before-deployment": ["sms.role", "sms.competence"],
  "risks-treated-and-accepted": ["sms.risk", "sms.control", "sms.risk-acceptance"],
  "corrective-actions-on-time": ["sms.nonconformity", "sms.finding", "sms.audit"],
  "exercises-held": ["sms.exercise"],
  "objectives-achieved": ["sms.objective"],
};

function stillHolds(key: string, addedDays: Float64Array, changed: ReadonlySet<string>): boolean {
  const [id, from, to] = key.split("|") as [string, string, string];
  const reads = READS[id as KpiId];
  if (reads !== undefined) return !reads.some((t) => changed.has(t));
  if (!FROM_INCIDENTS.has(id)) return false;
  // The first added day on or after `from`: the figure holds when it is after `to` (days that do not read sort last).
  const lo = dayNumber(from)!;
  let a = 0;
  let b = addedDays.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (addedDays[mid]! < lo) a = mid + 1;
    else b = mid;
  }
  return a === addedDays.length || Number.isNaN(addedDays[a]!) || addedDays[a]! > dayNumber(to)!;
}

function figureOnly(state: SmsState, id: KpiId, from: string, to: string): KpiCalc {
  const m = stateIndex(state).figureCache(stillHolds) as Map<string, KpiCalc>;
  const key = `${id}|${from}|${to}`;
  let c = m.get(key);
  if (c === undefined) {
    c = KPI_FIGURES[id](state, from, to, false);
    if (m.size >= 1000) m.clear();
    m.set(key, c);
  }
  return c;
}

function compare(actual: number, comparison: "<=" | ">=" | "=", target: number): boolean {
  return comparison === "<=" ? actual <= target : comparison === ">=" ? actual >= target : actual === target;
}

/**
 * Every KPI over [from, to] with its trend over the `count` units before the one holding `from`.
 *
 * @example
 * ```ts
 * kpiReport(state, "2025-04-01", "2026-03-31", "month", 0, false).kpis[0]?.value
 * ```
 */
export function kpiReport(state: SmsState, from: string, to: string, unit: "month" | "quarter", count: number, full: boolean): KpiReport {
  const windows = Array.from({ length: count }, (_, k) => {
    const start = unitStart(from, unit, k - count);
    return { from: start, to: unitEnd(start, unit) };
  });
  const whole = from === unitStart(from, unit, 0) && to === unitEnd(from, unit);

  const kpis = KPIS.map((def): KpiResult => {
    const fig = KPI_FIGURES[def.id];
    const main = full ? fig(state, from, to, true) : figureOnly(state, def.id, from, to);
    const past = windows.map((w) => ({ w, c: figureOnly(state, def.id, w.from, w.to) }));
    // A figure is shared by the reports of one state: each point gets its own copy of the sums.
    const points = past.map(({ w, c }) => ({ from: w.from, to: w.to, ...c.figure, amounts: c.figure.amounts === null ? null : c.figure.amounts.map((a) => ({ ...a })) }));
    const series = whole ? [...past.map((p) => p.c), main] : past.map((p) => p.c);

    let direction: KpiDirection | null;
    const currencies: { currency: string; direction: KpiDirection | null }[] = [];
    if (def.unit === "currency") {
      const codes = [...new Set(series.flatMap((c) => c.totals!.sums().map((m) => m.currency)))].sort();
      for (const currency of codes) currencies.push({ currency, direction: slopeDirection(series.map((c) => c.totals!.number(currency)), def.better) });
      direction = currencies.length === 1 ? currencies[0]!.direction : null;
    } else {
      direction = slopeDirection(series.map((c) => c.figure.value), def.better);
    }

    const targets = state.records["sms.objective"]
      .filter((ob) => ob.payload.kpi === def.id && ob.payload.status !== "withdrawn")
      .map((ob): KpiTargetCheck => {
        const t = ob.payload.target;
        const actual = def.unit === "currency" ? (/^[A-Z]{3}$/.test(t.unit) ? main.totals!.number(t.unit) : null) : main.figure.value;
        return { objective: ob.ref, comparison: t.comparison, target: t.value, unit: t.unit, actual, met: actual === null ? null : compare(actual, t.comparison, t.value) };
      });

    return {
      id: def.id,
      name: def.name,
      unit: def.unit,
      better: def.better,
      window: def.window,
      definition: def.definition,
      period: { from, to },
      evaluatedOn: def.window === "as-at" ? to : null,
      ...main.figure,
      breakdown: main.breakdown,
      companion: main.companion === null || def.companion === null ? null : { description: def.companion, ...main.companion },
      targets,
      custody: main.custody,
      refs: main.refs,
      trend: { unit, points, includesPeriod: whole, direction, currencies },
    };
  });
  return { period: { from, to }, kpis };
}
