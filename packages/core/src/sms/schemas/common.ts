/**
 * Building blocks of the SMS record schemas: record ids, references to other
 * records, dates, scores and the workflow status field. A schema only
 * checks: a payload is signed exactly as it was sent (docs/formats.md §10),
 * so nothing here transforms, coerces or fills in a default, and unknown
 * fields are refused (strict objects).
 */
import { z } from "zod";
import { attachmentsSchema } from "../../files/attachment.js";
import type { SmsRecordType } from "../record-types.js";

/**
 * A record id: chosen by the author, unique per record type in a vault, and
 * kept by every later version of the record (`R-012`, `CTRL.cargo.seals`).
 */
export const recordId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, "a record id: 1 to 64 letters, digits and . _ : -, starting with a letter or digit");

/** The record types a reference field points to, as read by {@link referencesOf}. */
export const REFERENCE_TARGET = Symbol.for("sealtrail.sms.reference");

/**
 * A reference to a record of `target` type, by its record id; checked at
 * append (the record must exist, of that type).
 *
 * @example
 * ```ts
 * const controls = z.array(ref("sms.control"));
 * ```
 */
export function ref(target: SmsRecordType) {
  return recordId.meta({ description: `record id of an ${target} record`, "x-sealtrail-ref": target });
}

/** A list of references, each named once. */
export function refs(target: SmsRecordType) {
  return z.array(ref(target)).max(1000).refine((a) => new Set(a).size === a.length, "each record named once");
}

/** A calendar date, YYYY-MM-DD (RFC 3339 full-date). */
export const date = z.iso.date({ message: "a date, YYYY-MM-DD" });

/** A moment, RFC 3339 in UTC with milliseconds, as envelopes write time. */
export const instant = z.iso.datetime({ precision: 3, message: "a UTC time, YYYY-MM-DDTHH:MM:SS.sssZ" });

/** Short text (a title, a name). */
export const title = z.string().min(1).max(300);

/** Longer text (a description, a justification). */
export const text = z.string().min(1).max(20_000);

/** An organisation id as registered in SealTrail (the envelope's author form). */
export const orgId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "an organisation id");

/** Who is responsible: a named person or role, and optionally their organisation. */
export const owner = z.strictObject({ name: title, org: orgId.optional(), role: title.optional() });

/** A 1-5 rating (likelihood, consequence, criticality factors). */
export const rating = z.number().int().min(1).max(5);

/** A money amount with its ISO 4217 currency; amounts as decimal strings, never rounded. */
export const money = z.strictObject({
  amount: z.string().regex(/^-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,6})?$/, "a decimal amount as a string, e.g. \"125000.00\""),
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code"),
});

/** Clause ids of the catalogue (4.1 ... 10.2). */
export const clauseId = z.string().regex(/^(4|5|6|7|8|9|10)(\.[1-9](\.[1-9])?)?$/, "a clause id such as 6.1.2");

/** Control domains of the catalogue. */
export const DOMAIN_IDS = ["physical", "personnel", "information", "cargo", "transport", "partner", "procedural", "incident"] as const;
export const domainId = z.enum(DOMAIN_IDS);

/** Threat levels, lowest first. */
export const THREAT_LEVELS = ["normal", "elevated", "high", "severe"] as const;
export const threatLevel = z.enum(THREAT_LEVELS);

/** Materiality tiers: 1 critical, 2 significant, 3 standard, or excluded with justification. */
export const TIERS = ["1", "2", "3", "excluded"] as const;

/** An action with an owner and a due date (corrective actions, review actions, remediation). */
export const action = z.strictObject({
  id: recordId,
  description: text,
  owner,
  due: date,
  done: date.optional(),
});

/** Evidence: records by id and type, or a note. */
export const evidence = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/, "a record type"),
  id: z.string().min(1).max(300),
  note: z.string().max(2000).optional(),
});

/**
 * The evidence files a record names (docs/formats.md, "Attachments"): the
 * one definition every SMS type's payload takes, as every other record type
 * may, so a document version, an incident or an audit report carries its
 * files' digests inside its signed payload.
 */
export const withAttachments = { attachments: attachmentsSchema.optional() };
