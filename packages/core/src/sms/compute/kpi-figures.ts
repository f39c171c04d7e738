/**
 * The twelve KPIs of the catalogue (catalogue/kpis.ts), each computed
 * exactly as its `definition`, `breakdown` and `companion` say, over a period
 * [from, to]; an "as-at" KPI is judged on D = to. Where a companion speaks of
 * "the same incidents", it means the incidents the definition selects by
 * period (those detected in it), not those it then averages or sums.
 */
import type { KpiId } from "../catalogue/kpis.js";
import { inPeriod, unexpired } from "./days.js";
import { competencesOf, currentAcceptances, freshCompetence, naming, personLabel, qualifyingAssessments, roleInForce, sameScore } from "./facts.js";
import { MoneyTotals } from "./money.js";
import { custodyObservations, type CustodyObservations } from "./custody-observations.js";
import { stateIndex } from "./indexes.js";
import { uniqueRefs, type SmsEntry, type SmsRef, type SmsState } from "./records.js";
import { Tally, IDLE_TALLY, countFigure, meanFigure, moneyFigure, percentFigure, type KpiBreakdown, type KpiFigure } from "./kpi-tally.js";

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
type Figure = (s: SmsState, from: string, to: string, full: boolean) => KpiCalc;

const HOUR_MS = 3_600_000;
const SEAL_KINDS: readonly string[] = ["seal_changed", "seal_check_failed", "inspection_failed"];
const TAMPERING_ONLY = "tampering incident without a seal or inspection exception";

// A breakdown is only kept for the period itself, not for the points of a trend.
const tally = (full: boolean, by: string, kind: "count" | "percent" | "hours" | "currency"): Tally => (full ? new Tally(by, kind) : IDLE_TALLY);

// Incidents whose detected instant's UTC date is in [from, to], by record id.
function incidentsIn(s: SmsState, from: string, to: string): readonly SmsEntry<"sms.incident">[] {
  return stateIndex(s).incidentsIn(from, to);
}

function calc(full: boolean, figure: KpiFigure, refs: Iterable<SmsRef>, breakdown: Tally[], companion: KpiCompanion | null = null, totals: MoneyTotals | null = null): KpiCalc {
  if (!full) return { figure, refs: [], breakdown: [], companion: null, totals, custody: null };
  return { figure, refs: uniqueRefs(refs), breakdown: breakdown.map((t) => t.result()), companion, totals, custody: null };
}

function companionOf(full: boolean, figure: KpiFigure, refs: Iterable<SmsRef>, breakdown: Tally[] = []): KpiCompanion | null {
  if (!full) return null;
  return { ...figure, breakdown: breakdown.map((t) => t.result()), refs: uniqueRefs(refs) };
}

// The custody event records an exception names (its `records`: log indices as decimal strings), when the state holds them, by log index.
function custodyRefs(s: SmsState, indices: readonly string[]): SmsRef[] {
  const ix = stateIndex(s);
  const out: SmsRef[] = [];
  for (const n of new Set(indices.map(Number))) {
    const c = ix.custodyAt(n);
    if (c !== undefined) out.push(c.ref);
  }
  return out.sort((a, b) => a.index - b.index);
}

const incidents: Figure = (s, from, to, full) => {
  if (!full) return calc(full, countFigure(stateIndex(s).incidentPositionsIn(from, to).length), [], []);
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

const cargoLossValue: Figure = (s, from, to, full) => {
  if (!full) {
    // A trend point: the sums only, of amounts read once per state.
    const ix = stateIndex(s);
    const { loss } = ix.money();
    const totals = new MoneyTotals();
    for (const k of ix.incidentPositionsIn(from, to)) {
      const m = loss[k];
      if (m !== null && m !== undefined) totals.addParsed(m);
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

const sealIntegrity: Figure = (s, from, to, full) => {
  const t = [tally(full, "exception kind", "count"), tally(full, "node.supplier", "count")];
  let n = 0;
  const refs: SmsRef[] = [];
  for (const i of incidentsIn(s, from, to)) {
    const entries = (i.payload.custody?.exceptions ?? []).filter((x) => SEAL_KINDS.includes(x.kind));
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

const supplierAssurance: Figure = (s, from, to, full) => {
  const t = tally(full, "tier", "percent");
  const actions = tally(full, "tier", "percent");
  let n = 0;
  let d = 0;
  let an = 0;
  let ad = 0;
  const refs: SmsRef[] = [];
  const actionRefs: SmsRef[] = [];
  for (const sup of s.records["sms.supplier"]) {
    const p = sup.payload;
    if (p.status !== "active" || (p.tier !== "1" && p.tier !== "2")) continue;
    const q = qualifyingAssessments(s, p, to);
    d++;
    if (q.length > 0) n++;
    t.ratio(p.tier, sup.ref, q.length > 0);
    refs.push(sup.ref, ...q.map((a) => a.ref));
    for (const a of naming(s, "sms.supplier-assessment", "supplier", sup.id)) {
      for (const act of a.payload.remediation) {
        if (!inPeriod(act.due, from, to)) continue;
        const hit = act.done !== undefined && act.done <= act.due;
        ad++;
        if (hit) an++;
        actions.ratio(p.tier, a.ref, hit);
        actionRefs.push(a.ref);
      }
    }
  }
  const companion = companionOf(full, percentFigure(an, ad),
    actionRefs,
    [actions],
  );
  return calc(full, percentFigure(n, d), refs, [t], companion);
};

const accessViolations: Figure = (s, from, to, full) => {
  const inc = incidentsIn(s, from, to).filter((i) => i.payload.category === "unauthorised-access");
  const t = [tally(full, "node.site", "count"), tally(full, "severity", "count")];
  for (const i of inc) {
    t[0]!.count(i.payload.node?.site, i.ref);
    t[1]!.count(i.payload.severity, i.ref);
  }
  return calc(full, countFigure(inc.length), full ? inc.map((i) => i.ref) : [], t);
};

const vetting: Figure = (s, _from, to, full) => {
  const t = tally(full, "role", "percent");
  const aware = tally(full, "role", "percent");
  let n = 0;
  let an = 0;
  const roles = s.records["sms.role"].filter((r) => roleInForce(r.payload, to));
  const refs: SmsRef[] = [];
  const awareRefs: SmsRef[] = [];
  for (const r of roles) {
    const p = r.payload;
    const vets = competencesOf(s, "vetting", p.holder, r.id).filter((c) => c.payload.result === "passed" && c.payload.completed <= p.appointedAt && unexpired(c.payload.expires, p.appointedAt));
    if (vets.length > 0) n++;
    t.ratio(p.role, r.ref, vets.length > 0);
    refs.push(r.ref, ...vets.map((c) => c.ref));
    const aw = competencesOf(s, "awareness", p.holder).filter((c) => freshCompetence(c, to));
    if (aw.length > 0) an++;
    aware.ratio(p.role, r.ref, aw.length > 0);
    awareRefs.push(r.ref, ...aw.map((c) => c.ref));
  }
  const companion = companionOf(full, percentFigure(an, roles.length),
    awareRefs,
    [aware],
  );
  return calc(full, percentFigure(n, roles.length), refs, [t], companion);
};

const responseTime: Figure = (s, from, to, full) => {
  const ix = stateIndex(s);
  const all = s.records["sms.incident"];
  const { detectedMs, respondedMs, occurredMs } = ix.times;
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

const risksAccepted: Figure = (s, _from, to, full) => {
  const t = [tally(full, "domains", "percent"), tally(full, "treatment", "percent")];
  let n = 0;
  let d = 0;
  const refs: SmsRef[] = [];
  for (const r of s.records["sms.risk"]) {
    const p = r.payload;
    if (p.status !== "open" && p.status !== "treated") continue;
    d++;
    const controls = p.controls.map((id) => stateIndex(s).record("sms.control", id));
    const treated = p.treatment === "accept" || (controls.length > 0 && controls.every((c) => c !== undefined && c.payload.status === "operating"));
    const acceptances = currentAcceptances(s, r.id, to, true).filter((a) => sameScore(a.payload.residual, p.residual));
    const hit = treated && acceptances.length > 0;
    if (hit) n++;
    for (const dom of p.domains) t[0]!.ratio(dom, r.ref, hit);
    t[1]!.ratio(p.treatment, r.ref, hit);
    if (full) refs.push(r.ref, ...controls.flatMap((c) => (c === undefined ? [] : [c.ref])), ...acceptances.map((a) => a.ref));
  }
  return calc(full, percentFigure(n, d), refs, t);
};

const correctiveOnTime: Figure = (s, from, to, full) => {
  const t = tally(full, "nonconformity source", "percent");
  let n = 0;
  let d = 0;
  const refs: SmsRef[] = [];
  for (const nc of s.records["sms.nonconformity"]) {
    for (const act of nc.payload.actions) {
      if (!inPeriod(act.due, from, to)) continue;
      const hit = act.done !== undefined && act.done <= act.due;
      d++;
      if (hit) n++;
      t.ratio(nc.payload.source, nc.ref, hit);
      refs.push(nc.ref);
    }
  }
  const byClause = tally(full, "clause", "count");
  const frefs: SmsRef[] = [];
  let f = 0;
  for (const fd of s.records["sms.finding"]) {
    if (fd.payload.grade !== "minor-nc" && fd.payload.grade !== "major-nc") continue;
    const audit = stateIndex(s).record("sms.audit", fd.payload.audit);
    if (audit === undefined || !inPeriod(audit.payload.reported, from, to)) continue;
    f++;
    byClause.count(fd.payload.clause, fd.ref);
    frefs.push(fd.ref, audit.ref);
  }
  const companion = companionOf(full, countFigure(f),
    frefs,
    [byClause],
  );
  return calc(full, percentFigure(n, d), refs, [t], companion);
};

const exercisesHeld: Figure = (s, from, to, full) => {
  const ex = s.records["sms.exercise"].filter((e) => inPeriod(e.payload.held, from, to));
  const t = [tally(full, "kind", "count"), tally(full, "level", "count")];
  let issues = 0;
  let closed = 0;
  for (const e of ex) {
    t[0]!.count(e.payload.kind, e.ref);
    t[1]!.count(e.payload.level, e.ref);
    issues += e.payload.issues.length;
    closed += e.payload.issues.filter((i) => i.closed !== undefined).length;
  }
  const companion = companionOf(full, percentFigure(closed, issues),
    ex.filter((e) => e.payload.issues.length > 0).map((e) => e.ref),
  );
  return calc(full, countFigure(ex.length), ex.map((e) => e.ref), t, companion);
};

const custodyExceptions: Figure = (s, from, to, full) => {
  const t = tally(full, "exception kind", "count");
  let n = 0;
  let misdirected = 0;
  const refs: SmsRef[] = [];
  const mrefs: SmsRef[] = [];
  for (const i of incidentsIn(s, from, to)) {
    for (const x of i.payload.custody?.exceptions ?? []) {
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

const objectivesAchieved: Figure = (s, from, to, full) => {
  const t = tally(full, "owner", "percent");
  let n = 0;
  let d = 0;
  const refs: SmsRef[] = [];
  for (const o of s.records["sms.objective"]) {
    const p = o.payload;
    if (!inPeriod(p.due, from, to) || p.status === "withdrawn") continue;
    d++;
    if (p.status === "achieved") n++;
    t.ratio(personLabel(p.owner), o.ref, p.status === "achieved");
    refs.push(o.ref);
  }
  return calc(full, percentFigure(n, d), refs, [t]);
};

/**
 * The computation of each catalogue KPI over a period.
 *
 * @example
 * ```ts
 * KPI_FIGURES["incidents"](state, "2026-03-01", "2026-03-31").figure.value // 2
 * ```
 */
export const KPI_FIGURES: Readonly<Record<KpiId, Figure>> = {
  incidents,
  "cargo-loss-value": cargoLossValue,
  "seal-integrity-discrepancies": sealIntegrity,
  "supplier-assurance-on-schedule": supplierAssurance,
  "access-violations": accessViolations,
  "vetting-before-deployment": vetting,
  "incident-response-time": responseTime,
  "risks-treated-and-accepted": risksAccepted,
  "corrective-actions-on-time": correctiveOnTime,
  "exercises-held": exercisesHeld,
  "custody-exceptions": custodyExceptions,
  "objectives-achieved": objectivesAchieved,
};
