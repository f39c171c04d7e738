/**
 * The fourteen common gaps of the catalogue (catalogue/gaps.ts), each
 * detected on day D exactly by its `detect` rule. A gap is reported once per
 * offending record (or missing one), each finding a sentence with the
 * records it cites, so that an audit finding can quote its evidence.
 */
import { COMMON_GAPS, type GapId } from "../catalogue/gaps.js";
import { REVIEW_INPUTS } from "../schemas/evaluation.js";
import { requireDate, withinDaysBefore } from "./days.js";
import {
  GROUPS,
  competencesFor,
  competencesOf,
  coversGroup,
  currentAcceptances,
  freshCompetence,
  naming,
  personLabel,
  qualifyingAssessments,
  recentInternalAudits,
  recentReviews,
  roleInForce,
  sameScore,
  tierOf,
} from "./facts.js";
import { stateIndex } from "./indexes.js";
import { keepVerdicts } from "./verdicts.js";
import { requireState, smsRecord, uniqueRefs, type SmsRef, type SmsState } from "./records.js";

/** One reason a gap is detected, with the records it concerns. */
export interface GapFinding {
  readonly message: string;
  readonly refs: readonly SmsRef[];
}

/** One common gap on day D. */
export interface GapResult {
  readonly id: GapId;
  readonly name: string;
  readonly clauses: readonly string[];
  readonly detect: string;
  readonly detected: boolean;
  readonly findings: readonly GapFinding[];
}

/** The fourteen gaps on day D. */
export interface GapReport {
  readonly asOf: string;
  readonly detected: number;
  readonly gaps: readonly GapResult[];
}

type Finder = (s: SmsState, d: string) => GapFinding[];

const f = (message: string, ...refs: SmsRef[]): GapFinding => ({ message, refs: uniqueRefs(refs) });
const OPEN_RISK = (st: string): boolean => st === "open" || st === "treated";
const CARGO_CONTROLS = ["cargo.seal-register", "cargo.conveyance-inspection", "cargo.tracking"] as const;
const DOC_REFS = [
  ["sms.security-plan", "document"],
  ["sms.audit", "report"],
  ["sms.exercise", "report"],
  ["sms.management-review", "minutes"],
] as const;

const FINDERS: Readonly<Record<GapId, Finder>> = {
  "scope-boundaries": (s, d) => {
    const scopes = s.records["sms.scope"];
    if (scopes.length === 0) return [f("no sms.scope exists")];
    const out: GapFinding[] = [];
    const active = s.records["sms.supplier"].filter((x) => x.payload.status === "active");
    for (const sc of scopes) {
      const p = sc.payload;
      if (active.length > 0 && p.interfaces.length === 0) out.push(f(`scope ${sc.id} lists no interface while active suppliers exist`, sc.ref));
      if (active.length > 0 && p.dependencies.length === 0) out.push(f(`scope ${sc.id} lists no dependency while active suppliers exist`, sc.ref));
      for (const e of p.exclusions) if (e.revalidate < d) out.push(f(`scope ${sc.id}: exclusion "${e.what}" was due for revalidation on ${e.revalidate}`, sc.ref));
    }
    const parties = new Set(scopes.flatMap((sc) => sc.payload.interfaces.map((i) => i.party)));
    for (const x of active) {
      if ((x.payload.tier === "1" || x.payload.tier === "2") && !parties.has(x.payload.name)) {
        out.push(f(`tier ${x.payload.tier} supplier ${x.payload.name} is the party of no interface of the scope`, x.ref, ...scopes.map((sc) => sc.ref)));
      }
    }
    return out;
  },
  "risk-control-links": (s) => {
    const out: GapFinding[] = [];
    const risks = s.records["sms.risk"];
    for (const r of risks) {
      if (OPEN_RISK(r.payload.status) && r.payload.treatment !== "accept" && r.payload.controls.length === 0) out.push(f(`risk ${r.id} (${r.payload.treatment}) has no control`, r.ref));
    }
    const linked = new Set(risks.flatMap((r) => r.payload.controls));
    for (const c of s.records["sms.control"]) if (c.payload.applicable && !linked.has(c.id)) out.push(f(`control ${c.id} is linked to no risk`, c.ref));
    for (const sc of s.records["sms.scope"]) {
      for (const site of sc.payload.sites) if (stateIndex(s).risksOfSite(site.id).length === 0) out.push(f(`site ${site.id} of scope ${sc.id} is the subject of no risk`, sc.ref));
    }
    return out;
  },
  "acceptance-missing": (s, d) => {
    const out: GapFinding[] = [];
    if (s.records["sms.control"].length === 0) out.push(f("no sms.control exists: no statement of applicable controls"));
    for (const r of s.records["sms.risk"]) {
      if (!OPEN_RISK(r.payload.status)) continue;
      const latest = currentAcceptances(s, r.id, d).at(-1);
      if (latest === undefined) out.push(f(`risk ${r.id} has no residual-risk acceptance unexpired on ${d}`, r.ref));
      else if (!sameScore(latest.payload.residual, r.payload.residual)) {
        out.push(f(`risk ${r.id}: its latest acceptance ${latest.id} accepts a residual that differs from the risk's current residual`, r.ref, latest.ref));
      }
    }
    return out;
  },
  "objectives-unmeasurable": (s, d) => {
    const out: GapFinding[] = [];
    const l = s.records["sms.objective"];
    if (!l.some((o) => o.payload.status !== "withdrawn")) out.push(f("no security objective other than withdrawn ones"));
    for (const o of l) {
      if (o.payload.due < d && ["planned", "on-track", "at-risk"].includes(o.payload.status)) out.push(f(`objective ${o.id} was due on ${o.payload.due} and is still ${o.payload.status}`, o.ref));
    }
    return out;
  },
  "partners-unassured": (s, d) => {
    const out: GapFinding[] = [];
    for (const x of s.records["sms.supplier"]) {
      const p = x.payload;
      if (p.status !== "active") continue;
      if ((p.tier === "1" || p.tier === "2") && !p.contractClauses) out.push(f(`tier ${p.tier} supplier ${p.name} has no security clauses in its contract`, x.ref));
      if (p.tier !== "excluded" && qualifyingAssessments(s, p, d).length === 0) {
        const t = tierOf(p.tier);
        out.push(f(`supplier ${p.name} (tier ${p.tier}) has no assessment by ${t.assurance.methods.join(" or ")} within the ${t.assurance.intervalDays} days before ${d}`, x.ref));
      }
    }
    for (const a of s.records["sms.supplier-assessment"]) {
      for (const act of a.payload.remediation) {
        if (act.due < d && act.done === undefined) out.push(f(`remediation action ${act.id} of assessment ${a.id} was due on ${act.due} and is not done`, a.ref));
      }
    }
    return out;
  },
  "personnel-weak": (s, d) => {
    const out: GapFinding[] = [];
    for (const r of s.records["sms.role"]) {
      if (!roleInForce(r.payload, d)) continue;
      const vetted = competencesOf(s, "vetting", r.payload.holder).some((c) => c.payload.result === "passed" && c.payload.completed <= r.payload.appointedAt);
      if (!vetted) out.push(f(`role ${r.id}: holder ${personLabel(r.payload.holder)} was not vetted (passed) on or before appointment ${r.payload.appointedAt}`, r.ref));
    }
    for (const cc of ["personnel.visitor-log", "personnel.insider-threat-programme"]) {
      const ok = s.records["sms.control"].some((c) => c.payload.domain === "personnel" && c.payload.applicable && c.payload.status === "operating" && c.payload.catalogueControl === cc);
      if (!ok) out.push(f(`no applicable, operating personnel control implements ${cc}`));
    }
    return out;
  },
  "cargo-unevidenced": (s, d) => {
    const out: GapFinding[] = [];
    for (const cc of CARGO_CONTROLS) {
      const l = s.records["sms.control"].filter((c) => c.payload.catalogueControl === cc);
      if (l.length > 0 && l.every((c) => !c.payload.applicable)) continue;
      const ok = l.some((c) => c.payload.applicable && c.payload.status === "operating" && c.payload.implementation.some((i) => withinDaysBefore(i.date, d, 365)));
      if (ok) continue;
      if (l.length === 0) out.push(f(`no control implements ${cc}`));
      else out.push(f(`no control implementing ${cc} is applicable, operating and has an implementation entry within the 365 days before ${d}`, ...l.map((c) => c.ref)));
    }
    return out;
  },
  "information-unintegrated": (s) => {
    const out: GapFinding[] = [];
    const controls = s.records["sms.control"];
    if (!controls.some((c) => c.payload.domain === "information" && c.payload.applicable && c.payload.status === "operating")) out.push(f("no applicable, operating control of the information domain"));
    if (!controls.some((c) => c.payload.catalogueControl === "information.isms-interface")) out.push(f("no control implements information.isms-interface"));
    if (!s.records["sms.risk"].some((r) => r.payload.domains.includes("information"))) out.push(f("no risk lists the information domain"));
    return out;
  },
  "plans-unexercised": (s, d) => {
    const out: GapFinding[] = [];
    const plans = s.records["sms.security-plan"];
    for (const cond of ["elevated-threat", "incident"] as const) if (!plans.some((p) => p.payload.condition === cond)) out.push(f(`no security plan for condition ${cond}`));
    for (const p of plans) {
      if (!naming(s, "sms.exercise", "plan", p.id).some((e) => withinDaysBefore(e.payload.held, d, 365))) out.push(f(`security plan ${p.id} (${p.payload.condition}) was not exercised within the 365 days before ${d}`, p.ref));
    }
    return out;
  },
  "audit-coverage": (s, d) => {
    const out: GapFinding[] = [];
    const year = recentInternalAudits(s, d, 365);
    for (const g of GROUPS) if (!year.some((a) => coversGroup(a.payload.clauses, g))) out.push(f(`clause group ${g} was covered by no internal audit reported within the 365 days before ${d}`));
    const cycle = recentInternalAudits(s, d, 1095);
    for (const sc of s.records["sms.scope"]) {
      for (const site of sc.payload.sites) if (!cycle.some((a) => a.payload.sites.includes(site.id))) out.push(f(`site ${site.id} of scope ${sc.id} was named by no internal audit reported within the 1095 days before ${d}`, sc.ref));
    }
    for (const a of cycle) if (!a.payload.independent) out.push(f(`internal audit ${a.id} was not independent`, a.ref));
    const month = d.slice(0, 7);
    const done = new Set(s.records["sms.audit"].filter((a) => a.payload.status === "reported" || a.payload.status === "followed-up").map((a) => a.id));
    for (const pg of s.records["sms.audit-programme"]) {
      for (const pl of pg.payload.planned) {
        if (pl.month < month && !done.has(pl.audit)) {
          const a = smsRecord(s, "sms.audit", pl.audit);
          out.push(f(`audit ${pl.audit} planned for ${pl.month} by programme ${pg.id} is not reported`, pg.ref, ...(a === undefined ? [] : [a.ref])));
        }
      }
    }
    return out;
  },
  "review-incomplete": (s, d) => {
    const out: GapFinding[] = [];
    const recent = recentReviews(s, d);
    if (recent.length === 0) out.push(f(`no management review held within the 365 days before ${d}`));
    // The most recent review held on or before D, whenever it was.
    const last = s.records["sms.management-review"]
      .filter((r) => r.payload.held <= d)
      .sort((a, b) => (a.payload.held > b.payload.held ? -1 : a.payload.held < b.payload.held ? 1 : b.ref.index - a.ref.index))[0];
    if (last !== undefined) {
      const lacking = REVIEW_INPUTS.filter((i) => last.payload.inputs[i] === undefined);
      if (lacking.length > 0) out.push(f(`management review ${last.id} of ${last.payload.held} lacks the inputs ${lacking.join(", ")}`, last.ref));
      if (last.payload.decisions.length === 0) out.push(f(`management review ${last.id} of ${last.payload.held} records no decision`, last.ref));
    }
    for (const r of s.records["sms.management-review"]) {
      for (const a of r.payload.actions) if (a.due < d && a.done === undefined) out.push(f(`action ${a.id} of management review ${r.id} was due on ${a.due} and is not done`, r.ref));
    }
    return out;
  },
  "root-cause-missing": (s) => {
    const out: GapFinding[] = [];
    for (const nc of s.records["sms.nonconformity"]) {
      const p = nc.payload;
      if (["actions", "verification", "closed"].includes(p.status) && p.rootCause === undefined) out.push(f(`nonconformity ${nc.id} (${p.status}) has no root cause`, nc.ref));
      if (p.status === "closed" && p.effectiveness === undefined) out.push(f(`nonconformity ${nc.id} was closed without an effectiveness check`, nc.ref));
      if (p.status === "closed" && p.effectiveness?.effective === false) out.push(f(`nonconformity ${nc.id} was closed although its actions were found ineffective`, nc.ref));
    }
    return out;
  },
  "documents-uncontrolled": (s, d) => {
    const out: GapFinding[] = [];
    for (const x of s.records["sms.document"]) {
      const p = x.payload;
      if (p.status !== "approved") continue;
      if (p.reviewDue < d) out.push(f(`document ${x.id} was due for review on ${p.reviewDue}`, x.ref));
      if (p.approvedBy === undefined || p.approvedAt === undefined) out.push(f(`document ${x.id} is approved without approvedBy and approvedAt`, x.ref));
    }
    for (const [type, field] of DOC_REFS) {
      for (const r of s.records[type]) {
        const id = (r.payload as Record<string, unknown>)[field];
        if (typeof id !== "string") continue;
        const doc = smsRecord(s, "sms.document", id);
        if (doc !== undefined && (doc.payload.status === "superseded" || doc.payload.status === "withdrawn")) {
          out.push(f(`${type} ${r.id} refers to document ${id}, which is ${doc.payload.status}`, r.ref, doc.ref));
        }
      }
    }
    return out;
  },
  "awareness-gaps": (s, d) => {
    const out: GapFinding[] = [];
    for (const r of s.records["sms.role"]) {
      if (!roleInForce(r.payload, d)) continue;
      if (!competencesFor(s, r, "awareness", true).some((c) => freshCompetence(c, d))) out.push(f(`role ${r.id}: holder ${personLabel(r.payload.holder)} has no awareness record within the 365 days before ${d}`, r.ref));
    }
    const aware = s.records["sms.competence"].filter((c) => c.payload.kind === "awareness");
    for (const c of aware) {
      if (c.payload.result !== "failed") continue;
      const retaken = competencesOf(s, "awareness", c.payload.person).some((o) => o.payload.result === "passed" && o.payload.completed > c.payload.completed);
      if (!retaken) out.push(f(`${personLabel(c.payload.person)} failed awareness on ${c.payload.completed} and has not passed it since`, c.ref));
    }
    return out;
  },
};

/**
 * The fourteen common gaps on day `asOf` (YYYY-MM-DD): each detected or
 * not, with one finding per offending record.
 *
 * @example
 * ```ts
 * const g = detectGaps(state, "2026-03-31");
 * g.gaps.find((x) => x.id === "risk-control-links")?.findings[0]?.message // "risk R-004 (reduce) has no control"
 * ```
 */
export function detectGaps(state: SmsState, asOf: string): GapReport {
  requireState(state, "detectGaps: state");
  const d = requireDate(asOf, "detectGaps: asOf");
  const gaps = COMMON_GAPS.map((g): GapResult => {
    const findings = FINDERS[g.id](state, d);
    return { id: g.id, name: g.name, clauses: g.clauses, detect: g.detect, detected: findings.length > 0, findings };
  });
  keepVerdicts(state, "gaps", d, gaps.map((g) => ({ id: g.id, clauses: g.clauses, holds: g.detected })));
  return { asOf: d, detected: gaps.filter((g) => g.detected).length, gaps };
}
