/**
 * The auditable clauses of ISO 28000:2022 (clauses 4 to 10; 1 to 3 hold no
 * requirement) as the SMS judges them: for each, a summary in this project's
 * words, what an auditor checks, and the record types that evidence it.
 *
 * Clause numbers and titles name the standard's structure; nothing here
 * reproduces its text. The operational clauses follow the grouping auditors
 * use: controls and strategies under 8.4, security plans under 8.5.
 */
import type { SmsRecordType } from "../record-types.js";

/** Where a clause group sits in the Plan-Do-Check-Act cycle. */
export type PdcaPhase = "plan" | "do" | "check" | "act";

/** The shape of a clause group (a top-level clause, 4 to 10). */
export interface ClauseGroupDefinition {
  readonly id: string;
  readonly title: string;
  readonly phase: PdcaPhase;
  readonly summary: string;
}

/**
 * The clause groups 4 to 10, in order.
 *
 * @example
 * ```ts
 * CLAUSE_GROUPS.find((g) => g.id === "8")?.phase // "do"
 * ```
 */
export const CLAUSE_GROUPS = [
  {
    id: "4",
    title: "Context of the organization",
    phase: "plan",
    summary: "Knowing the organisation's situation before securing it: what surrounds it, who expects what of it, and where its security management system begins and ends.",
  },
  {
    id: "5",
    title: "Leadership",
    phase: "plan",
    summary: "What top management personally owns: commitment, a security policy, and named people with the authority to run the system.",
  },
  {
    id: "6",
    title: "Planning",
    phase: "plan",
    summary: "Turning context into intent: assessing and treating security risks, setting measurable objectives and changing the system deliberately.",
  },
  {
    id: "7",
    title: "Support",
    phase: "do",
    summary: "The means the system runs on: resources, capable and aware people, communication, and controlled documents and records.",
  },
  {
    id: "8",
    title: "Operation",
    phase: "do",
    summary: "Security as it is actually practised along the supply chain: planned operations, live risk assessment, controls in use and plans for raised threat and incidents.",
  },
  {
    id: "9",
    title: "Performance evaluation",
    phase: "check",
    summary: "Finding out whether the system works: measurement, independent internal audit, and top management's periodic review.",
  },
  {
    id: "10",
    title: "Improvement",
    phase: "act",
    summary: "Acting on what evaluation finds: correcting nonconformities at their cause and making the system steadily better.",
  },
] as const satisfies readonly ClauseGroupDefinition[];

/** A clause group id, "4" to "10". */
export type ClauseGroupId = (typeof CLAUSE_GROUPS)[number]["id"];

/** The shape of one auditable clause. */
export interface ClauseDefinition {
  /** The clause number, e.g. "6.1.2". */
  readonly id: string;
  /** The top-level clause it belongs to. */
  readonly group: ClauseGroupId;
  /** The clause directly above it (a group id, or "6.1" for 6.1.1 to 6.1.3). */
  readonly parent: string;
  /** A stable machine id for the SMS's own computations (readiness, gaps, reports). */
  readonly key: string;
  readonly title: string;
  readonly summary: string;
  /** What an auditor verifies, as short items. */
  readonly checks: readonly string[];
  /** The record types that evidence the clause. */
  readonly evidence: readonly SmsRecordType[];
}

/**
 * The auditable clauses, in the standard's order.
 *
 * @example
 * ```ts
 * CLAUSES.find((c) => c.id === "6.1.3")?.evidence // ["sms.risk", "sms.control", "sms.risk-acceptance"]
 * ```
 */
export const CLAUSES = [
  {
    id: "4.1",
    group: "4",
    parent: "4",
    key: "context.issues",
    title: "Understanding the organization and its context",
    summary: "The organisation knows the internal and external conditions that shape its supply-chain security, from its own structure and capabilities to the threat landscape, trade routes and markets it operates in, and keeps that picture current.",
    checks: ["Internal and external issues are recorded, each with its bearing on security", "Threat conditions along the supply chain are among the issues", "Issues are reviewed and dated, not written once and forgotten"],
    evidence: ["sms.context-issue"],
  },
  {
    id: "4.2",
    group: "4",
    parent: "4",
    key: "context.interested-parties",
    title: "Understanding the needs and expectations of interested parties",
    summary: "Customers, regulators, authorities, insurers, partners and staff all expect something of the organisation's security; those parties and their requirements, including the legal, regulatory and contractual ones, are known and kept up to date.",
    checks: ["Relevant interested parties are listed with what each requires", "Legal, regulatory and contractual obligations are held in a register with owners", "Requirements are revisited when parties or laws change"],
    evidence: ["sms.interested-party", "sms.legal-requirement"],
  },
  {
    id: "4.3",
    group: "4",
    parent: "4",
    key: "context.scope",
    title: "Determining the scope of the security management system",
    summary: "The boundaries of the system are written down: which sites, legal entities, transport modes and supply-chain segments it covers, where it meets activities run by others, and what is left out and why.",
    checks: ["A scope statement lists the sites, legal entities, transport modes and chain segments covered", "Interfaces with and dependencies on other organisations are identified", "Every exclusion carries a justification and a date to revisit it"],
    evidence: ["sms.scope"],
  },
  {
    id: "4.4",
    group: "4",
    parent: "4",
    key: "context.sms",
    title: "Security management system",
    summary: "The system exists as a set of defined processes with owners and known interactions, and it is run, maintained and improved rather than existing only on paper.",
    checks: ["The system's processes and how they connect are described", "Each process has an owner", "The catalogue version the system is judged against is recorded"],
    evidence: ["sms.document", "sms.role", "sms.catalogue"],
  },
  {
    id: "5.1",
    group: "5",
    parent: "5",
    key: "leadership.commitment",
    title: "Leadership and commitment",
    summary: "Top management takes ownership of supply-chain security: it builds the system into everyday business, funds it, and drives its improvement instead of delegating it away.",
    checks: ["Top management chairs or attends the management review", "Resources for security are approved by top management", "Leaders communicate why security matters"],
    evidence: ["sms.management-review", "sms.resource", "sms.communication"],
  },
  {
    id: "5.2",
    group: "5",
    parent: "5",
    key: "leadership.policy",
    title: "Security policy",
    summary: "A security policy approved by top management states the organisation's intent, commits it to meeting its obligations and to improving, frames the objectives, and reaches the people it concerns.",
    checks: ["An approved, current policy document exists", "It commits to obligations and to improvement, and frames objectives", "Its distribution to staff and relevant parties is recorded"],
    evidence: ["sms.document", "sms.communication"],
  },
  {
    id: "5.3",
    group: "5",
    parent: "5",
    key: "leadership.roles",
    title: "Roles, responsibilities and authorities",
    summary: "Everyone with a part in the system knows it: roles and authorities are assigned in writing, a security manager is appointed, and responsibility per clause is clear.",
    checks: ["A security manager is appointed by top management", "Roles carry a responsibility assignment per clause", "Role holders know and accept their role"],
    evidence: ["sms.role"],
  },
  {
    id: "6.1",
    group: "6",
    parent: "6",
    key: "planning.risks-opportunities",
    title: "Actions to address risks and opportunities",
    summary: "Planning starts from what could go wrong or better: security risks and opportunities are found, assessed and acted upon through the three parts below.",
    checks: ["Risks and opportunities follow from the recorded issues and party requirements", "Actions on them are planned and tracked"],
    evidence: ["sms.risk", "sms.context-issue"],
  },
  {
    id: "6.1.1",
    group: "6",
    parent: "6.1",
    key: "planning.risks-general",
    title: "General",
    summary: "The issues and requirements found under clause 4 feed risk planning, so that the system is designed to reach its intended outcomes and to avoid or reduce harm.",
    checks: ["Risks trace back to recorded issues or party requirements", "Planned actions are part of the system's own processes"],
    evidence: ["sms.risk", "sms.context-issue", "sms.interested-party"],
  },
  {
    id: "6.1.2",
    group: "6",
    parent: "6.1",
    key: "planning.risk-assessment",
    title: "Determining security-related risks and identifying opportunities",
    summary: "A written method is applied consistently to find threats and weaknesses at the real nodes, flows and assets of the supply chain, and to rate each risk by likelihood and consequence against stated criteria.",
    checks: ["A risk assessment method with criteria is documented", "Risks name a concrete asset, node or flow with its threat and vulnerability", "Each risk is rated for likelihood and consequence"],
    evidence: ["sms.risk", "sms.document"],
  },
  {
    id: "6.1.3",
    group: "6",
    parent: "6.1",
    key: "planning.risk-treatment",
    title: "Addressing security-related risks and exploiting opportunities",
    summary: "Each assessed risk gets a treatment and the controls that carry it out; what remains is rated again and accepted by a named owner, and the set of controls chosen, with the reason for each, is kept.",
    checks: ["Every risk has a treatment option and, unless accepted outright, linked controls", "Residual risk is accepted in writing by its owner", "Applicable controls are listed with a reason for each"],
    evidence: ["sms.risk", "sms.control", "sms.risk-acceptance"],
  },
  {
    id: "6.2",
    group: "6",
    parent: "6",
    key: "planning.objectives",
    title: "Security objectives and planning to achieve them",
    summary: "Security objectives that follow from the policy can be measured, have owners, targets and deadlines, and come with a plan of what will be done and how success is judged.",
    checks: ["Objectives have a measure and a target", "Each has an owner, a deadline and a plan", "Progress is reviewed and objectives are updated"],
    evidence: ["sms.objective"],
  },
  {
    id: "6.3",
    group: "6",
    parent: "6",
    key: "planning.changes",
    title: "Planning of changes",
    summary: "Changes to the system are made on purpose: their reason and consequences are weighed, resources and responsibilities settled, and the system kept whole while they happen.",
    checks: ["Changes are recorded with purpose and consequences", "Changes are approved before they are made", "Risks affected by a change are reassessed"],
    evidence: ["sms.change"],
  },
  {
    id: "7.1",
    group: "7",
    parent: "7",
    key: "support.resources",
    title: "Resources",
    summary: "The people, money, equipment and technology the system needs are identified and actually made available.",
    checks: ["Resource needs are identified", "Budget and staffing approvals exist", "Security equipment and services are listed"],
    evidence: ["sms.resource"],
  },
  {
    id: "7.2",
    group: "7",
    parent: "7",
    key: "support.competence",
    title: "Competence",
    summary: "Those whose work affects security have the skills their role needs, proved by education, training or experience, and gaps are closed and the result checked.",
    checks: ["Required competence is defined per role", "Training and qualifications are recorded", "The effect of training is evaluated"],
    evidence: ["sms.competence", "sms.role"],
  },
  {
    id: "7.3",
    group: "7",
    parent: "7",
    key: "support.awareness",
    title: "Awareness",
    summary: "People know the security policy, how their work contributes to security, and what failing to follow the system leads to.",
    checks: ["Awareness sessions reach staff and contractors", "Staff can explain the policy and their part in it", "Awareness is refreshed periodically"],
    evidence: ["sms.competence"],
  },
  {
    id: "7.4",
    group: "7",
    parent: "7",
    key: "support.communication",
    title: "Communication",
    summary: "It is planned who says what to whom, when and by which channel, inside the organisation and with partners and authorities, including the escalation routes used in an incident.",
    checks: ["A communication plan covers internal and external audiences", "Partners and authorities are included", "Escalation contacts are current"],
    evidence: ["sms.communication"],
  },
  {
    id: "7.5",
    group: "7",
    parent: "7",
    key: "support.documented-information",
    title: "Documented information",
    summary: "Documents and records the system relies on are identified, approved, versioned, protected, retained for a set time and disposed of deliberately, so that only current versions are used.",
    checks: ["Documents carry version, owner and approval", "Reviews happen before their due date", "Retention and access rules are set"],
    evidence: ["sms.document"],
  },
  {
    id: "8.1",
    group: "8",
    parent: "8",
    key: "operation.planning-control",
    title: "Operational planning and control",
    summary: "The work that puts the plans into effect is organised with criteria for doing it right, and activities handed to outside providers remain under defined control.",
    checks: ["Operating procedures state their criteria", "Outsourced activities are governed by agreements with security terms", "Planned operations follow the treatment decisions of clause 6"],
    evidence: ["sms.document", "sms.control", "sms.supplier"],
  },
  {
    id: "8.2",
    group: "8",
    parent: "8",
    key: "operation.processes",
    title: "Identification of processes and activities",
    summary: "The organisation knows every activity and handover along its supply chain where security matters, whether the concern is premises, people, data, vehicles or the goods themselves.",
    checks: ["Supply-chain flows, nodes and assets are mapped", "Security-relevant activities at each node are identified", "Sites have been surveyed"],
    evidence: ["sms.scope", "sms.document", "sms.risk"],
  },
  {
    id: "8.3",
    group: "8",
    parent: "8",
    key: "operation.risk-assessment",
    title: "Risk assessment and treatment",
    summary: "Risk assessment is repeated at the level of actual sites, routes and shipments, and again whenever operations change, so that treatments keep up with reality.",
    checks: ["Site and route level assessments exist", "Assessments are redone after changes and incidents", "Review dates are set and kept"],
    evidence: ["sms.risk", "sms.risk-acceptance"],
  },
  {
    id: "8.4",
    group: "8",
    parent: "8",
    key: "operation.controls",
    title: "Security controls and strategies",
    summary: "The controls chosen in treatment are in place and working across the eight operational domains, from gates and seals to vetting, data protection and partner requirements.",
    checks: ["Applicable controls have operating records", "Controls are sampled and seen to work", "Partner controls are imposed and assured"],
    evidence: ["sms.control", "sms.supplier", "sms.supplier-assessment"],
  },
  {
    id: "8.5",
    group: "8",
    parent: "8",
    key: "operation.security-plans",
    title: "Security plans",
    summary: "Written plans say what is done under normal conditions, at each raised threat level and during an incident and recovery, and they are practised so that people can carry them out.",
    checks: ["Plans exist for normal, raised-threat and incident conditions", "The threat level in force and its uplifts are recorded", "Plans are exercised and the issues found are closed"],
    evidence: ["sms.security-plan", "sms.threat-level", "sms.exercise", "sms.incident"],
  },
  {
    id: "9.1",
    group: "9",
    parent: "9",
    key: "evaluation.monitoring",
    title: "Monitoring, measurement, analysis and evaluation",
    summary: "The organisation decides what to measure, how and how often, then measures, analyses the results and judges both security performance and how well the system works.",
    checks: ["Measures and their methods and frequency are defined", "Results are recorded and analysed", "Trends are reported to management"],
    evidence: ["sms.objective", "sms.incident", "sms.exercise", "sms.supplier-assessment"],
  },
  {
    id: "9.2",
    group: "9",
    parent: "9",
    key: "evaluation.internal-audit",
    title: "Internal audit",
    summary: "A planned programme of internal audits, run by auditors who do not audit their own work, tests the system against the standard and the organisation's own rules and reports what it finds.",
    checks: ["An audit programme covers all clauses and sites over its period", "Auditors are independent of what they audit", "Audit reports and findings are recorded"],
    evidence: ["sms.audit-programme", "sms.audit", "sms.finding"],
  },
  {
    id: "9.3",
    group: "9",
    parent: "9",
    key: "evaluation.management-review",
    title: "Management review",
    summary: "At set intervals top management looks at the whole system, using a defined set of inputs, and records decisions and actions on its suitability, resources and improvement.",
    checks: ["Reviews are held at the planned interval", "All required inputs are considered", "Decisions and actions with owners are recorded and followed up"],
    evidence: ["sms.management-review"],
  },
  {
    id: "10.1",
    group: "10",
    parent: "10",
    key: "improvement.continual",
    title: "Continual improvement",
    summary: "The system is made more suitable, adequate and effective over time, with improvements tracked and their benefit shown.",
    checks: ["Improvements are recorded with owners", "Their benefit is measured", "Trends show the system getting better"],
    evidence: ["sms.improvement"],
  },
  {
    id: "10.2",
    group: "10",
    parent: "10",
    key: "improvement.nonconformity",
    title: "Nonconformity and corrective action",
    summary: "When something does not conform, it is contained and corrected, its cause is found, actions stop it recurring, and someone checks that those actions worked.",
    checks: ["Nonconformities are logged and corrected", "A root cause is established for each", "The effectiveness of corrective action is verified before closure"],
    evidence: ["sms.nonconformity", "sms.finding", "sms.incident"],
  },
] as const satisfies readonly ClauseDefinition[];

/** One auditable clause. */
export type Clause = (typeof CLAUSES)[number];

/** An auditable clause id, "4.1" to "10.2". */
export type ClauseId = Clause["id"];

/** A clause or a clause group: what the rest of the catalogue links to. */
export type ClauseRef = ClauseId | ClauseGroupId;
