/**
 * The fourteen weaknesses assessors most often find in a supply-chain SMS,
 * each with the rule that detects it in the records. A gap is reported once
 * per offending record, naming it, so that a finding can cite its evidence.
 * Conventions as in kpis.ts and readiness.ts (latest versions, evaluation
 * day D, clause-group coverage).
 */
import type { SmsRecordType } from "../record-types.js";
import type { ClauseRef } from "./clauses.js";

/** The shape of one common gap. */
export interface GapDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly clauses: readonly ClauseRef[];
  /** The record types the rule reads. */
  readonly records: readonly SmsRecordType[];
  /** How the gap is detected from records; any listed condition raises it. */
  readonly detect: string;
}

/**
 * The common gaps.
 *
 * @example
 * ```ts
 * COMMON_GAPS.find((g) => g.id === "risk-control-links")?.clauses // ["6.1.2", "6.1.3"]
 * ```
 */
export const COMMON_GAPS = [
  {
    id: "scope-boundaries",
    name: "Scope too narrow or vague",
    description: "The scope leaves out interfaces, outsourced work or parts of the chain that matter, or excludes them without a reason that still holds.",
    clauses: ["4.3"],
    records: ["sms.scope", "sms.supplier"],
    detect:
      "No sms.scope exists; or the scope lists no interfaces or no dependencies while an sms.supplier with status active exists; or an exclusion's revalidate date is before D; or an active sms.supplier of tier 1 or 2 whose name appears as the party of no interface.",
  },
  {
    id: "risk-control-links",
    name: "Generic risk assessment, risks and controls unlinked",
    description: "Risks are written in general terms rather than for real sites, routes and partners, and the controls chosen cannot be traced to the risks they answer.",
    clauses: ["6.1.2", "6.1.3"],
    records: ["sms.risk", "sms.control", "sms.scope"],
    detect:
      "A risk with no linked control: an sms.risk with status open or treated, treatment other than accept, and an empty controls list. A control linked to no risk: an sms.control with applicable true named in the controls of no sms.risk. A site of the sms.scope named as subject.site by no sms.risk.",
  },
  {
    id: "acceptance-missing",
    name: "Controls unlisted or residual risk unaccepted",
    description: "There is no list of applicable controls, or remaining risks have not been accepted by identified owners.",
    clauses: ["6.1.3"],
    records: ["sms.risk", "sms.risk-acceptance", "sms.control"],
    detect:
      "No sms.control exists; or an sms.risk with status open or treated has no sms.risk-acceptance naming it that is unexpired on D; or the latest such acceptance records a residual that differs from the risk's current residual.",
  },
  {
    id: "objectives-unmeasurable",
    name: "Objectives missing or unmeasured",
    description: "There are no security objectives, or they are not followed up: deadlines pass without anyone judging whether the target was hit.",
    clauses: ["6.2"],
    records: ["sms.objective"],
    detect: "No sms.objective with status other than withdrawn exists; or an sms.objective whose due date is before D still has status planned, on-track or at-risk.",
  },
  {
    id: "partners-unassured",
    name: "Partners neither bound nor assessed",
    description: "Suppliers and partners are not held to security requirements by contract, are not assessed as their tier requires, or their weaknesses are left open.",
    clauses: ["8.1", "8.4"],
    records: ["sms.supplier", "sms.supplier-assessment"],
    detect:
      "An active sms.supplier of tier 1 or 2 with contractClauses false; or an active sms.supplier (not excluded) with no sms.supplier-assessment by a method of its tier's assurance.methods whose assessed date is within its tier's intervalDays before D; or a remediation action of an sms.supplier-assessment that is past due and not done.",
  },
  {
    id: "personnel-weak",
    name: "Weak personnel security",
    description: "Screening is incomplete, visitors and contractors are loosely managed, or misuse by insiders has not been considered.",
    clauses: ["7.2", "8.4"],
    records: ["sms.role", "sms.competence", "sms.control"],
    detect:
      "An sms.role in force on D whose holder has no sms.competence of kind vetting with result passed completed on or before appointedAt; or no sms.control of domain personnel with applicable true and status operating implements personnel.visitor-log, or none implements personnel.insider-threat-programme (its catalogueControl).",
  },
  {
    id: "cargo-unevidenced",
    name: "Cargo controls without evidence",
    description: "Seal, inspection and tracking controls are claimed but leave no records that show they operate.",
    clauses: ["8.4"],
    records: ["sms.control"],
    detect:
      "For each of cargo.seal-register, cargo.conveyance-inspection and cargo.tracking (as catalogueControl): no sms.control implementing it has applicable true, status operating and an implementation entry dated within the 365 days before D; unless at least one sms.control implements it and every one that does has applicable false.",
  },
  {
    id: "information-unintegrated",
    name: "Shipment data security left out",
    description: "The security of shipment data and the systems that handle it is missing, or it is not tied into the information security management system.",
    clauses: ["7.5", "8.4"],
    records: ["sms.control", "sms.risk"],
    detect: "No sms.control of domain information has applicable true and status operating; or none implements information.isms-interface; or no sms.risk lists the information domain.",
  },
  {
    id: "plans-unexercised",
    name: "Raised-threat and incident plans missing or untested",
    description: "Plans for raised threat levels and incidents do not exist, or have never been rehearsed.",
    clauses: ["8.5"],
    records: ["sms.security-plan", "sms.exercise"],
    detect: "No sms.security-plan of condition elevated-threat or no sms.security-plan of condition incident; or an sms.security-plan named by the plan of no sms.exercise held within the 365 days before D.",
  },
  {
    id: "audit-coverage",
    name: "Internal audits incomplete or not independent",
    description: "Internal audits leave clauses or sites unexamined, or are carried out by people auditing their own work.",
    clauses: ["9.2"],
    records: ["sms.audit", "sms.audit-programme", "sms.scope"],
    detect:
      "A clause group 4 to 10 covered by no sms.audit of kind internal with status reported or followed-up reported within the 365 days before D; or a site of the sms.scope named by no such audit reported within the 1095 days before D; or an sms.audit of kind internal with status reported or followed-up, reported within the 1095 days before D, with independent false; or a planned audit of an sms.audit-programme whose month is before D's month and whose audit id is not that of an sms.audit with status reported or followed-up.",
  },
  {
    id: "review-incomplete",
    name: "Management review infrequent or incomplete",
    description: "Management reviews are rare, skip required inputs, or end without decisions and follow-up.",
    clauses: ["9.3"],
    records: ["sms.management-review"],
    detect: "No sms.management-review held within the 365 days before D; or the most recent one held on or before D lacks any of the review inputs, or records no decision; or an action of any review is past due and not done.",
  },
  {
    id: "root-cause-missing",
    name: "No root cause, no effectiveness check",
    description: "Corrective actions deal with the visible effect only, and nobody verifies afterwards that the problem has gone away.",
    clauses: ["10.2"],
    records: ["sms.nonconformity"],
    detect: "An sms.nonconformity with status actions, verification or closed and no rootCause; or one with status closed and no effectiveness, or with effectiveness.effective false.",
  },
  {
    id: "documents-uncontrolled",
    name: "Documents out of control",
    description: "Outdated versions stay in use, reviews are overdue, or documents lack approval, retention or access rules.",
    clauses: ["7.5"],
    records: ["sms.document", "sms.security-plan", "sms.audit", "sms.exercise", "sms.management-review"],
    detect:
      "An sms.document with status approved whose reviewDue is before D, or that lacks approvedBy or approvedAt; or a reference from an sms.security-plan, sms.audit, sms.exercise or sms.management-review to an sms.document whose status is superseded or withdrawn.",
  },
  {
    id: "awareness-gaps",
    name: "Staff unaware of policy or role",
    description: "People cannot explain the security policy or what their own part in the SMS is.",
    clauses: ["7.3"],
    records: ["sms.role", "sms.competence"],
    detect:
      "An sms.role in force on D with no sms.competence of kind awareness for its holder, or naming the role, completed within the 365 days before D and unexpired; or an awareness record with result failed not followed by a later one with result passed for the same person.",
  },
] as const satisfies readonly GapDefinition[];

/** One common gap. */
export type CommonGap = (typeof COMMON_GAPS)[number];

/** A gap id. */
export type GapId = CommonGap["id"];
