/**
 * Name-based UUIDs for exported documents: the same names give the same
 * UUID, so exporting the same vault on the same day twice gives the same
 * document, and an object keeps its UUID from one export to the next.
 *
 * A version 5 UUID (RFC 9562 §5.5): SHA-1 over the namespace's 16 bytes and
 * the name's UTF-8 bytes, the first 16 bytes of the digest with the version
 * (0101) and variant (10) bits set. SHA-1 is what §5.5 names; nothing here
 * relies on collision resistance against an adversary, only on the mapping
 * being fixed. OSCAL's UUIDDatatype accepts versions 4 and 5 only, which is
 * why this is not a version 8 UUID over SHA-256.
 */
import { createHash } from "node:crypto";

/** The URL namespace of RFC 9562 §6.6 (names below are URIs). */
export const NAMESPACE_URL = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

function bytesOf(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll("-", ""), "hex");
}

/**
 * The version 5 UUID of `name` in `namespace` (RFC 9562 §5.5).
 *
 * @example
 * ```ts
 * // RFC 9562 appendix A.4: the DNS namespace and www.example.com
 * uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8") // "2ed6657d-e927-568b-95e1-2665a8aea6a2"
 * ```
 */
export function uuidV5(name: string, namespace: string = NAMESPACE_URL): string {
  const h = createHash("sha1").update(bytesOf(namespace)).update(name, "utf8").digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
