/**
 * Schemas of suppliers and supply-chain nodes with their tiering and
 * assessments (clause 8.1, the business-partner domain), and of threat
 * levels and security plans (clause 8.5).
 */
import { z } from "zod";
import { TIERS, action, date, instant, owner, rating, recordId, ref, refs, text, threatLevel, title } from "./common.js";

/** `sms.supplier`: a supplier or supply-chain node, tiered by criticality. */
export const supplierRecord = z.strictObject({
  id: recordId,
  name: title,
  org: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).optional(),
  kind: z.enum(["carrier", "forwarder", "warehouse", "port-terminal", "manufacturer", "supplier", "customs-broker", "security-provider", "it-provider", "other"]),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code"),
  tier: z.enum(TIERS),
  rationale: text,
  criticality: z.strictObject({ valueAtRisk: rating, threatExposure: rating, disruption: rating, regulatory: rating }),
  contractClauses: z.boolean(),
  onboarded: date,
  status: z.enum(["active", "suspended", "offboarded"]),
});

/** `sms.supplier-assessment`: an assessment of a supplier, as its tier requires. */
export const supplierAssessmentRecord = z.strictObject({
  id: recordId,
  supplier: ref("sms.supplier"),
  method: z.enum(["direct-audit", "questionnaire", "questionnaire-and-targeted-audit", "self-assessment", "certificate-review", "monitoring"]),
  assessed: date,
  assessor: owner,
  score: z.number().min(0).max(100),
  result: z.enum(["approved", "approved-with-conditions", "not-approved"]),
  findings: z.array(z.strictObject({ description: text, severity: z.enum(["low", "medium", "high"]) })).max(500),
  remediation: z.array(action).max(500),
});

/** `sms.threat-level`: the threat level in force for a site or region from a moment on. */
export const threatLevelRecord = z.strictObject({
  id: recordId,
  area: z.strictObject({ kind: z.enum(["site", "region", "route", "all"]), name: title }),
  level: threatLevel,
  since: instant,
  source: title,
  uplifts: z.array(text).max(200),
  plan: ref("sms.security-plan").optional(),
});

/** `sms.security-plan`: what is done at one threat level or condition. */
export const securityPlanRecord = z.strictObject({
  id: recordId,
  title,
  level: threatLevel,
  condition: z.enum(["normal", "elevated-threat", "incident", "recovery"]),
  sites: z.array(recordId).max(1000),
  measures: z.array(text).min(1).max(500),
  controls: refs("sms.control").optional(),
  document: ref("sms.document").optional(),
  owner,
  reviewDue: date,
});
