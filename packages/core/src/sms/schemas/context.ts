/**
 * Schemas of context and scope records (clause 4) and of the catalogue
 * version record.
 */
import { z } from "zod";
import { date, instant, owner, recordId, refs, text, title } from "./common.js";

/** `sms.catalogue`: the catalogue a vault's SMS is judged against (id, version, SHA-256 of its canonical JSON). */
export const catalogueRecord = z.strictObject({
  id: recordId,
  catalogue: z.string().min(1).max(100),
  version: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, "a semantic version"),
  digest: z.string().regex(/^[0-9a-f]{64}$/, "hex SHA-256"),
  adoptedAt: instant,
});

const site = z.strictObject({
  id: recordId,
  name: title,
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code"),
  kind: z.enum(["warehouse", "port-terminal", "factory", "office", "distribution-centre", "depot", "airport", "other"]),
  address: z.string().max(500).optional(),
});

/** `sms.scope`: boundaries of the SMS (clause 4.3). */
export const scopeRecord = z.strictObject({
  id: recordId,
  title,
  statement: text,
  sites: z.array(site).min(1).max(1000),
  entities: z.array(title).max(1000),
  modes: z.array(z.enum(["road", "rail", "sea", "air", "inland-waterway", "pipeline", "postal"])).max(7),
  segments: z.array(title).max(1000),
  interfaces: z.array(z.strictObject({ party: title, activity: title, control: text })).max(1000),
  dependencies: z.array(z.strictObject({ on: title, description: text })).max(1000),
  exclusions: z.array(z.strictObject({ what: title, justification: text, revalidate: date })).max(1000),
  approvedBy: owner.optional(),
  approvedAt: date.optional(),
});

/** `sms.context-issue`: an internal or external issue (clause 4.1). */
export const contextIssueRecord = z.strictObject({
  id: recordId,
  title,
  kind: z.enum(["internal", "external"]),
  category: z.enum(["political", "economic", "social", "technological", "legal", "environmental", "threat", "organisational", "other"]),
  description: text,
  effect: text.optional(),
  risks: refs("sms.risk").optional(),
  reviewed: date,
});

/** `sms.interested-party`: who has a stake and what it requires (clause 4.2). */
export const interestedPartyRecord = z.strictObject({
  id: recordId,
  name: title,
  kind: z.enum(["customer", "regulator", "authority", "supplier", "partner", "employee", "insurer", "community", "owner", "other"]),
  requirements: z.array(text).min(1).max(200),
  legal: refs("sms.legal-requirement").optional(),
  reviewed: date,
});

/** `sms.legal-requirement`: one entry of the legal, regulatory and contractual register (clause 4.2). */
export const legalRequirementRecord = z.strictObject({
  id: recordId,
  title,
  kind: z.enum(["law", "regulation", "contract", "permit", "standard", "customer-requirement"]),
  jurisdiction: z.string().max(100).optional(),
  source: title,
  obligation: text,
  owner,
  controls: refs("sms.control").optional(),
  reviewed: date,
});
