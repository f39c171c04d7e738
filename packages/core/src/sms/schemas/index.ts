/**
 * The payload schema of every SMS record type: one source of truth for the
 * TypeScript type ({@link SmsPayload}), the runtime check
 * ({@link validateSmsPayload}, the same in the browser, the server and an
 * auditor's verifier) and the JSON Schema the OpenAPI document carries
 * ({@link smsJsonSchema}).
 */
import { z } from "zod";
import { checkSmsType } from "../check-type.js";
import type { SmsRecordType } from "../record-types.js";
import { withAttachments } from "./common.js";
import { catalogueRecord, contextIssueRecord, interestedPartyRecord, legalRequirementRecord, scopeRecord } from "./context.js";
import { changeRecord, communicationRecord, competenceRecord, documentRecord, objectiveRecord, resourceRecord, roleRecord } from "./governance.js";
import { controlRecord, riskAcceptanceRecord, riskRecord } from "./risk.js";
import { securityPlanRecord, supplierAssessmentRecord, supplierRecord, threatLevelRecord } from "./suppliers.js";
import { exerciseRecord, incidentRecord } from "./operations.js";
import { auditProgrammeRecord, auditRecord, findingRecord, improvementRecord, managementReviewRecord, nonconformityRecord } from "./evaluation.js";

export { DOMAIN_IDS, THREAT_LEVELS, TIERS } from "./common.js";
export { DOCUMENT_STATUSES } from "./governance.js";
export { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from "./operations.js";
export { AUDIT_STATUSES, FINDING_GRADES, NONCONFORMITY_STATUSES, REVIEW_INPUTS } from "./evaluation.js";

/** The schema of each SMS record type's payload, each with the optional `attachments` member. */
export const SMS_SCHEMAS = {
  "sms.catalogue": catalogueRecord.extend(withAttachments),
  "sms.scope": scopeRecord.extend(withAttachments),
  "sms.context-issue": contextIssueRecord.extend(withAttachments),
  "sms.interested-party": interestedPartyRecord.extend(withAttachments),
  "sms.legal-requirement": legalRequirementRecord.extend(withAttachments),
  "sms.document": documentRecord.extend(withAttachments),
  "sms.role": roleRecord.extend(withAttachments),
  "sms.risk": riskRecord.extend(withAttachments),
  "sms.risk-acceptance": riskAcceptanceRecord.extend(withAttachments),
  "sms.control": controlRecord.extend(withAttachments),
  "sms.objective": objectiveRecord.extend(withAttachments),
  "sms.change": changeRecord.extend(withAttachments),
  "sms.resource": resourceRecord.extend(withAttachments),
  "sms.competence": competenceRecord.extend(withAttachments),
  "sms.communication": communicationRecord.extend(withAttachments),
  "sms.supplier": supplierRecord.extend(withAttachments),
  "sms.supplier-assessment": supplierAssessmentRecord.extend(withAttachments),
  "sms.threat-level": threatLevelRecord.extend(withAttachments),
  "sms.security-plan": securityPlanRecord.extend(withAttachments),
  "sms.incident": incidentRecord.extend(withAttachments),
  "sms.exercise": exerciseRecord.extend(withAttachments),
  "sms.audit-programme": auditProgrammeRecord.extend(withAttachments),
  "sms.audit": auditRecord.extend(withAttachments),
  "sms.finding": findingRecord.extend(withAttachments),
  "sms.management-review": managementReviewRecord.extend(withAttachments),
  "sms.nonconformity": nonconformityRecord.extend(withAttachments),
  "sms.improvement": improvementRecord.extend(withAttachments),
} as const satisfies Record<SmsRecordType, z.ZodType>;

/** The payload of an SMS record of type `T`. */
export type SmsPayload<T extends SmsRecordType> = z.infer<(typeof SMS_SCHEMAS)[T]>;

/** One way a payload breaks its schema: the field as a JSON Pointer (RFC 6901), and why. */
export interface SmsProblem {
  readonly pointer: string;
  readonly message: string;
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/**
 * Check an SMS payload against its type's schema. Returns the problems,
 * empty when it is valid; the payload itself is never changed.
 *
 * @example
 * ```ts
 * validateSmsPayload("sms.risk", { id: "R-1" }) // [{ pointer: "/title", message: "..." }, ...]
 * ```
 */
export function validateSmsPayload(type: SmsRecordType, payload: unknown): SmsProblem[] {
  checkSmsType(type, "validateSmsPayload");
  const r = SMS_SCHEMAS[type].safeParse(payload);
  if (r.success) return [];
  return r.error.issues.flatMap((i) =>
    // An unknown field is named by its own pointer, one problem each.
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => ({ pointer: pointerOf([...i.path, k]), message: "not a field of this record type" }))
      : [{ pointer: pointerOf(i.path), message: i.message }],
  );
}

const jsonSchemas = new Map<SmsRecordType, Record<string, unknown>>();

/**
 * The JSON Schema (draft 2020-12, as OpenAPI 3.1 reads it) of an SMS type's
 * payload. Reference fields carry `x-sealtrail-ref`: the type they point to.
 *
 * @example
 * ```ts
 * smsJsonSchema("sms.control").properties.domain // { type: "string", enum: [...] }
 * ```
 */
export function smsJsonSchema(type: SmsRecordType): Record<string, unknown> {
  checkSmsType(type, "smsJsonSchema");
  let s = jsonSchemas.get(type);
  if (s === undefined) {
    s = z.toJSONSchema(SMS_SCHEMAS[type], { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
    jsonSchemas.set(type, s);
  }
  return s;
}

/** A reference from one record to another, by record id. */
export interface SmsReference {
  /** The referring field, as a JSON Pointer. */
  readonly pointer: string;
  readonly type: SmsRecordType;
  readonly id: string;
}

type Path = readonly (string | "[]")[];
const referencePaths = new Map<SmsRecordType, { path: Path; type: SmsRecordType }[]>();

// Where a type's schema has reference fields, read once from its JSON Schema.
function pathsOf(type: SmsRecordType): { path: Path; type: SmsRecordType }[] {
  let paths = referencePaths.get(type);
  if (paths !== undefined) return paths;
  paths = [];
  const walk = (s: unknown, path: Path): void => {
    if (s === null || typeof s !== "object") return;
    const o = s as Record<string, unknown>;
    if (typeof o["x-sealtrail-ref"] === "string") paths!.push({ path, type: o["x-sealtrail-ref"] as SmsRecordType });
    if (o.properties !== undefined) for (const [k, v] of Object.entries(o.properties as object)) walk(v, [...path, k]);
    if (o.items !== undefined) walk(o.items, [...path, "[]"]);
    for (const k of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(o[k])) for (const v of o[k] as unknown[]) walk(v, path);
  };
  walk(smsJsonSchema(type), []);
  referencePaths.set(type, paths);
  return paths;
}

/**
 * Every reference a valid payload of `type` makes to other records.
 *
 * @example
 * ```ts
 * referencesOf("sms.risk", risk) // [{ pointer: "/controls/0", type: "sms.control", id: "C-4" }, ...]
 * ```
 */
export function referencesOf(type: SmsRecordType, payload: unknown): SmsReference[] {
  checkSmsType(type, "referencesOf");
  const out: SmsReference[] = [];
  for (const { path, type: target } of pathsOf(type)) {
    const visit = (v: unknown, i: number, pointer: string): void => {
      if (i === path.length) {
        if (typeof v === "string") out.push({ pointer, type: target, id: v });
        return;
      }
      const step = path[i]!;
      if (step === "[]") {
        if (Array.isArray(v)) v.forEach((x, k) => visit(x, i + 1, `${pointer}/${k}`));
      } else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, step)) {
        visit((v as Record<string, unknown>)[step], i + 1, `${pointer}/${step}`);
      }
    };
    visit(payload, 0, "");
  }
  return out;
}
