/**
 * What is due, and what is overdue, on day D, per owner: reviews of
 * documents, plans and risks, open actions of nonconformities, management
 * reviews and supplier remediation, supplier assessments by their tier's
 * interval, expiries of residual-risk acceptances, objectives, improvements
 * and scope exclusions to revalidate, and evidence files whose `expires`
 * date comes or has passed. Each item names the record it comes
 * from; an item is overdue when its due date is before D.
 */
import { addDays, daysBetween, requireDate } from "./days.js";
import { naming, personLabel, qualifyingAssessments, tierOf } from "./facts.js";
import { attachmentsOf } from "../../files/attachment.js";
import { SMS_TYPES } from "../record-types.js";
import { requireState, type SmsRef, type SmsState } from "./records.js";

/** The kinds of due item. */
export type DueKind =
  | "document-review"
  | "plan-review"
  | "risk-review"
  | "nonconformity-action"
  | "review-action"
  | "remediation-action"
  | "supplier-assessment"
  | "acceptance-expiry"
  | "objective"
  | "improvement"
  | "exclusion-revalidation"
  | "evidence-expiry";

/** Who an item falls to: a person, or nobody named by the records. */
export interface DueOwner {
  readonly name: string;
  readonly org?: string;
}

/** One due item. */
export interface DueItem {
  readonly kind: DueKind;
  readonly title: string;
  readonly due: string;
  /** Due before D. */
  readonly overdue: boolean;
  /** Days from D to the due date (negative when overdue). */
  readonly daysLeft: number;
  readonly owner: DueOwner | null;
  readonly ref: SmsRef;
}

/** The items of one owner, soonest first. */
export interface OwnerDue {
  /** "name (org)", or "(unassigned)". */
  readonly owner: string;
  readonly overdue: number;
  readonly items: readonly DueItem[];
}

/** Everything due on day D. */
export interface DueReport {
  readonly asOf: string;
  readonly overdue: number;
  readonly owners: readonly OwnerDue[];
}

type Person = { readonly name: string; readonly org?: string | undefined };

const ownerOf = (p: Person | undefined): DueOwner | null => (p === undefined ? null : p.org === undefined ? { name: p.name } : { name: p.name, org: p.org });

/**
 * Due and overdue items on day `asOf` (YYYY-MM-DD), grouped per owner.
 *
 * @example
 * ```ts
 * const due = dueItems(state, "2026-03-31");
 * due.owners[0] // { owner: "Ana Ruiz (acme)", overdue: 1, items: [{ kind: "document-review", due: "2026-03-01", overdue: true, ... }] }
 * ```
 */
export function dueItems(state: SmsState, asOf: string): DueReport {
  requireState(state, "dueItems: state");
  const d = requireDate(asOf, "dueItems: asOf");
  const items: DueItem[] = [];
  const add = (kind: DueKind, title: string, due: string, owner: Person | undefined, ref: SmsRef): void => {
    const daysLeft = daysBetween(d, due);
    items.push({ kind, title, due, overdue: daysLeft < 0, daysLeft, owner: ownerOf(owner), ref });
  };
  const s = state.records;

  for (const x of s["sms.document"]) {
    // Superseded and withdrawn documents are no longer reviewed.
    if (x.payload.status === "approved" || x.payload.status === "draft") add("document-review", `review document ${x.id} "${x.payload.title}"`, x.payload.reviewDue, x.payload.owner, x.ref);
  }
  for (const x of s["sms.security-plan"]) add("plan-review", `review security plan ${x.id} "${x.payload.title}"`, x.payload.reviewDue, x.payload.owner, x.ref);
  for (const x of s["sms.risk"]) {
    if (x.payload.status !== "closed" && x.payload.reviewDue !== undefined) add("risk-review", `review risk ${x.id} "${x.payload.title}"`, x.payload.reviewDue, x.payload.owner, x.ref);
  }
  for (const x of s["sms.nonconformity"]) {
    if (x.payload.status === "closed") continue;
    for (const a of x.payload.actions) if (a.done === undefined) add("nonconformity-action", `action ${a.id} of nonconformity ${x.id}: ${a.description}`, a.due, a.owner, x.ref);
  }
  for (const x of s["sms.management-review"]) {
    for (const a of x.payload.actions) if (a.done === undefined) add("review-action", `action ${a.id} of management review ${x.id}: ${a.description}`, a.due, a.owner, x.ref);
  }
  for (const x of s["sms.supplier-assessment"]) {
    for (const a of x.payload.remediation) if (a.done === undefined) add("remediation-action", `remediation ${a.id} of assessment ${x.id}: ${a.description}`, a.due, a.owner, x.ref);
  }
  for (const x of s["sms.supplier"]) {
    const p = x.payload;
    if (p.status !== "active" || p.tier === "excluded") continue;
    const tier = tierOf(p.tier);
    // The next assessment falls due one interval after the latest qualifying one; with none, at onboarding.
    const all = naming(state, "sms.supplier-assessment", "supplier", x.id).filter((a) => (tier.assurance.methods as readonly string[]).includes(a.payload.method) && a.payload.assessed <= d);
    const last = all.sort((a, b) => (a.payload.assessed < b.payload.assessed ? -1 : a.payload.assessed > b.payload.assessed ? 1 : a.ref.index - b.ref.index)).at(-1);
    const due = last === undefined ? p.onboarded : addDays(last.payload.assessed, tier.assurance.intervalDays);
    const current = qualifyingAssessments(state, p, d).length > 0;
    // The assessor of the latest assessment is who assesses next; a supplier record names no owner.
    add("supplier-assessment", `assess supplier ${p.name} (tier ${p.tier}, every ${tier.assurance.intervalDays} days${current ? "" : ", not assured on schedule"})`, due, last?.payload.assessor, x.ref);
  }
  for (const r of s["sms.risk"]) {
    if (r.payload.status === "closed") continue;
    // The latest acceptance is the one in force; earlier ones were replaced by it.
    const latest = [...naming(state, "sms.risk-acceptance", "risk", r.id)].sort((a, b) => (a.payload.accepted < b.payload.accepted ? -1 : a.payload.accepted > b.payload.accepted ? 1 : a.ref.index - b.ref.index)).at(-1);
    if (latest !== undefined) add("acceptance-expiry", `acceptance ${latest.id} of risk ${r.id} expires`, latest.payload.expires, latest.payload.acceptedBy, latest.ref);
  }
  for (const x of s["sms.objective"]) {
    if (["planned", "on-track", "at-risk"].includes(x.payload.status)) add("objective", `objective ${x.id} "${x.payload.title}"`, x.payload.due, x.payload.owner, x.ref);
  }
  for (const x of s["sms.improvement"]) {
    if (x.payload.due !== undefined && (x.payload.status === "proposed" || x.payload.status === "in-progress")) add("improvement", `improvement ${x.id} "${x.payload.title}"`, x.payload.due, x.payload.owner, x.ref);
  }
  for (const x of s["sms.scope"]) {
    for (const e of x.payload.exclusions) add("exclusion-revalidation", `revalidate exclusion "${e.what}" of scope ${x.id}`, e.revalidate, x.payload.approvedBy, x.ref);
  }
  addEvidenceExpiries(state, add);

  const groups = new Map<string, DueItem[]>();
  for (const it of items) {
    const key = it.owner === null ? "(unassigned)" : personLabel(it.owner);
    const l = groups.get(key) ?? [];
    l.push(it);
    groups.set(key, l);
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const owners = [...groups.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([owner, l]): OwnerDue => {
      l.sort((a, b) => cmp(a.due, b.due) || a.ref.index - b.ref.index || cmp(a.kind, b.kind) || cmp(a.title, b.title));
      return { owner, overdue: l.filter((i) => i.overdue).length, items: l };
    });
  return { asOf: d, overdue: items.filter((i) => i.overdue).length, owners };
}

// Statuses after which a record's evidence is no longer relied on: a
// superseded or withdrawn document, a closed risk, a retired control...
const ENDED = new Set(["superseded", "withdrawn", "closed", "retired", "offboarded", "rejected", "achieved", "missed", "done"]);

/**
 * Evidence files that expire (an attachment's `expires`, docs/formats.md
 * "Attachments"): due on that date, overdue after it, for the record's
 * owner when it names one. Only the latest version of a live record counts:
 * an earlier version's file was replaced by the later one's.
 */
function addEvidenceExpiries(state: SmsState, add: (kind: DueKind, title: string, due: string, owner: Person | undefined, ref: SmsRef) => void): void {
  for (const type of SMS_TYPES) {
    for (const x of state.records[type]) {
      const p = x.payload as { status?: unknown; owner?: unknown; title?: unknown };
      if (typeof p.status === "string" && ENDED.has(p.status)) continue;
      const o = p.owner as Person | undefined;
      const owner = o !== null && typeof o === "object" && typeof o.name === "string" ? o : undefined;
      for (const a of attachmentsOf(x.payload)) {
        if (a.expires !== undefined) add("evidence-expiry", `evidence "${a.name}" of ${type} ${x.id} expires`, a.expires, owner, x.ref);
      }
    }
  }
}
