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
import { stateIndex } from "./indexes.js";
import type { SmsRef } from "./records.js";
import { countFigure, percentFigure } from "./kpi-tally.js";
import { calc, companionOf, tally, type Figure } from "./kpi-calc.js";
import { accessViolations, cargoLossValue, custodyExceptions, incidents, responseTime, sealIntegrity } from "./kpi-incident-figures.js";

export type { KpiCalc, KpiCompanion } from "./kpi-calc.js";

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
