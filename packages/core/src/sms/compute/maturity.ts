/**
 * Maturity (catalogue/maturity-levels.ts) per clause, per clause group and
 * per control domain, and a clause-by-clause assessment (conformity,
 * partial, missing) with its evidence and the audit findings graded against
 * each clause. A level is reached when its rule and every lower level's rule
 * hold; each result names the rule that gave its level and what stands
 * between it and the next. The rules, in the table {@link MATURITY_RULES},
 * are this project's reading of the five levels in terms of records.
 */
import { CLAUSES, CLAUSE_GROUPS } from "../catalogue/clauses.js";
import { CONTROL_DOMAINS } from "../catalogue/domains.js";
import { KPIS } from "../catalogue/kpis.js";
import type { SmsRecordType } from "../record-types.js";
import { addDays, requireDate, unitStart, withinDaysBefore } from "./days.js";
import { coversClause, currentAcceptances, recentInternalAudits, recentReviews, sameScore } from "./facts.js";
import { detectGaps } from "./gaps.js";
import { hasData } from "./kpi-tally.js";
import { kpiReport } from "./kpi-report.js";
import { stateIndex } from "./indexes.js";
import { keptVerdicts } from "./verdicts.js";
import { computeReadiness } from "./readiness.js";
import { requireState, uniqueRefs, type SmsEntry, type SmsRef, type SmsState } from "./records.js";

/** A maturity level, 1 (initial) to 5 (optimising). */
export type MaturityLevelValue = 1 | 2 | 3 | 4 | 5;

/**
 * The rules, per level, for clauses and for control domains. D is the
 * evaluation day; "recent" means within the 365 days before D.
 *
 * @example
 * ```ts
 * MATURITY_RULES.clause.find((r) => r.level === 4)?.rule
 * ```
 */
export const MATURITY_RULES = {
  clause: [
    { level: 1, id: "C1", rule: "Default: no record of any of the clause's evidence types." },
    { level: 2, id: "C2", rule: "At least one record of one of the clause's evidence types exists (an sms.document counts for the clauses it lists, or for every clause when it lists none)." },
    {
      level: 3,
      id: "C3",
      rule: "The clause assessment is conformity: every evidence type has a record, at least one of its documents is approved when sms.document is an evidence type, every readiness item naming the clause passes, no common gap naming the clause is detected, and no minor-nc or major-nc finding against the clause is unresolved (a finding is resolved when it names a nonconformity that is closed with an effective verification).",
    },
    {
      level: 4,
      id: "C4",
      rule: "Measured: an internal audit with status reported or followed-up, reported recently, lists the clause or one above it; a management review was held recently; and, when KPIs name the clause, at least one of them has data over the 365 days ending on D.",
    },
    {
      level: 5,
      id: "C5",
      rule: "Improving: every nonconformity named by a finding against the clause is closed with an effective verification; at least one sms.improvement is done and none with a due date before D is still proposed or in progress; no KPI naming the clause is worsening over the six calendar months before D's month (and D's month itself when D is its last day; computeKpis' monthly trend); and minor-nc and major-nc findings against the clause from audits reported in the 365 days before D are no more than in the 365 days before those.",
    },
  ],
  domain: [
    { level: 1, id: "D1", rule: "Default: no sms.control of the domain." },
    { level: 2, id: "D2", rule: "At least one sms.control of the domain exists." },
    { level: 3, id: "D3", rule: "Defined: at least one applicable control of the domain; every applicable control is operating and named by the controls of some sms.risk; and at least one sms.risk lists the domain." },
    {
      level: 4,
      id: "D4",
      rule: "Measured: every applicable control of the domain has an implementation entry dated recently; each clause of the domain (catalogue domains) is listed, or a clause above it, by an internal audit reported recently; a management review was held recently.",
    },
    {
      level: 5,
      id: "D5",
      rule: "Improving: every sms.risk listing the domain with status open or treated has an acceptance unexpired on D for its current residual; incidents naming a risk of the domain detected in the 365 days before D are no more than in the 365 days before those; and every nonconformity raised from such an incident is closed.",
    },
  ],
} as const;

/** An audit finding graded against a clause. */
export interface ClauseFinding {
  readonly ref: SmsRef;
  readonly grade: "conformity" | "minor-nc" | "major-nc" | "ofi";
  readonly statement: string;
  /** For minor-nc and major-nc: whether it names a nonconformity closed with an effective verification; true for the others. */
  readonly resolved: boolean;
}

/** One clause: its assessment and its maturity. */
export interface ClauseAssessment {
  readonly clause: string;
  readonly title: string;
  readonly group: string;
  readonly status: "conformity" | "partial" | "missing";
  readonly evidence: readonly SmsRef[];
  /** Evidence types with no record. */
  readonly missingEvidence: readonly SmsRecordType[];
  readonly readiness: readonly { readonly id: string; readonly passed: boolean }[];
  readonly gaps: readonly { readonly id: string; readonly detected: boolean }[];
  readonly findings: readonly ClauseFinding[];
  readonly level: MaturityLevelValue;
  /** The rule id that gave the level (C1 ... C5). */
  readonly rule: string;
  /** Why the next level is not reached (empty at level 5). */
  readonly next: readonly string[];
}

/** One control domain's maturity. */
export interface DomainMaturity {
  readonly domain: string;
  readonly title: string;
  /** False when the domain's controls all have applicable false. */
  readonly applicable: boolean;
  readonly level: MaturityLevelValue;
  readonly rule: string;
  readonly next: readonly string[];
  readonly refs: readonly SmsRef[];
}

/** A clause group's maturity: the lowest level of its clauses. */
export interface GroupMaturity {
  readonly group: string;
  readonly title: string;
  readonly level: MaturityLevelValue;
}

/** Maturity on day D. */
export interface MaturityReport {
  readonly asOf: string;
  readonly clauses: readonly ClauseAssessment[];
  readonly groups: readonly GroupMaturity[];
  readonly domains: readonly DomainMaturity[];
}

const NC = (g: string): boolean => g === "minor-nc" || g === "major-nc";

// A finding bears on a clause when its clause is the clause, one above it, or one below it.
const bears = (findingClause: string, clause: string): boolean => coversClause([findingClause], clause) || findingClause.startsWith(`${clause}.`);

function effectiveClosed(s: SmsState, ncId: string | undefined): boolean {
  const nc = ncId === undefined ? undefined : stateIndex(s).record("sms.nonconformity", ncId);
  return nc !== undefined && nc.payload.status === "closed" && nc.payload.effectiveness?.effective === true;
}

// The level reached: the first rule (from level 2 up) that fails stops the climb.
function climb(steps: readonly (readonly string[])[], prefix: string): { level: MaturityLevelValue; rule: string; next: readonly string[] } {
  let level = 1;
  for (const missing of steps) {
    if (missing.length > 0) return { level: level as MaturityLevelValue, rule: `${prefix}${level}`, next: missing };
    level++;
  }
  return { level: 5, rule: `${prefix}5`, next: [] };
}

// The first position from `from` whose log index is not below `key`:
// galloping, so that a short list merged into a long one costs a copy of the
// long one and a few probes per element of the short one.
function seek(l: readonly SmsRef[], from: number, key: number): number {
  let lo = from;
  let hi = from;
  let step = 1;
  while (hi < l.length && l[hi]!.index < key) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  if (hi > l.length) hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (l[mid]!.index < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Two lists in log order as one; at an index in both, the second's ref.
function mergeTwo(x: readonly SmsRef[], y: readonly SmsRef[]): SmsRef[] {
  const out = new Array<SmsRef>(x.length + y.length);
  let i = 0;
  let j = 0;
  let m = 0;
  while (i < x.length && j < y.length) {
    const b = y[j]!;
    const p = seek(x, i, b.index);
    while (i < p) out[m++] = x[i++]!;
    if (i < x.length && x[i]!.index === b.index) i++;
    const q = i < x.length ? seek(y, j, x[i]!.index) : y.length;
    while (j < q) out[m++] = y[j++]!;
  }
  while (i < x.length) out[m++] = x[i++]!;
  while (j < y.length) out[m++] = y[j++]!;
  out.length = m;
  return out;
}

// The entry of record `id` in a list sorted by record id (a state's), by binary search.
function byId<T extends SmsEntry>(list: readonly T[], id: string): T | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = list[mid]!.id;
    if (m === id) return list[mid];
    if (m < id) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

// Lists of refs each in log order as one list in log order, each index once.
function mergeRefs(lists: readonly (readonly SmsRef[])[]): SmsRef[] {
  let out: readonly SmsRef[] = [];
  for (const l of lists) {
    if (l.length === 0) continue;
    out = out.length === 0 ? l : mergeTwo(out, l);
  }
  return out === lists.find((l) => l.length > 0) ? [...out] : (out as SmsRef[]);
}

/**
 * Maturity and the clause-by-clause assessment on day `asOf` (YYYY-MM-DD).
 *
 * @example
 * ```ts
 * const m = computeMaturity(state, "2026-03-31");
 * m.clauses.find((c) => c.clause === "9.2") // { status: "conformity", level: 4, rule: "C4", next: [...], ... }
 * ```
 */
export function computeMaturity(state: SmsState, asOf: string): MaturityReport {
  requireState(state, "computeMaturity: state");
  const d = requireDate(asOf, "computeMaturity: asOf");
  // The verdicts computeReadiness and detectGaps kept for this state and day, or theirs now.
  const readiness = keptVerdicts(state, "readiness", d) ?? (computeReadiness(state, d), keptVerdicts(state, "readiness", d)!);
  const gaps = keptVerdicts(state, "gaps", d) ?? (detectGaps(state, d), keptVerdicts(state, "gaps", d)!);
  // Only whether a KPI has data, and which way it moves, are read: the figures without their refs.
  const year = kpiReport(state, addDays(d, -364), d, "month", 0, false).kpis;
  const trend = kpiReport(state, unitStart(d, "month", 0), d, "month", 6, false).kpis;
  const audits = recentInternalAudits(state, d, 365);
  const reviewHeld = recentReviews(state, d).length > 0;
  // "The 365 days before D" is D-365 to D (as withinDaysBefore reads it); "the 365 days before those" is D-731 to D-366.
  const yearStart = addDays(d, -365);
  const improvements = state.records["sms.improvement"];
  const improving: string[] = [];
  if (!improvements.some((i) => i.payload.status === "done")) improving.push("no sms.improvement is done");
  for (const i of improvements) if (i.payload.due !== undefined && i.payload.due < d && (i.payload.status === "proposed" || i.payload.status === "in-progress")) improving.push(`improvement ${i.id} was due on ${i.payload.due} and is ${i.payload.status}`);

  const ix = stateIndex(state);
  const clauses = CLAUSES.map((c): ClauseAssessment => {
    // The evidence of each type as refs in log order, merged: a clause may take every incident as evidence.
    const evidenceRefs: (readonly SmsRef[])[] = [];
    let evidenceCount = 0;
    let docsApproved = !(c.evidence as readonly string[]).includes("sms.document");
    const missingEvidence: SmsRecordType[] = [];
    for (const t of c.evidence) {
      let refs: readonly SmsRef[];
      let n: number;
      if (t === "sms.document") {
        const l = state.records["sms.document"].filter((x) => x.payload.clauses === undefined || coversClause(x.payload.clauses, c.id));
        if (l.some((x) => x.payload.status === "approved")) docsApproved = true;
        refs = uniqueRefs(l.map((x) => x.ref));
        n = l.length;
      } else {
        refs = ix.refsByIndex(t);
        n = state.records[t].length;
      }
      if (n === 0) missingEvidence.push(t);
      evidenceCount += n;
      evidenceRefs.push(refs);
    }
    const items = readiness.filter((r) => (r.clauses as readonly string[]).includes(c.id));
    const gs = gaps.filter((g) => (g.clauses as readonly string[]).includes(c.id));
    const findingEntries = state.records["sms.finding"].filter((x) => bears(x.payload.clause, c.id));
    const findings = findingEntries.map((x): ClauseFinding => ({ ref: x.ref, grade: x.payload.grade, statement: x.payload.statement, resolved: !NC(x.payload.grade) || effectiveClosed(state, x.payload.nonconformity) }));

    const defined: string[] = [
      ...missingEvidence.map((t) => `no ${t} record`),
      ...(docsApproved ? [] : ["no approved document for the clause"]),
      ...items.filter((r) => !r.holds).map((r) => `readiness item ${r.id} fails`),
      ...gs.filter((g) => g.holds).map((g) => `gap ${g.id} is detected`),
      ...findings.filter((x) => !x.resolved).map((x) => `finding ${x.ref.id} (${x.grade}) is unresolved`),
    ];
    const status = evidenceCount === 0 ? "missing" : defined.length === 0 ? "conformity" : "partial";

    const kpiIds = KPIS.filter((k) => (k.clauses as readonly string[]).includes(c.id)).map((k) => k.id);
    const measured: string[] = [];
    if (!audits.some((a) => coversClause(a.payload.clauses, c.id))) measured.push(`no internal audit reported within the 365 days before ${d} covers clause ${c.id}`);
    if (!reviewHeld) measured.push(`no management review held within the 365 days before ${d}`);
    if (kpiIds.length > 0 && !year.some((k) => kpiIds.includes(k.id) && hasData(k))) measured.push(`no KPI of clause ${c.id} has data over the 365 days ending on ${d}`);

    const better: string[] = [...improving];
    for (const x of findingEntries) if (x.payload.nonconformity !== undefined && !effectiveClosed(state, x.payload.nonconformity)) better.push(`nonconformity ${x.payload.nonconformity} is not closed as effective`);
    for (const k of trend) if (kpiIds.includes(k.id) && k.trend.direction === "worsening") better.push(`KPI ${k.id} is worsening`);
    const ncIn = (from: string, to: string): number =>
      findingEntries.filter((x) => {
        if (!NC(x.payload.grade)) return false;
        const r = stateIndex(state).record("sms.audit", x.payload.audit)?.payload.reported;
        return r !== undefined && r >= from && r <= to;
      }).length;
    const now = ncIn(yearStart, d);
    const before = ncIn(addDays(yearStart, -366), addDays(yearStart, -1));
    if (now > before) better.push(`nonconformity findings against the clause: ${now} from audits reported in the 365 days before ${d}, ${before} in the 365 days before those`);

    const lv = climb([evidenceCount > 0 ? [] : ["no record of the clause's evidence types"], defined, measured, better], "C");
    return {
      clause: c.id,
      title: c.title,
      group: c.group,
      status,
      evidence: mergeRefs(evidenceRefs),
      missingEvidence,
      readiness: items.map((r) => ({ id: r.id, passed: r.holds })),
      gaps: gs.map((g) => ({ id: g.id, detected: g.holds })),
      findings,
      ...lv,
    };
  });

  const groups = CLAUSE_GROUPS.map((g): GroupMaturity => ({ group: g.id, title: g.title, level: Math.min(...clauses.filter((c) => c.group === g.id).map((c) => c.level)) as MaturityLevelValue }));

  // Each risk's domains as bits, one per catalogue domain in CONTROL_DOMAINS' order.
  const bit = new Map(CONTROL_DOMAINS.map((dom, k) => [dom.id as string, 1 << k]));
  const riskMask = new Map(state.records["sms.risk"].map((r) => [r.id, (r.payload.domains as readonly string[]).reduce((m, dom) => m | (bit.get(dom) ?? 0), 0)]));
  const maskOf = (named: readonly string[] | undefined): number => {
    let m = 0;
    for (const id of named ?? []) m |= riskMask.get(id) ?? 0;
    return m;
  };
  // Per domain, the incidents naming one of its risks detected in [from, to],
  // each once: counted, so read in any order.
  const perDomain = (from: string, to: string): Int32Array => {
    const c = new Int32Array(CONTROL_DOMAINS.length);
    for (const k of ix.incidentPositionsAnyOrder(from, to)) {
      const named = ix.times.risks[k];
      if (named === undefined || named.length === 0) continue;
      const m = maskOf(named);
      for (let b = 0; m >>> b !== 0; b++) if (((m >>> b) & 1) !== 0) c[b]!++;
    }
    return c;
  };
  const nowByDomain = perDomain(yearStart, d);
  const beforeByDomain = perDomain(addDays(yearStart, -366), addDays(yearStart, -1));
  // The domains of each incident a nonconformity names, whenever it was detected.
  const incidentList = state.records["sms.incident"];
  const ncDomains = new Map<string, number>();
  for (const nc of state.records["sms.nonconformity"]) {
    const id = nc.payload.incident;
    if (id === undefined || ncDomains.has(id)) continue;
    const i = byId(incidentList, id);
    ncDomains.set(id, i === undefined ? 0 : maskOf(i.payload.risks));
  }
  const linked = new Set(state.records["sms.risk"].flatMap((r) => r.payload.controls));
  const domains = CONTROL_DOMAINS.map((dom, k): DomainMaturity => {
    const controls = state.records["sms.control"].filter((x) => x.payload.domain === dom.id);
    const applicable = controls.filter((x) => x.payload.applicable);
    const risks = state.records["sms.risk"].filter((r) => (r.payload.domains as readonly string[]).includes(dom.id));
    const defined: string[] = [];
    if (applicable.length === 0) defined.push("no applicable control");
    for (const x of applicable) {
      if (x.payload.status !== "operating") defined.push(`control ${x.id} is ${x.payload.status}`);
      if (!linked.has(x.id)) defined.push(`control ${x.id} is linked to no risk`);
    }
    if (risks.length === 0) defined.push("no risk lists the domain");
    const measured: string[] = [];
    for (const x of applicable) if (!x.payload.implementation.some((i) => withinDaysBefore(i.date, d, 365))) measured.push(`control ${x.id} has no implementation entry within the 365 days before ${d}`);
    for (const cl of dom.clauses) if (!audits.some((a) => coversClause(a.payload.clauses, cl))) measured.push(`no internal audit reported within the 365 days before ${d} covers clause ${cl}`);
    if (!reviewHeld) measured.push(`no management review held within the 365 days before ${d}`);
    const better: string[] = [];
    for (const r of risks) {
      if (r.payload.status !== "open" && r.payload.status !== "treated") continue;
      if (!currentAcceptances(state, r.id, d).some((a) => sameScore(a.payload.residual, r.payload.residual))) better.push(`risk ${r.id} has no acceptance unexpired on ${d} for its current residual`);
    }
    const now = nowByDomain[k]!;
    const before = beforeByDomain[k]!;
    if (now > before) better.push(`incidents naming the domain's risks: ${now} detected in the 365 days before ${d}, ${before} in the 365 days before those`);
    for (const nc of state.records["sms.nonconformity"]) if (nc.payload.incident !== undefined && ((ncDomains.get(nc.payload.incident) ?? 0) & (1 << k)) !== 0 && nc.payload.status !== "closed") better.push(`nonconformity ${nc.id} from incident ${nc.payload.incident} is ${nc.payload.status}`);

    const lv = climb([controls.length > 0 ? [] : ["no control of the domain"], defined, measured, better], "D");
    return {
      domain: dom.id,
      title: dom.title,
      applicable: controls.length === 0 || applicable.length > 0,
      ...lv,
      refs: uniqueRefs([...controls, ...risks].map((x) => x.ref)),
    };
  });
  return { asOf: d, clauses, groups, domains };
}
