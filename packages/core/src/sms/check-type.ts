/**
 * The argument guard of the SMS functions that take a record type: internal
 * to core (not re-exported from sms/index.ts).
 */
import { kindOf } from "../args.js";
import { SealTrailError } from "../errors.js";
import { isSmsRecordType, type SmsRecordType } from "./record-types.js";

/**
 * Refuse a `type` that is not an SMS record type, naming it (`invalid`), so
 * that no schema lookup fails as a raw TypeError. Internal to core.
 *
 * @example
 * ```ts
 * checkSmsType("sms.risk", "validateSmsPayload"); // ok
 * ```
 */
export function checkSmsType(type: unknown, fn: string): asserts type is SmsRecordType {
  if (typeof type !== "string" || !isSmsRecordType(type)) {
    throw new SealTrailError("invalid", `${fn}: type must be an SMS record type, not ${typeof type === "string" ? JSON.stringify(type.slice(0, 64)) : kindOf(type)}`);
  }
}
