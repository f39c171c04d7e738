/**
 * Schemas of leadership, planning and support records (clauses 5 to 7):
 * controlled documents, roles, objectives, changes, resources, competence
 * and communication.
 */
import { z } from "zod";
import { clauseId, date, money, owner, recordId, ref, refs, text, title } from "./common.js";

/** `sms.document` workflow: draft, then approved, then superseded or withdrawn. */
export const DOCUMENT_STATUSES = ["draft", "approved", "superseded", "withdrawn"] as const;

/** `sms.document`: a controlled document at one version (clause 7.5). */
export const documentRecord = z.strictObject({
  id: recordId,
  title,
  kind: z.enum(["policy", "procedure", "security-plan", "manual", "methodology", "work-instruction", "form", "record", "other"]),
  version: z.string().min(1).max(40),
  status: z.enum(DOCUMENT_STATUSES),
  owner,
  approvedBy: owner.optional(),
  approvedAt: date.optional(),
  reviewDue: date,
  retention: z.string().min(1).max(200),
  distribution: z.array(title).max(500),
  clauses: z.array(clauseId).max(50).optional(),
  summary: text.optional(),
});

const raci = z.enum(["R", "A", "C", "I"]);

/** `sms.role`: a role or appointment and its RACI by clause (clause 5.3). */
export const roleRecord = z.strictObject({
  id: recordId,
  role: z.enum([
    "top-management",
    "security-manager",
    "risk-owner",
    "site-security-officer",
    "logistics-manager",
    "procurement",
    "information-security",
    "hr",
    "internal-audit",
    "staff",
  ]),
  holder: owner,
  appointedAt: date,
  appointedBy: owner.optional(),
  until: date.optional(),
  sites: z.array(recordId).max(1000).optional(),
  raci: z.record(clauseId, raci),
});

/** `sms.objective`: a measurable security objective (clause 6.2). */
export const objectiveRecord = z.strictObject({
  id: recordId,
  title,
  kpi: z.string().min(1).max(100),
  target: z.strictObject({ comparison: z.enum(["<=", ">=", "="]), value: z.number().finite(), unit: z.string().min(1).max(40) }),
  owner,
  due: date,
  plan: text,
  status: z.enum(["planned", "on-track", "at-risk", "achieved", "missed", "withdrawn"]),
  resources: refs("sms.resource").optional(),
});

/** `sms.change`: a planned change to the SMS (clause 6.3). */
export const changeRecord = z.strictObject({
  id: recordId,
  title,
  purpose: text,
  consequences: text,
  owner,
  planned: date,
  status: z.enum(["proposed", "approved", "implemented", "rejected"]),
  risks: refs("sms.risk").optional(),
});

/** `sms.resource`: a resource provided for the SMS (clause 7.1). */
export const resourceRecord = z.strictObject({
  id: recordId,
  title,
  kind: z.enum(["people", "budget", "technology", "facility", "external-service"]),
  description: text,
  amount: money.optional(),
  approvedBy: owner.optional(),
  period: z.strictObject({ from: date, to: date }).optional(),
});

/** `sms.competence`: a competence, training or awareness record (clauses 7.2 and 7.3). */
export const competenceRecord = z.strictObject({
  id: recordId,
  person: owner,
  kind: z.enum(["training", "awareness", "qualification", "vetting", "evaluation"]),
  topic: title,
  completed: date,
  expires: date.optional(),
  result: z.enum(["passed", "failed", "attended"]).optional(),
  role: ref("sms.role").optional(),
});

/** `sms.communication`: one entry of the communication plan (clause 7.4). */
export const communicationRecord = z.strictObject({
  id: recordId,
  what: title,
  audience: z.array(title).min(1).max(100),
  when: z.string().min(1).max(200),
  how: title,
  by: owner,
  external: z.boolean(),
});
