/**
 * Certification readiness: the fifteen items of the catalogue
 * (catalogue/readiness.ts), each judged on day D exactly by its `criterion`,
 * passed or failed, with the records that prove it and, when it fails, what
 * is missing in a few words each.
 */
import { READINESS_ITEMS, type ReadinessItemId } from "../catalogue/readiness.js";
import { KPIS } from "../catalogue/kpis.js";
import { DOMAIN_IDS } from "../schemas/common.js";
import { REVIEW_INPUTS } from "../schemas/evaluation.js";
import { requireDate, unexpired, withinDaysBefore } from "./days.js";
import { GROUPS, competencesFor, coversGroup, currentAcceptances, doneInternalAudits, freshCompetence, naming, roleInForce, sameScore } from "./facts.js";
import { stateIndex } from "./indexes.js";
import { keepVerdicts } from "./verdicts.js";
import { requireState, smsRecord, uniqueRefs, type SmsRef, type SmsState } from "./records.js";

/** One readiness item on day D. */
export interface ReadinessResult {
  readonly id: ReadinessItemId;
  readonly name: string;
  readonly clauses: readonly string[];
  readonly criterion: string;
  readonly passed: boolean;
  /** The records that meet the criterion (or the part of it that is met). */
  readonly refs: readonly SmsRef[];
  /** What is missing, when it fails. */
  readonly missing: readonly string[];
}

/** The fifteen readiness items on day D. */
export interface ReadinessReport {
  readonly asOf: string;
  readonly passed: number;
  readonly items: readonly ReadinessResult[];
}

interface Verdict {
  refs: SmsRef[];
  missing: string[];
}

type Check = (s: SmsState, d: string) => Verdict;

const v = (): Verdict => ({ refs: [], missing: [] });
const NEED = (cond: boolean, out: Verdict, reason: string): boolean => {
  if (!cond) out.missing.push(reason);
  return cond;
};

const isApproved = (p: { status: string; approvedBy?: unknown; approvedAt?: unknown }): boolean =>
  p.status === "approved" && p.approvedBy !== undefined && p.approvedAt !== undefined;

// Internal audits done (reported or followed-up) whose clauses together cover every group, for two items.
function missingGroups(audits: readonly { payload: { clauses: readonly string[] } }[]): string[] {
  const all = audits.flatMap((a) => a.payload.clauses);
  return GROUPS.filter((g) => !coversGroup(all, g));
}

const CHECKS: Readonly<Record<ReadinessItemId, Check>> = {
  "leadership-sponsorship": (s, d) => {
    const out = v();
    const top = s.records["sms.role"].filter((r) => r.payload.role === "top-management" && roleInForce(r.payload, d));
    if (NEED(top.length > 0, out, "no top-management role in force")) out.refs.push(...top.map((r) => r.ref));
    const policies = s.records["sms.document"].filter((x) => x.payload.kind === "policy" && isApproved(x.payload) && x.payload.reviewDue >= d);
    if (NEED(policies.length > 0, out, "no approved policy with approvedBy, approvedAt and a review date not passed")) out.refs.push(...policies.map((x) => x.ref));
    const told = s.records["sms.communication"].filter((c) => policies.some((p) => c.payload.what.includes(p.payload.title)));
    if (policies.length > 0 && NEED(told.length > 0, out, "no communication entry names the policy's title")) out.refs.push(...told.map((c) => c.ref));
    return out;
  },
  "scope-documented": (s, d) => {
    const out = v();
    const scopes = s.records["sms.scope"];
    const good = scopes.filter(
      (x) => x.payload.approvedBy !== undefined && x.payload.approvedAt !== undefined && x.payload.sites.length > 0 && x.payload.interfaces.length > 0 && x.payload.exclusions.every((e) => e.revalidate >= d),
    );
    out.refs.push(...good.map((x) => x.ref));
    if (scopes.length === 0) out.missing.push("no sms.scope");
    else if (good.length === 0) {
      for (const x of scopes) {
        const p = x.payload;
        if (p.approvedBy === undefined || p.approvedAt === undefined) out.missing.push(`scope ${x.id} is not approved`);
        if (p.interfaces.length === 0) out.missing.push(`scope ${x.id} lists no interface`);
        for (const e of p.exclusions) if (e.revalidate < d) out.missing.push(`scope ${x.id}: exclusion "${e.what}" was due for revalidation on ${e.revalidate}`);
      }
    }
    return out;
  },
  "registers-maintained": (s, d) => {
    const out = v();
    for (const t of ["sms.context-issue", "sms.interested-party", "sms.legal-requirement"] as const) {
      const l = s.records[t];
      NEED(l.length > 0, out, `no ${t}`);
      for (const x of l) {
        if (withinDaysBefore(x.payload.reviewed, d, 365)) out.refs.push(x.ref);
        else out.missing.push(`${t} ${x.id} last reviewed ${x.payload.reviewed}, not within the 365 days before ${d}`);
      }
    }
    return out;
  },
  "risk-method-applied": (s) => {
    const out = v();
    const methods = s.records["sms.document"].filter((x) => x.payload.kind === "methodology" && x.payload.status === "approved");
    if (NEED(methods.length > 0, out, "no approved methodology document")) out.refs.push(...methods.map((x) => x.ref));
    const risks = s.records["sms.risk"];
    NEED(risks.length > 0, out, "no sms.risk");
    const scopes = s.records["sms.scope"];
    NEED(scopes.length > 0, out, "no sms.scope names the sites to cover");
    for (const sc of scopes) {
      out.refs.push(sc.ref);
      for (const site of sc.payload.sites) {
        const covering = stateIndex(s).risksOfSite(site.id);
        if (NEED(covering.length > 0, out, `no risk has site ${site.id} as its subject`)) out.refs.push(...covering.map((r) => r.ref));
      }
    }
    return out;
  },
  "treatment-accepted": (s, d) => {
    const out = v();
    const applicable = s.records["sms.control"].filter((c) => c.payload.applicable);
    if (NEED(applicable.length > 0, out, "no applicable sms.control")) out.refs.push(...applicable.map((c) => c.ref));
    // A register with no risk in it treats nothing: it is not in place.
    NEED(s.records["sms.risk"].length > 0, out, "no sms.risk");
    for (const r of s.records["sms.risk"]) {
      const p = r.payload;
      if (p.status !== "open" && p.status !== "treated") continue;
      out.refs.push(r.ref);
      NEED(p.treatment === "accept" || p.controls.length > 0, out, `risk ${r.id} has no control and is not accepted outright`);
      const acc = currentAcceptances(s, r.id, d).filter((a) => sameScore(a.payload.residual, p.residual));
      if (NEED(acc.length > 0, out, `risk ${r.id} has no acceptance unexpired on ${d} for its current residual`)) out.refs.push(...acc.map((a) => a.ref));
    }
    return out;
  },
  "roles-assigned": (s, d) => {
    const out = v();
    for (const role of ["top-management", "security-manager", "risk-owner", "internal-audit"] as const) {
      const l = s.records["sms.role"].filter((r) => r.payload.role === role && roleInForce(r.payload, d));
      if (NEED(l.length > 0, out, `no ${role} role in force`)) out.refs.push(...l.map((r) => r.ref));
    }
    return out;
  },
  "objectives-set": (s, d) => {
    const out = v();
    const l = s.records["sms.objective"].filter((o) => (["planned", "on-track", "at-risk"].includes(o.payload.status) && o.payload.due >= d) || o.payload.status === "achieved");
    if (NEED(l.length > 0, out, "no objective achieved or pursued with a due date not passed")) out.refs.push(...l.map((o) => o.ref));
    return out;
  },
  "controls-operating": (s, d) => {
    const out = v();
    let operatingDomains = 0;
    for (const dom of DOMAIN_IDS) {
      const l = s.records["sms.control"].filter((c) => c.payload.domain === dom);
      const live = l.filter((c) => c.payload.applicable && c.payload.status === "operating" && c.payload.implementation.some((i) => withinDaysBefore(i.date, d, 365)));
      if (live.length > 0) {
        operatingDomains++;
        out.refs.push(...live.map((c) => c.ref));
      } else if (l.length > 0 && l.every((c) => !c.payload.applicable)) {
        out.refs.push(...l.map((c) => c.ref));
      } else {
        out.missing.push(l.length === 0 ? `domain ${dom}: no sms.control, applicable or not` : `domain ${dom}: no applicable control operating with an implementation entry within the 365 days before ${d}`);
      }
    }
    NEED(operatingDomains > 0, out, "no domain has an operating control");
    return out;
  },
  "security-plans-exercised": (s, d) => {
    const out = v();
    for (const cond of ["normal", "elevated-threat", "incident"] as const) {
      const plans = s.records["sms.security-plan"].filter((p) => p.payload.condition === cond);
      NEED(plans.length > 0, out, `no security plan for condition ${cond}`);
      for (const p of plans) {
        const ex = naming(s, "sms.exercise", "plan", p.id).filter((e) => withinDaysBefore(e.payload.held, d, 365));
        if (NEED(ex.length > 0, out, `plan ${p.id} was not exercised within the 365 days before ${d}`)) out.refs.push(p.ref, ...ex.map((e) => e.ref));
      }
    }
    return out;
  },
  "competence-delivered": (s, d) => {
    const out = v();
    const roles = s.records["sms.role"].filter((x) => roleInForce(x.payload, d));
    NEED(roles.length > 0, out, "no sms.role in force");
    for (const r of roles) {
      const training = competencesFor(s, r, "training", true).filter((c) => unexpired(c.payload.expires, d));
      const aware = competencesFor(s, r, "awareness", true).filter((c) => freshCompetence(c, d));
      NEED(training.length > 0, out, `role ${r.id} (${r.payload.holder.name}): no unexpired training`);
      NEED(aware.length > 0, out, `role ${r.id} (${r.payload.holder.name}): no awareness within the 365 days before ${d}`);
      out.refs.push(r.ref, ...training.map((c) => c.ref), ...aware.map((c) => c.ref));
    }
    return out;
  },
  "communication-document-control": (s, d) => {
    const out = v();
    for (const ext of [true, false]) {
      const l = s.records["sms.communication"].filter((c) => c.payload.external === ext);
      if (NEED(l.length > 0, out, `no ${ext ? "external" : "internal"} communication entry`)) out.refs.push(...l.map((c) => c.ref));
    }
    const approved = s.records["sms.document"].filter((x) => x.payload.status === "approved");
    const procs = approved.filter((x) => x.payload.kind === "procedure" && (x.payload.clauses ?? []).includes("7.5"));
    if (NEED(procs.length > 0, out, "no approved procedure lists clause 7.5")) out.refs.push(...procs.map((x) => x.ref));
    for (const x of approved) if (x.payload.reviewDue < d) out.missing.push(`document ${x.id} was due for review on ${x.payload.reviewDue}`);
    return out;
  },
  "monitoring-and-audit": (s) => {
    const out = v();
    const ids: readonly string[] = KPIS.map((k) => k.id);
    const measured = s.records["sms.objective"].filter((o) => ids.includes(o.payload.kpi));
    if (NEED(measured.length > 0, out, "no objective names a catalogue KPI")) out.refs.push(...measured.map((o) => o.ref));
    const done = new Map(doneInternalAudits(s).map((a) => [a.id, a]));
    const reasons: string[] = [];
    const complete = s.records["sms.audit-programme"].find((pg) => {
      const audits = pg.payload.planned.map((pl) => done.get(pl.audit));
      if (audits.some((a) => a === undefined)) {
        reasons.push(`programme ${pg.id}: planned audits not done: ${pg.payload.planned.filter((pl) => !done.has(pl.audit)).map((pl) => pl.audit).join(", ")}`);
        return false;
      }
      const gaps = missingGroups(audits as NonNullable<(typeof audits)[number]>[]);
      if (gaps.length > 0) reasons.push(`programme ${pg.id}: its audits cover no clause of group ${gaps.join(", ")}`);
      return gaps.length === 0;
    });
    if (complete !== undefined) out.refs.push(complete.ref, ...complete.payload.planned.map((pl) => done.get(pl.audit)!.ref));
    else out.missing.push(...(reasons.length > 0 ? reasons : ["no sms.audit-programme"]));
    return out;
  },
  "management-review-held": (s, d) => {
    const out = v();
    const reasons: string[] = [];
    const ok = s.records["sms.management-review"].filter((r) => {
      const p = r.payload;
      if (!withinDaysBefore(p.held, d, 365)) return false;
      const lacking = REVIEW_INPUTS.filter((i) => p.inputs[i] === undefined);
      const late = p.actions.filter((a) => a.due < d && a.done === undefined);
      if (lacking.length > 0) reasons.push(`review ${r.id} lacks inputs ${lacking.join(", ")}`);
      if (p.decisions.length === 0) reasons.push(`review ${r.id} records no decision`);
      if (late.length > 0) reasons.push(`review ${r.id} has actions past due and not done: ${late.map((a) => a.id).join(", ")}`);
      return lacking.length === 0 && p.decisions.length > 0 && late.length === 0;
    });
    if (ok.length > 0) out.refs.push(...ok.map((r) => r.ref));
    else out.missing.push(...(reasons.length > 0 ? reasons : [`no management review held within the 365 days before ${d}`]));
    return out;
  },
  "corrective-action-working": (s) => {
    const out = v();
    const ncs = s.records["sms.nonconformity"];
    NEED(ncs.length > 0, out, "no sms.nonconformity");
    for (const nc of ncs) {
      const p = nc.payload;
      out.refs.push(nc.ref);
      if (["actions", "verification", "closed"].includes(p.status)) NEED(p.rootCause !== undefined, out, `nonconformity ${nc.id} (${p.status}) has no root cause`);
      if (p.status === "closed") NEED(p.effectiveness?.effective === true, out, `nonconformity ${nc.id} closed without an effective verification`);
    }
    return out;
  },
  "pre-assessment-done": (s, d) => {
    const out = v();
    const reasons: string[] = [];
    const ok = doneInternalAudits(s).filter((a) => {
      if (!withinDaysBefore(a.payload.reported, d, 180)) return false;
      const gaps = missingGroups([a]);
      if (gaps.length > 0) reasons.push(`audit ${a.id} covers no clause of group ${gaps.join(", ")}`);
      const open = naming(s, "sms.finding", "audit", a.id).filter((f) => {
        if (f.payload.grade !== "major-nc") return false;
        const nc = f.payload.nonconformity === undefined ? undefined : smsRecord(s, "sms.nonconformity", f.payload.nonconformity);
        return nc === undefined || nc.payload.status !== "closed";
      });
      if (open.length > 0) reasons.push(`audit ${a.id}: major nonconformities not closed: ${open.map((f) => f.id).join(", ")}`);
      return gaps.length === 0 && open.length === 0;
    });
    for (const a of ok) {
      out.refs.push(a.ref);
      for (const f of naming(s, "sms.finding", "audit", a.id)) {
        if (f.payload.grade !== "major-nc") continue;
        out.refs.push(f.ref, smsRecord(s, "sms.nonconformity", f.payload.nonconformity!)!.ref);
      }
    }
    if (ok.length === 0) out.missing.push(...(reasons.length > 0 ? reasons : [`no internal audit reported within the 180 days before ${d}`]));
    return out;
  },
};

/**
 * The fifteen readiness items on day `asOf` (YYYY-MM-DD).
 *
 * @example
 * ```ts
 * const r = computeReadiness(state, "2026-03-31");
 * r.items.filter((i) => !i.passed).map((i) => [i.id, i.missing])
 * ```
 */
export function computeReadiness(state: SmsState, asOf: string): ReadinessReport {
  requireState(state, "computeReadiness: state");
  const d = requireDate(asOf, "computeReadiness: asOf");
  const items = READINESS_ITEMS.map((item): ReadinessResult => {
    const { refs, missing } = CHECKS[item.id](state, d);
    return { id: item.id, name: item.name, clauses: item.clauses, criterion: item.criterion, passed: missing.length === 0, refs: uniqueRefs(refs), missing };
  });
  keepVerdicts(state, "readiness", d, items.map((i) => ({ id: i.id, clauses: i.clauses, holds: i.passed })));
  return { asOf: d, passed: items.filter((i) => i.passed).length, items };
}
