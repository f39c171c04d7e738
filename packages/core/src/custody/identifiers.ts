/** The form in which custody records index and match identifiers. */
import { requireString } from "../args.js";
import { normaliseGs1Identifier } from "../epcis/digital-link.js";

/**
 * An identifier as custody records index it: the GS1 Digital Link of a GS1
 * identifier (an EPC URN converted, a Digital Link canonicalised), anything
 * else as written.
 *
 * @example
 * ```ts
 * custodyIdentifierKey("urn:epc:id:sscc:0614141.1234567890") // "https://id.gs1.org/00/106141412345678908"
 * ```
 */
export function custodyIdentifierKey(id: string): string {
  requireString(id, "custody identifier");
  try {
    return normaliseGs1Identifier(id) ?? id;
  } catch {
    // Not a well-formed GS1 identifier: matched as written.
    return id;
  }
}
