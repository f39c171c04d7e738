/**
 * The KPIs read from incidents (catalogue/kpis.ts): count, cargo loss,
 * seal integrity, access violations, response time and custody exceptions,
 * each over the incidents detected in the period, found through the state's
 * day order (indexes.ts). For the points of a trend only the figure is
 * computed, from what the lookups read once per state.
 */
import { MoneyTotals } from "./money.js";
import { custodyObservations } from "./custody-observations.js";
import { INCIDENT_FLAGS, stateIndex } from "./indexes.js";
import type { SmsRef, SmsState } from "./records.js";
import { countFigure, meanFigure, moneyFigure } from "./kpi-tally.js";
import { calc, companionOf, custodyRefs, incidentsIn, tally, type Figure } from "./kpi-calc.js";

const HOUR_MS = 3_600_000;
const SEAL_KINDS: readonly string[] = ["seal_changed", "seal_check_failed", "inspection_failed"];
const TAMPERING_ONLY = "tampering incident without a seal or inspection exception";

/**
 * Incidents detected in the period, by category, severity, site and supplier.
 *
 * @example
 * ```ts
 * incidents(state, "2026-03-01", "2026-03-31", true).figure.value // KPI incidents
 * ```
 */
export const incidents: Figure = (s, from, to, full) => {
  if (!full) return calc(full, countFigure(stateIndex(s).incidentPositionsAnyOrder(from, to).length), [], []);
  const inc = incidentsIn(s, from, to);
  const t = [tally(full, "category", "count"), tally(full, "severity", "count"), tally(full, "node.site", "count"), tally(full, "node.supplier", "count")];
  for (const i of inc) {
    const p = i.payload;
    t[0]!.count(p.category, i.ref);
    t[1]!.count(p.severity, i.ref);
    t[2]!.count(p.node?.site, i.ref);
    t[3]!.count(p.node?.supplier, i.ref);
  }
  return calc(full, countFigure(inc.length), full ? inc.map((i) => i.ref) : [], t);
};

/**
 * Cargo losses of the incidents detected in the period, per currency, with the value at risk as companion.
 *
 * @example
 * ```ts
 * cargoLossValue(state, "2026-03-01", "2026-03-31", true).figure.value // KPI cargo-loss-value
 * ```
 */
export const cargoLossValue: Figure = (s, from, to, full) => {
  if (!full) {
    // A trend point: the sums only, of amounts read once per state.
    const ix = stateIndex(s);
    const totals = new MoneyTotals();
    // Exact sums: the order they are added in changes nothing.
    for (const k of ix.incidentPositionsAnyOrder(from, to)) {
      const m = ix.lossAt(k);
      if (m !== null) totals.addParsed(m);
    }
    return calc(full, moneyFigure(totals), [], [], null, totals);
  }
  const inc = incidentsIn(s, from, to);
  const totals = new MoneyTotals();
  const t = [tally(full, "currency", "currency"), tally(full, "category", "currency")];
  const refs: SmsRef[] = [];
  const risk = new MoneyTotals();
  const riskRefs: SmsRef[] = [];
  const riskBy = tally(full, "currency", "currency");
  for (const i of inc) {
    const { loss, valueAtRisk } = i.payload;
    if (loss !== undefined) {
      totals.add(loss);
      t[0]!.money(loss.currency, i.ref, loss);
      t[1]!.money(i.payload.category, i.ref, loss);
      if (full) refs.push(i.ref);
    }
    if (valueAtRisk !== undefined) {
      risk.add(valueAtRisk);
      riskBy.money(valueAtRisk.currency, i.ref, valueAtRisk);
      if (full) riskRefs.push(i.ref);
    }
  }
  const companion = companionOf(full, moneyFigure(risk), riskRefs, [riskBy]);
  return calc(full, moneyFigure(totals), refs, t, companion, totals);
};

// The sum of one fact over the incidents of the period: a trend point reads no payload.
function sumOf(s: SmsState, from: string, to: string, fact: "seals" | "exceptions" | "access"): number {
  const ix = stateIndex(s);
  let n = 0;
  if (fact === "access") {
    const flags = ix.times.flags;
    for (const k of ix.incidentPositionsAnyOrder(from, to)) if ((flags[k]! & INCIDENT_FLAGS.access) !== 0) n++;
    return n;
  }
  const v = ix.times[fact];
  for (const k of ix.incidentPositionsAnyOrder(from, to)) n += v[k]!;
  return n;
}

/**
 * Seal and inspection exceptions of the incidents detected in the period (and tampering incidents without one), beside what the custody events show.
 *
 * @example
 * ```ts
 * sealIntegrity(state, "2026-03-01", "2026-03-31", true).figure.value // KPI seal-integrity-discrepancies
 * ```
 */
export const sealIntegrity: Figure = (s, from, to, full) => {
  if (!full) return calc(full, countFigure(sumOf(s, from, to, "seals")), [], []);
  const t = [tally(full, "exception kind", "count"), tally(full, "node.supplier", "count")];
  let n = 0;
  const refs: SmsRef[] = [];
  for (const i of incidentsIn(s, from, to)) {
    const exceptions = i.payload.custody?.exceptions;
    if (exceptions === undefined && i.payload.category !== "tampering") continue;
    const entries = (exceptions ?? []).filter((x) => SEAL_KINDS.includes(x.kind));
    for (const x of entries) {
      n++;
      t[0]!.count(x.kind, i.ref);
      t[1]!.count(i.payload.node?.supplier, i.ref);
      if (full) refs.push(i.ref, ...custodyRefs(s, x.records));
    }
    if (entries.length === 0 && i.payload.category === "tampering") {
      n++;
      t[0]!.count(TAMPERING_ONLY, i.ref);
      t[1]!.count(i.payload.node?.supplier, i.ref);
      if (full) refs.push(i.ref);
    }
  }
  return { ...calc(full, countFigure(n), refs, t), custody: full ? custodyObservations(s, from, to) : null };
};

/**
 * Unauthorised-access incidents detected in the period.
 *
 * @example
 * ```ts
 * accessViolations(state, "2026-03-01", "2026-03-31", true).figure.value // KPI access-violations
 * ```
 */
export const accessViolations: Figure = (s, from, to, full) => {
  if (!full) return calc(full, countFigure(sumOf(s, from, to, "access")), [], []);
  const inc = incidentsIn(s, from, to).filter((i) => i.payload.category === "unauthorised-access");
  const t = [tally(full, "node.site", "count"), tally(full, "severity", "count")];
  for (const i of inc) {
    t[0]!.count(i.payload.node?.site, i.ref);
    t[1]!.count(i.payload.severity, i.ref);
  }
  return calc(full, countFigure(inc.length), full ? inc.map((i) => i.ref) : [], t);
};

/**
 * Mean hours from detection to response of the incidents detected in the period; detection time as companion.
 *
 * @example
 * ```ts
 * responseTime(state, "2026-03-01", "2026-03-31", true).figure.value // KPI incident-response-time
 * ```
 */
export const responseTime: Figure = (s, from, to, full) => {
  const ix = stateIndex(s);
  const all = s.records["sms.incident"];
  const { detectedMs, respondedMs, occurredMs, flags } = ix.times;
  if (!full) {
    // A trend point: the means only, from the instants read once per state, in the same order.
    let sum = 0;
    let n = 0;
    for (const k of ix.incidentPositionsIn(from, to)) {
      if ((flags[k]! & INCIDENT_FLAGS.responded) === 0) continue;
      sum += (respondedMs[k]! - detectedMs[k]!) / HOUR_MS;
      n++;
    }
    return calc(full, meanFigure(sum, n), [], []);
  }
  const t = [tally(full, "severity", "hours"), tally(full, "category", "hours")];
  let sum = 0;
  let n = 0;
  const refs: SmsRef[] = [];
  let dsum = 0;
  let dn = 0;
  const drefs: SmsRef[] = [];
  const detect = tally(full, "severity", "hours");
  // Instants parsed once per state; the sums run in record-id order, as floating point needs for the same result.
  for (const k of ix.incidentPositionsIn(from, to)) {
    const i = all[k]!;
    const p = i.payload;
    if (p.responded !== undefined) {
      const h = (respondedMs[k]! - detectedMs[k]!) / HOUR_MS;
      sum += h;
      n++;
      t[0]!.hours(p.severity, i.ref, h);
      t[1]!.hours(p.category, i.ref, h);
      if (full) refs.push(i.ref);
    }
    if (p.occurred !== undefined) {
      const h = (detectedMs[k]! - occurredMs[k]!) / HOUR_MS;
      dsum += h;
      dn++;
      detect.hours(p.severity, i.ref, h);
      if (full) drefs.push(i.ref);
    }
  }
  const companion = companionOf(full, meanFigure(dsum, dn),
    drefs,
    [detect],
  );
  return calc(full, meanFigure(sum, n), refs, t, companion);
};

/**
 * Custody chain exceptions of the incidents detected in the period, misdirected receipts as companion.
 *
 * @example
 * ```ts
 * custodyExceptions(state, "2026-03-01", "2026-03-31", true).figure.value // KPI custody-exceptions
 * ```
 */
export const custodyExceptions: Figure = (s, from, to, full) => {
  if (!full) return calc(full, countFigure(sumOf(s, from, to, "exceptions")), [], []);
  const t = tally(full, "exception kind", "count");
  let n = 0;
  let misdirected = 0;
  const refs: SmsRef[] = [];
  const mrefs: SmsRef[] = [];
  for (const i of incidentsIn(s, from, to)) {
    const exceptions = i.payload.custody?.exceptions;
    if (exceptions === undefined) continue;
    for (const x of exceptions) {
      n++;
      t.count(x.kind, i.ref);
      const evs = full ? custodyRefs(s, x.records) : [];
      if (full) refs.push(i.ref, ...evs);
      if (x.kind === "misdirected_receipt") {
        misdirected++;
        if (full) mrefs.push(i.ref, ...evs);
      }
    }
  }
  const companion = companionOf(full, countFigure(misdirected), mrefs);
  return { ...calc(full, countFigure(n), refs, [t], companion), custody: full ? custodyObservations(s, from, to) : null };
};
