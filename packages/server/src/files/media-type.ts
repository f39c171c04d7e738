/**
 * Media types of attached files: the type an author declares (and signs,
 * inside the attachment descriptor) must be one the server allows, and must
 * not be contradicted by the file's own bytes. Detection reads the magic
 * numbers of the first bytes with file-type; a type the bytes cannot show
 * (plain text, CSV, JSON) is accepted as declared, as long as the bytes are
 * not recognisably something else.
 */
import { fileTypeFromBuffer, supportedMimeTypes } from "file-type";
import { SealTrailError } from "@sealtrail/core";

/** How many leading bytes detection needs (file-type reads its magic numbers within them). */
export const MEDIA_SNIFF_BYTES = 4100;

/**
 * Media types allowed when none are configured: the documents, images,
 * spreadsheets, archives and recordings that evidence of an SMS usually is.
 * A pattern `type/*` allows a whole top-level type; `*\/*` allows all.
 */
export const DEFAULT_MEDIA_TYPES: readonly string[] = [
  "application/pdf",
  "text/plain",
  "text/csv",
  "text/markdown",
  "application/json",
  "application/xml",
  "text/xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/tiff",
  "image/heic",
  "image/svg+xml",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "message/rfc822",
  "application/zip",
  "video/mp4",
  "video/quicktime",
  "audio/mpeg",
  "audio/mp4",
];

// RFC 6838 §4.2 restricted names, lowercase only (a declared type is signed: refused, never normalised).
const NAME = "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}";
const MEDIA_TYPE = new RegExp(`^${NAME}/${NAME}$`);

/** Container formats whose magic number many document formats share: a declared type built on them is not contradicted. */
const ZIP_BASED = /^application\/(vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.|.*\+zip$|java-archive$|vnd\.android\.package-archive$)/;
const CFB_BASED = new Set(["application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/vnd.ms-outlook", "application/x-msi"]);
/** Types whose bytes are text: refused when the first bytes hold a NUL (binary declared as text). */
const TEXTUAL = /^(text\/|application\/(json|xml|.*\+json|.*\+xml|yaml|x-yaml|csv)$|image\/svg\+xml$|message\/rfc822$)/;
/** XML is detected only when it starts with a declaration: undetected XML is not a contradiction. */
const XML_LIKE = /^(application\/xml|text\/xml|.*\+xml)$/;

/**
 * The media type the bytes show, or undefined when they show none.
 *
 * @example
 * ```ts
 * await detectMediaType(new TextEncoder().encode("%PDF-1.7\n")); // "application/pdf"
 * ```
 */
export async function detectMediaType(head: Uint8Array): Promise<string | undefined> {
  if (head.byteLength === 0) return undefined;
  return (await fileTypeFromBuffer(head))?.mime;
}

/** True when `type` is allowed by `allowed` (exact names, `type/*`, or `*\/*`). */
export function isAllowedMediaType(type: string, allowed: readonly string[]): boolean {
  const top = type.slice(0, type.indexOf("/"));
  return allowed.some((a) => a === type || a === "*/*" || a === `${top}/*`);
}

/**
 * Refuse a declared media type that is malformed, not allowed, or
 * contradicted by the file's first bytes (`head`, at least MEDIA_SNIFF_BYTES
 * of them when the file has as many). Throws SealTrailError("invalid") with
 * `detail.reason` "media_type" (malformed or not allowed) or
 * "media_type_mismatch" (with the detected type).
 *
 * @example
 * ```ts
 * await checkDeclaredType("application/pdf", head, DEFAULT_MEDIA_TYPES);
 * ```
 */
export async function checkDeclaredType(declared: string, head: Uint8Array, allowed: readonly string[]): Promise<void> {
  if (typeof declared !== "string" || !MEDIA_TYPE.test(declared)) {
    throw new SealTrailError("invalid", `media type "${String(declared)}" is not a lowercase type/subtype without parameters (RFC 6838 §4.2)`, {
      detail: { field: "mediaType", reason: "media_type" },
    });
  }
  if (!isAllowedMediaType(declared, allowed)) {
    throw new SealTrailError("invalid", `media type ${declared} is not allowed here (allowed: ${allowed.join(", ")})`, {
      detail: { field: "mediaType", reason: "media_type" },
    });
  }
  const detected = await detectMediaType(head);
  if (detected === declared) return;
  if (detected !== undefined) {
    if (isCompatible(detected, declared)) return;
    throw mismatch(declared, `the bytes are ${detected}`, detected);
  }
  // file-type knows this type's magic number, and the bytes do not have it.
  if (supportedMimeTypes.has(declared) && !XML_LIKE.test(declared)) throw mismatch(declared, `the bytes are not ${declared}`);
  if (TEXTUAL.test(declared) && head.includes(0)) throw mismatch(declared, "the bytes are binary (a NUL byte), not text");
}

function isCompatible(detected: string, declared: string): boolean {
  if (detected === "application/zip") return ZIP_BASED.test(declared);
  if (detected === "application/x-cfb") return CFB_BASED.has(declared);
  if (detected === "application/xml") return XML_LIKE.test(declared);
  return false;
}

function mismatch(declared: string, why: string, detected?: string): SealTrailError {
  return new SealTrailError("invalid", `media type ${declared} is contradicted by the file: ${why}`, {
    detail: { field: "mediaType", reason: "media_type_mismatch", declared, ...(detected === undefined ? {} : { detected }) },
  });
}
