/**
 * What the RFC 3161 request and verification share: the object identifiers
 * and algorithms accepted, asn1js parsing under resource limits for hostile
 * input, errors that name the failed step, and RFC 4514 names.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SealTrailError, bytesEqual, toHex, type ErrorCode } from "@sealtrail/core";

/** id-sha256 (RFC 5754 §2.2): the only message imprint hash SealTrail asks for and accepts. */
export const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
/** id-signedData (RFC 5652 §5.1). */
export const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
/** id-ct-TSTInfo (RFC 3161 §2.4.2). */
export const OID_TST_INFO = "1.2.840.113549.1.9.16.1.4";
/** id-kp-timeStamping (RFC 3161 §2.3, RFC 5280 §4.2.1.12). */
export const OID_KP_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

export const OID_EXT_KEY_USAGE = "2.5.29.37";
export const OID_KEY_USAGE = "2.5.29.15";
export const OID_CONTENT_TYPE_ATTR = "1.2.840.113549.1.9.3";
export const OID_MESSAGE_DIGEST_ATTR = "1.2.840.113549.1.9.4";
/** ESS signing-certificate (RFC 2634 §5.4, SHA-1 cert hash) and its v2 (RFC 5035 §3, any hash, default SHA-256). */
export const OID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12";
export const OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";

/** Digest algorithms accepted for the CMS signature and the ESS certificate hash. */
export const DIGESTS: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "SHA-1", // only for ESS signingCertificate v1, whose certHash is SHA-1 by definition
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

/** CMS signature algorithms accepted (RFC 5754, RFC 5753, RFC 4056), with the digest each names (null: the SignerInfo's). */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: "RSA" | "EC"; digest: string | null }>> = {
  "1.2.840.113549.1.1.1": { key: "RSA", digest: null }, // rsaEncryption
  "1.2.840.113549.1.1.10": { key: "RSA", digest: null }, // RSASSA-PSS (hash in its parameters)
  "1.2.840.113549.1.1.11": { key: "RSA", digest: "SHA-256" },
  "1.2.840.113549.1.1.12": { key: "RSA", digest: "SHA-384" },
  "1.2.840.113549.1.1.13": { key: "RSA", digest: "SHA-512" },
  "1.2.840.10045.4.3.2": { key: "EC", digest: "SHA-256" },
  "1.2.840.10045.4.3.3": { key: "EC", digest: "SHA-384" },
  "1.2.840.10045.4.3.4": { key: "EC", digest: "SHA-512" },
};
export const KEY_ALGORITHMS: Readonly<Record<string, "RSA" | "EC">> = {
  "1.2.840.113549.1.1.1": "RSA",
  "1.2.840.113549.1.1.10": "RSA",
  "1.2.840.10045.2.1": "EC",
};

/** Largest token or reply parsed; real tokens with a chain are a few kilobytes. */
export const MAX_TOKEN_SIZE = 256 * 1024;
/** asn1js limits for hostile input. */
export const BER_LIMITS = { maxDepth: 32, maxNodes: 4096, maxContentLength: MAX_TOKEN_SIZE } as const;

/** The WebCrypto engine every pkijs call is given (Node 20+ and browsers have globalThis.crypto). */
export function engine(): pkijs.CryptoEngine {
  const c = (globalThis as { crypto?: { subtle?: unknown } }).crypto;
  if (c?.subtle === undefined) throw new SealTrailError("internal", "rfc3161: no WebCrypto (globalThis.crypto.subtle) in this runtime");
  return new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto });
}

// -- errors -------------------------------------------------------------------

export function fail(code: ErrorCode, what: string, detail: string, cause?: unknown): SealTrailError {
  return new SealTrailError(code, `rfc3161: ${what}: ${detail}`, cause === undefined ? undefined : { cause });
}

/** Run a step; any non-SealTrail exception becomes a SealTrailError naming the step. */
export async function step<T>(code: ErrorCode, what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof SealTrailError) throw e;
    throw fail(code, what, errorText(e), e);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message.slice(0, 200);
  if (typeof e === "object" && e !== null && "resultMessage" in e) return String((e as { resultMessage: unknown }).resultMessage).slice(0, 200);
  return String(e).slice(0, 200);
}

// -- ASN.1 helpers ------------------------------------------------------------

export function parseBer(bytes: Uint8Array, what: string): asn1js.AsnType {
  if (!(bytes instanceof Uint8Array)) throw fail("malformed", what, "not bytes");
  if (bytes.length === 0) throw fail("malformed", what, "empty");
  if (bytes.length > MAX_TOKEN_SIZE) throw fail("too_large", what, `over ${MAX_TOKEN_SIZE} bytes`);
  const { offset, result } = asn1js.fromBER(bytes, BER_LIMITS);
  if (offset === -1 || result.error !== "") throw fail("malformed", what, `not BER/DER (${result.error || "parse error"})`);
  if (offset !== bytes.length) throw fail("malformed", what, `${bytes.length - offset} trailing bytes`);
  return result;
}

/**
 * Parse bytes that must be DER. asn1js accepts a constructed value whose
 * declared length disagrees with its contents, so besides parsing, the value
 * must re-encode to exactly the same bytes: one token, one encoding.
 */
export function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const result = parseBer(bytes, what);
  if (!bytesEqual(new Uint8Array(result.toBER(false)), bytes)) throw fail("malformed", what, "not DER (lengths or encodings are not canonical)");
  return result;
}

/** The original encoding of a parsed block (what signatures and hashes cover). */
export function rawOf(block: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(block.valueBeforeDecodeView);
}

export function bigintFromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${toHex(b)}`);
}

export async function digest(algorithm: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await engine().digest({ name: algorithm }, data));
}

export const NAME_KEYS: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** RFC 4514 string of a Name, most specific RDN first. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const key = NAME_KEYS[tv.type] ?? tv.type;
      const v: unknown = tv.value;
      const block = v as { valueBlock?: { value?: unknown } };
      const text = typeof block.valueBlock?.value === "string" ? block.valueBlock.value : `#${v instanceof asn1js.BaseBlock ? toHex(rawOf(v)) : ""}`;
      return `${key}=${escapeRdnValue(text)}`;
    })
    .reverse()
    .join(",");
}

export function escapeRdnValue(s: string): string {
  // RFC 4514 §2.4; control characters are written as \XX.
  let out = s.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}
