/**
 * The record types of the ISO 28000 security management system: every SMS
 * object is a signed record of one of these types, versioned by supersedes
 * links (docs/formats.md §2). The catalogue names them as the evidence of
 * each clause; the schemas (sms/schemas/) define their payloads.
 */

/** Every SMS record type, with a one-line description. */
export const SMS_RECORD_TYPES = {
  "sms.catalogue": "the catalogue version a vault's SMS is judged against",
  "sms.scope": "scope of the SMS: sites, entities, modes, segments, interfaces, dependencies and justified exclusions",
  "sms.context-issue": "an internal or external issue that bears on supply-chain security",
  "sms.interested-party": "an interested party and what it requires",
  "sms.legal-requirement": "an entry of the legal, regulatory and contractual register",
  "sms.document": "a controlled document (policy, procedure, security plan, manual) at one version",
  "sms.role": "a role or appointment (the security manager among them) with its RACI",
  "sms.risk": "a security risk: asset, node or flow, threat, vulnerability, scores, treatment, controls, owner",
  "sms.risk-acceptance": "a risk owner's acceptance of a residual risk, with justification and expiry",
  "sms.control": "a security control: domain, owner, status, applicability and evidence (the statement of applicable controls)",
  "sms.objective": "a measurable security objective with its target, KPI, owner and due date",
  "sms.change": "a planned change to the SMS (clause 6.3)",
  "sms.resource": "a resource provided for the SMS (people, budget, technology)",
  "sms.competence": "a competence, training or awareness record",
  "sms.communication": "an entry of the communication plan",
  "sms.supplier": "a supplier or supply-chain node: tier with rationale and criticality factors",
  "sms.supplier-assessment": "an assessment of a supplier: method, score, findings, remediation",
  "sms.threat-level": "the threat level in force for a site or region, with the control uplifts it requires",
  "sms.security-plan": "a security plan for one threat level or condition",
  "sms.incident": "a security incident: type, node, severity, timeline, value at risk, custody links",
  "sms.exercise": "an exercise or drill, with the issues it found and their closure",
  "sms.audit-programme": "the internal audit programme: planned audits over clauses and sites",
  "sms.audit": "an internal or external audit, through its workflow",
  "sms.finding": "an audit finding: clause, grade and objective evidence",
  "sms.management-review": "a management review with its clause 9.3 inputs, decisions and actions",
  "sms.nonconformity": "a nonconformity and its corrective action, through its workflow",
  "sms.improvement": "a continual-improvement item",
} as const;

/** An SMS record type. */
export type SmsRecordType = keyof typeof SMS_RECORD_TYPES;

/** The SMS record types, in catalogue order. */
export const SMS_TYPES: readonly SmsRecordType[] = Object.keys(SMS_RECORD_TYPES) as SmsRecordType[];

/**
 * True for an SMS record type.
 *
 * @example
 * ```ts
 * isSmsRecordType("sms.risk") // true
 * ```
 */
export function isSmsRecordType(t: string): t is SmsRecordType {
  return Object.prototype.hasOwnProperty.call(SMS_RECORD_TYPES, t);
}
