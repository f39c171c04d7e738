/**
 * The fifteen items an organisation should have in place before a
 * certification audit. Each names the clauses it serves, the record types
 * that prove it, and a criterion precise enough to be judged from records
 * (with the conventions of kpis.ts: latest versions, the evaluation day D).
 * A list of clauses covers a clause group when it holds the group id or
 * any clause within that group.
 */
import type { SmsRecordType } from "../record-types.js";
import type { ClauseRef } from "./clauses.js";

/** The shape of one readiness item. */
export interface ReadinessItemDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly clauses: readonly ClauseRef[];
  readonly evidence: readonly SmsRecordType[];
  /** When the item counts as met on evaluation day D. */
  readonly criterion: string;
}

/**
 * The readiness items, in the order an implementation usually reaches them.
 *
 * @example
 * ```ts
 * READINESS_ITEMS.find((r) => r.id === "management-review-held")?.clauses // ["9.3"]
 * ```
 */
export const READINESS_ITEMS = [
  {
    id: "leadership-sponsorship",
    name: "Sponsorship and policy",
    description: "Top management backs the SMS visibly, and the security policy has been approved and made known.",
    clauses: ["5.1", "5.2"],
    evidence: ["sms.role", "sms.document", "sms.communication"],
    criterion: "An sms.role of role top-management is in force; an sms.document of kind policy has status approved, approvedBy and approvedAt set and reviewDue not before D; and an sms.communication entry's what contains that policy's title.",
  },
  {
    id: "scope-documented",
    name: "Scope documented",
    description: "The boundaries of the SMS are written down and approved, with its interfaces to other organisations and its justified exclusions.",
    clauses: ["4.3"],
    evidence: ["sms.scope"],
    criterion: "An sms.scope has approvedBy and approvedAt set, at least one site and at least one interface, and no exclusion whose revalidate date is before D.",
  },
  {
    id: "registers-maintained",
    name: "Context, party and legal registers",
    description: "The issues, interested parties and legal, regulatory and contractual obligations are recorded and have been reviewed recently.",
    clauses: ["4.1", "4.2"],
    evidence: ["sms.context-issue", "sms.interested-party", "sms.legal-requirement"],
    criterion: "At least one record of each of sms.context-issue, sms.interested-party and sms.legal-requirement exists, and every such record was reviewed within the 365 days before D.",
  },
  {
    id: "risk-method-applied",
    name: "Risk method adopted and applied",
    description: "A written security risk assessment method exists and has been used across the whole scope.",
    clauses: ["6.1.2", "8.3"],
    evidence: ["sms.document", "sms.risk", "sms.scope"],
    criterion: "An sms.document of kind methodology has status approved; at least one sms.risk exists; at least one sms.scope exists; and every site of every sms.scope is named by the subject.site of some sms.risk.",
  },
  {
    id: "treatment-accepted",
    name: "Treatment and acceptance in place",
    description: "Every risk has a treatment with controls, the applicable controls are listed, and each residual risk has been accepted by its owner.",
    clauses: ["6.1.3"],
    evidence: ["sms.risk", "sms.control", "sms.risk-acceptance"],
    criterion:
      "At least one sms.control has applicable true and at least one sms.risk exists; and every sms.risk with status open or treated has treatment accept or at least one control, and an sms.risk-acceptance naming it that is not expired on D and whose residual equals the risk's residual.",
  },
  {
    id: "roles-assigned",
    name: "Roles and authorities assigned",
    description: "The security manager and the other key roles are appointed, with responsibilities per clause that the holders know.",
    clauses: ["5.3"],
    evidence: ["sms.role"],
    criterion: "sms.role records of roles top-management, security-manager, risk-owner and internal-audit are in force on D (appointedAt on or before D, no until before D).",
  },
  {
    id: "objectives-set",
    name: "Measurable objectives",
    description: "Security objectives with targets, owners, deadlines and plans have been set and are being pursued.",
    clauses: ["6.2"],
    evidence: ["sms.objective"],
    criterion: "At least one sms.objective has status planned, on-track or at-risk and a due date not before D, or status achieved.",
  },
  {
    id: "controls-operating",
    name: "Controls implemented with records",
    description: "Controls are working in every operational domain, and their operation leaves records.",
    clauses: ["8.1", "8.4"],
    evidence: ["sms.control"],
    criterion:
      "For each of the eight domains, either at least one sms.control of that domain has applicable true, status operating and an implementation entry dated within the 365 days before D, or at least one sms.control of that domain exists and every one has applicable false; and at least one domain has an operating control.",
  },
  {
    id: "security-plans-exercised",
    name: "Security plans written and practised",
    description: "Plans exist for normal operations, raised threat and incidents, and each has been rehearsed.",
    clauses: ["8.5"],
    evidence: ["sms.security-plan", "sms.exercise"],
    criterion: "For each condition normal, elevated-threat and incident there is an sms.security-plan, and each of those plans is named by the plan of an sms.exercise held within the 365 days before D.",
  },
  {
    id: "competence-delivered",
    name: "Competence and awareness delivered",
    description: "Role holders have the training their roles need and have been through awareness sessions, and this is on record.",
    clauses: ["7.2", "7.3"],
    evidence: ["sms.competence", "sms.role"],
    criterion: "At least one sms.role is in force on D, and every one has, for its holder or naming the role, an sms.competence of kind training unexpired on D, and one of kind awareness completed within the 365 days before D and unexpired on D.",
  },
  {
    id: "communication-document-control",
    name: "Communication and document control",
    description: "Internal and external communication is planned, and documents are controlled with versions and review dates.",
    clauses: ["7.4", "7.5"],
    evidence: ["sms.communication", "sms.document"],
    criterion: "sms.communication entries exist with external true and with external false; an approved sms.document of kind procedure lists clause 7.5; and no approved sms.document has a reviewDue before D.",
  },
  {
    id: "monitoring-and-audit",
    name: "Monitoring running and one audit cycle done",
    description: "KPIs are being measured, and the internal audit programme has been carried out at least once over the whole system.",
    clauses: ["9.1", "9.2"],
    evidence: ["sms.objective", "sms.audit-programme", "sms.audit"],
    criterion:
      "At least one sms.objective has a kpi that is a catalogue KPI id; and there is an sms.audit-programme every planned audit of which names an sms.audit of kind internal with status reported or followed-up, those audits together covering every clause group 4 to 10.",
  },
  {
    id: "management-review-held",
    name: "Management review held",
    description: "Top management has reviewed the SMS with the full set of inputs and recorded its decisions and actions.",
    clauses: ["9.3"],
    evidence: ["sms.management-review"],
    criterion: "An sms.management-review held within the 365 days before D has every review input, at least one decision, and no action that is past due and not done.",
  },
  {
    id: "corrective-action-working",
    name: "Corrective action working",
    description: "Nonconformities are handled through to their root cause, and closure requires proof that the fix worked.",
    clauses: ["10.2"],
    evidence: ["sms.nonconformity"],
    criterion: "At least one sms.nonconformity exists; each with status actions, verification or closed has a rootCause; and each closed one has an effectiveness verification with effective true.",
  },
  {
    id: "pre-assessment-done",
    name: "Pre-assessment done, material gaps closed",
    description: "A gap review of the whole system has been carried out before the certification audit, and its serious findings have been resolved.",
    clauses: ["9.2", "10.2"],
    evidence: ["sms.audit", "sms.finding", "sms.nonconformity"],
    criterion:
      "An sms.audit of kind internal with status reported or followed-up, reported within the 180 days before D, covers every clause group 4 to 10; and every sms.finding of that audit graded major-nc names an sms.nonconformity whose status is closed.",
  },
] as const satisfies readonly ReadinessItemDefinition[];

/** One readiness item. */
export type ReadinessItem = (typeof READINESS_ITEMS)[number];

/** A readiness item id. */
export type ReadinessItemId = ReadinessItem["id"];
