/**
 * The categories of an auditor's evidence request, each answered by records
 * of the listed types: an evidence bundle for one category is an export of
 * those types (clause 7.5 documented information, serving audits under 9.2
 * and certification).
 */
import type { SmsRecordType } from "../record-types.js";
import type { ClauseRef } from "./clauses.js";
import type { DomainId } from "./domains.js";

/** The shape of one evidence category. */
export interface EvidenceCategoryDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly clauses: readonly ClauseRef[];
  readonly domains: readonly DomainId[];
  readonly records: readonly SmsRecordType[];
}

/**
 * The evidence request categories.
 *
 * @example
 * ```ts
 * EVIDENCE_CATEGORIES.find((e) => e.id === "risk-management")?.records // ["sms.risk", ...]
 * ```
 */
export const EVIDENCE_CATEGORIES = [
  {
    id: "context-scope",
    title: "Context and scope",
    description: "The situation the SMS responds to and the boundaries it covers, with its interfaces and dependencies.",
    clauses: ["4.1", "4.2", "4.3"],
    domains: [],
    records: ["sms.context-issue", "sms.interested-party", "sms.scope"],
  },
  {
    id: "leadership-policy",
    title: "Leadership and policy",
    description: "The approved policy, proof of management commitment, and who holds which role.",
    clauses: ["5.1", "5.2", "5.3"],
    domains: [],
    records: ["sms.document", "sms.role", "sms.management-review"],
  },
  {
    id: "legal-compliance",
    title: "Legal and compliance",
    description: "Laws, regulations, licences and contractual security requirements that apply, with their owners.",
    clauses: ["4.2"],
    domains: [],
    records: ["sms.legal-requirement", "sms.interested-party"],
  },
  {
    id: "risk-management",
    title: "Risk management",
    description: "The risk method, the risk register, treatment decisions, applicable controls and accepted residual risks.",
    clauses: ["6.1", "6.1.2", "6.1.3", "8.3"],
    domains: [],
    records: ["sms.risk", "sms.control", "sms.risk-acceptance", "sms.document"],
  },
  {
    id: "objectives-planning",
    title: "Objectives and planning",
    description: "Objectives with targets and plans, and the record of planned changes.",
    clauses: ["6.2", "6.3"],
    domains: [],
    records: ["sms.objective", "sms.change"],
  },
  {
    id: "support",
    title: "Support",
    description: "Resources, competence and training, awareness, the communication plan and document control.",
    clauses: ["7.1", "7.2", "7.3", "7.4", "7.5"],
    domains: [],
    records: ["sms.resource", "sms.competence", "sms.communication", "sms.document"],
  },
  {
    id: "operation-physical",
    title: "Operation: physical security",
    description: "Site protection in practice: plans, entry control, cameras, alarms and secure storage.",
    clauses: ["8.4"],
    domains: ["physical"],
    records: ["sms.control", "sms.security-plan", "sms.incident"],
  },
  {
    id: "operation-personnel",
    title: "Operation: personnel security",
    description: "Screening policy and results, visitor and contractor handling, and measures against insider misuse.",
    clauses: ["7.2", "8.4"],
    domains: ["personnel"],
    records: ["sms.control", "sms.competence", "sms.role"],
  },
  {
    id: "operation-cargo-transport",
    title: "Operation: cargo and transport",
    description: "Seal registers, conveyance inspections, tracking, route assessments and driver procedures, with the custody exceptions found.",
    clauses: ["8.3", "8.4"],
    domains: ["cargo", "transport", "procedural"],
    records: ["sms.control", "sms.risk", "sms.incident"],
  },
  {
    id: "operation-information",
    title: "Operation: information and cyber security",
    description: "Classification, access control and protection of shipment data, and the interface with the ISMS.",
    clauses: ["7.5", "8.4"],
    domains: ["information"],
    records: ["sms.control", "sms.document", "sms.risk"],
  },
  {
    id: "operation-partners",
    title: "Operation: business partners",
    description: "Partner tiers, questionnaires and audits, contract security terms and the approved partner list.",
    clauses: ["8.1", "8.4"],
    domains: ["partner"],
    records: ["sms.supplier", "sms.supplier-assessment", "sms.control"],
  },
  {
    id: "plans-incidents",
    title: "Security plans and incidents",
    description: "Plans per threat level and condition, the threat levels in force, incidents with their investigations, exercises and contact with authorities.",
    clauses: ["8.5", "10.2"],
    domains: ["incident"],
    records: ["sms.security-plan", "sms.threat-level", "sms.incident", "sms.exercise"],
  },
  {
    id: "performance-improvement",
    title: "Performance and improvement",
    description: "Measurements, the audit programme and its reports, management reviews, nonconformities with corrective actions, and improvements.",
    clauses: ["9.1", "9.2", "9.3", "10.1", "10.2"],
    domains: [],
    records: ["sms.objective", "sms.audit-programme", "sms.audit", "sms.finding", "sms.management-review", "sms.nonconformity", "sms.improvement", "sms.catalogue"],
  },
] as const satisfies readonly EvidenceCategoryDefinition[];

/** One evidence category. */
export type EvidenceCategory = (typeof EVIDENCE_CATEGORIES)[number];

/** An evidence category id. */
export type EvidenceCategoryId = EvidenceCategory["id"];
