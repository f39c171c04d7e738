/**
 * A file's address: `sha256:` and the 64 lowercase hex digits of its
 * SHA-256, the form the HTTP routes (`/files/sha256:{hex}`), ETags and
 * erasure records use. The digest is the name (content addressing, as git
 * and OCI registries name blobs).
 */
import { requireString } from "../args.js";
import { SealTrailError } from "../errors.js";

/** The algorithm prefix of a file address. */
export const FILE_ADDRESS_PREFIX = "sha256:";

const HEX64 = /^[0-9a-f]{64}$/;

// An address is echoed in errors: never more than a short, quoted prefix of it.
const quoted = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);

/**
 * The address of the file whose SHA-256 is `hex` (64 lowercase hex digits;
 * anything else is refused, not repaired).
 *
 * @example
 * ```ts
 * fileAddress("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
 * // "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function fileAddress(hex: string): string {
  requireString(hex, "fileAddress: hex");
  if (!HEX64.test(hex)) throw new SealTrailError("malformed", `fileAddress: hex ${quoted(hex)} is not 64 lowercase hex digits`);
  return FILE_ADDRESS_PREFIX + hex;
}

/**
 * The SHA-256 hex of a file address (`sha256:` + 64 lowercase hex digits),
 * or `malformed` naming the address.
 *
 * @example
 * ```ts
 * parseFileAddress("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") // "ba7816bf..."
 * ```
 */
export function parseFileAddress(text: string): string {
  requireString(text, "file address");
  const hex = text.startsWith(FILE_ADDRESS_PREFIX) ? text.slice(FILE_ADDRESS_PREFIX.length) : "";
  if (!HEX64.test(hex)) {
    throw new SealTrailError("malformed", `file address ${quoted(text)}: must be sha256: and 64 lowercase hex digits`, { detail: { address: text.slice(0, 80) } });
  }
  return hex;
}
