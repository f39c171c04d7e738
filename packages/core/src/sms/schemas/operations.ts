/**
 * Schemas of incidents and exercises (clause 8.5, the incident and crisis
 * domain, and clause 10.2 where an incident calls for corrective action).
 */
import { z } from "zod";
import { date, instant, money, owner, recordId, ref, refs, text, threatLevel, title } from "./common.js";

/** Incident categories. */
export const INCIDENT_CATEGORIES = [
  "theft",
  "tampering",
  "unauthorised-access",
  "cyber",
  "smuggling",
  "fraud",
  "sabotage",
  "custody",
  "loss",
  "violence",
  "natural-hazard",
  "other",
] as const;

/** `sms.incident` workflow: open, investigating, contained, closed. */
export const INCIDENT_STATUSES = ["open", "investigating", "contained", "closed"] as const;

/** A custody chain exception the incident concerns (as `POST .../custody/{id}/incident` writes it). */
const custodyException = z.strictObject({
  kind: z.string().min(1).max(100),
  message: z.string().min(1).max(2000),
  eventIds: z.array(z.string().min(1).max(2000)).max(10_000),
  // Log indices of the custody.event records behind it, as decimal strings.
  records: z.array(z.string().regex(/^(0|[1-9][0-9]{0,18})$/)).max(10_000),
});

/** `sms.incident`: a security incident and its timeline. */
export const incidentRecord = z.strictObject({
  id: recordId,
  title,
  category: z.enum(INCIDENT_CATEGORIES),
  severity: z.enum(["low", "medium", "high", "critical"]),
  status: z.enum(INCIDENT_STATUSES),
  source: z.enum(["manual", "custody-chain", "monitoring", "partner-report", "authority"]),
  node: z.strictObject({ name: title, site: recordId.optional(), supplier: ref("sms.supplier").optional() }).optional(),
  description: text.optional(),
  occurred: instant.optional(),
  detected: instant,
  responded: instant.optional(),
  closed: instant.optional(),
  valueAtRisk: money.optional(),
  loss: money.optional(),
  custody: z.strictObject({ identifier: z.string().min(1).max(2000), exceptions: z.array(custodyException).max(10_000) }).optional(),
  authorities: z.array(z.strictObject({ name: title, notified: instant, reference: z.string().max(200).optional() })).max(100).optional(),
  risks: refs("sms.risk").optional(),
});

/** `sms.exercise`: an exercise or drill of a security plan. */
export const exerciseRecord = z.strictObject({
  id: recordId,
  title,
  kind: z.enum(["drill", "tabletop", "simulation", "live"]),
  held: date,
  level: threatLevel,
  plan: ref("sms.security-plan").optional(),
  sites: z.array(recordId).max(1000),
  participants: z.array(title).max(1000),
  objectives: z.array(text).max(100),
  issues: z.array(z.strictObject({ id: recordId, description: text, closed: date.optional() })).max(1000),
  report: ref("sms.document").optional(),
  lead: owner,
});
