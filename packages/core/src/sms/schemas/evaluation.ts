/**
 * Schemas of performance evaluation and improvement (clauses 9 and 10): the
 * audit programme, audits and findings, management reviews,
 * nonconformities with their corrective actions, and improvements.
 */
import { z } from "zod";
import { action, clauseId, date, evidence, owner, recordId, ref, refs, text, title } from "./common.js";

/** `sms.audit-programme`: the audits planned over a period, by clause and site. */
export const auditProgrammeRecord = z.strictObject({
  id: recordId,
  title,
  period: z.strictObject({ from: date, to: date }),
  planned: z
    .array(z.strictObject({ audit: recordId, clauses: z.array(clauseId).min(1).max(100), sites: z.array(recordId).max(1000), month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, "YYYY-MM") }))
    .min(1)
    .max(1000),
  owner,
});

/** `sms.audit` workflow, in order. */
export const AUDIT_STATUSES = ["planned", "fieldwork", "findings", "reported", "followed-up"] as const;

/** `sms.audit`: one audit, through its workflow. */
export const auditRecord = z.strictObject({
  id: recordId,
  title,
  kind: z.enum(["internal", "certification-stage-1", "certification-stage-2", "surveillance", "supplier", "customer"]),
  programme: ref("sms.audit-programme").optional(),
  status: z.enum(AUDIT_STATUSES),
  clauses: z.array(clauseId).min(1).max(100),
  sites: z.array(recordId).max(1000),
  lead: owner,
  // The lead auditor audits no work of their own (ISO 19011 objectivity).
  independent: z.boolean(),
  planned: date,
  fieldwork: z.strictObject({ from: date, to: date }).optional(),
  reported: date.optional(),
  report: ref("sms.document").optional(),
});

/** Finding grades, as certification bodies grade them. */
export const FINDING_GRADES = ["conformity", "minor-nc", "major-nc", "ofi"] as const;

/** `sms.finding`: a finding of an audit against a clause. */
export const findingRecord = z.strictObject({
  id: recordId,
  audit: ref("sms.audit"),
  clause: clauseId,
  grade: z.enum(FINDING_GRADES),
  statement: text,
  evidence: z.array(evidence).max(1000),
  site: recordId.optional(),
  nonconformity: ref("sms.nonconformity").optional(),
});

/** The inputs a management review considers (clause 9.3). */
export const REVIEW_INPUTS = [
  "previous-actions",
  "context-changes",
  "interested-parties",
  "performance",
  "objectives",
  "audit-results",
  "nonconformities",
  "risk-changes",
  "resources",
  "improvement-opportunities",
] as const;

/** `sms.management-review`: a review by top management with its inputs, decisions and actions. */
export const managementReviewRecord = z.strictObject({
  id: recordId,
  held: date,
  chair: owner,
  attendees: z.array(title).min(1).max(200),
  inputs: z.partialRecord(z.enum(REVIEW_INPUTS), text),
  decisions: z.array(text).max(500),
  actions: z.array(action).max(500),
  minutes: ref("sms.document").optional(),
  nextReview: date.optional(),
});

/** `sms.nonconformity` workflow, in order. */
export const NONCONFORMITY_STATUSES = ["open", "root-cause", "actions", "verification", "closed"] as const;

/** `sms.nonconformity`: a nonconformity and its corrective action (clause 10.2). */
export const nonconformityRecord = z.strictObject({
  id: recordId,
  title,
  source: z.enum(["audit", "incident", "exercise", "management-review", "monitoring", "complaint", "supplier-assessment", "other"]),
  finding: ref("sms.finding").optional(),
  incident: ref("sms.incident").optional(),
  description: text,
  raised: date,
  status: z.enum(NONCONFORMITY_STATUSES),
  correction: text.optional(),
  rootCause: z.strictObject({ method: z.enum(["5-whys", "fishbone", "fault-tree", "barrier-analysis", "other"]), cause: text }).optional(),
  actions: z.array(action).max(500),
  effectiveness: z.strictObject({ verifiedBy: owner, verified: date, effective: z.boolean(), note: text }).optional(),
  closed: date.optional(),
  owner,
});

/** `sms.improvement`: a continual-improvement item (clause 10.1). */
export const improvementRecord = z.strictObject({
  id: recordId,
  title,
  description: text,
  source: z.enum(["review", "audit", "incident", "exercise", "suggestion", "benchmark", "other"]),
  owner,
  status: z.enum(["proposed", "in-progress", "done", "rejected"]),
  due: date.optional(),
  benefit: text.optional(),
  nonconformities: refs("sms.nonconformity").optional(),
});
