/**
 * Schemas of the risk register (clauses 6.1.2 and 6.1.3), residual-risk
 * acceptances, and controls, which together form the statement of
 * applicable controls (clause 8.4).
 */
import { z } from "zod";
import { date, domainId, money, orgId, owner, rating, recordId, ref, refs, text, title } from "./common.js";

const score = z.strictObject({ likelihood: rating, consequence: rating });

/** `sms.risk`: one security risk, assessed and treated. */
export const riskRecord = z.strictObject({
  id: recordId,
  title,
  // What is at risk: an asset, a node of the supply chain, or a flow between nodes.
  subject: z.strictObject({ kind: z.enum(["asset", "node", "flow"]), name: title, site: recordId.optional(), supplier: ref("sms.supplier").optional() }),
  threat: text,
  vulnerability: text,
  domains: z.array(domainId).min(1).max(8),
  inherent: score,
  treatment: z.enum(["reduce", "avoid", "transfer", "accept"]),
  controls: refs("sms.control"),
  residual: score.optional(),
  owner: owner.extend({ org: orgId }),
  valueAtRisk: money.optional(),
  assessed: date,
  reviewDue: date.optional(),
  status: z.enum(["open", "treated", "closed"]),
});

/**
 * `sms.risk-acceptance`: the risk owner's organisation accepts a risk's
 * residual score, for a reason, until a date. Authored by that organisation
 * (checked at append); an expired acceptance counts as none.
 */
export const riskAcceptanceRecord = z.strictObject({
  id: recordId,
  risk: ref("sms.risk"),
  // The risk version accepted: its residual score as the owner saw it.
  residual: score,
  acceptedBy: owner,
  justification: text,
  accepted: date,
  expires: date,
});

/** `sms.control`: a security control and whether it applies. */
export const controlRecord = z.strictObject({
  id: recordId,
  title,
  domain: domainId,
  // The catalogue's example control it implements, if any (e.g. "cargo.seal-register").
  catalogueControl: z.string().max(100).optional(),
  description: text,
  owner,
  applicable: z.boolean(),
  justification: text,
  status: z.enum(["planned", "implementing", "operating", "suspended", "retired"]),
  implementation: z.array(z.strictObject({ date, description: text, evidence: z.array(title).max(100).optional() })).max(1000),
  sites: z.array(recordId).max(1000).optional(),
  threatLevels: z.array(z.enum(["normal", "elevated", "high", "severe"])).max(4).optional(),
});
