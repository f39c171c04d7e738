/**
 * Attachments: the descriptor a record's payload gives of each evidence
 * file it names (docs/formats.md, "Attachments"). The descriptor sits inside
 * the signed payload, so the author's signature and the log cover the file's
 * SHA-256 and length, and through them its bytes. The bytes themselves live
 * beside the log, content-addressed.
 *
 * Like every payload rule, these only check: a payload is signed exactly as
 * it was sent, so an uppercase digest, "Application/PDF" or a name holding a
 * slash is refused, never repaired (a repaired descriptor would no longer be
 * the one that was signed).
 */
import { z } from "zod";

/** The payload member that lists a record's attachments, at the top level of an object payload, for every record type. */
export const ATTACHMENTS_MEMBER = "attachments";

/** The most attachments one record may name (a server may configure fewer). */
export const MAX_ATTACHMENTS = 64;

/** The most UTF-8 bytes in an attachment's file name (the common file-system limit). */
export const MAX_ATTACHMENT_NAME_BYTES = 255;

/** One evidence file named by a record. */
export interface Attachment {
  /** SHA-256 of the file's bytes: 64 lowercase hex digits. */
  readonly sha256: string;
  /** The file's length in bytes: an integer in 0..2^53-1. */
  readonly length: number;
  /** Lowercase `type/subtype` (RFC 6838 §4.2 restricted names), no parameters. */
  readonly mediaType: string;
  /** The file's name as shown and downloaded: 1..255 UTF-8 bytes, no path, no control characters. */
  readonly name: string;
  /** The date the evidence takes effect (YYYY-MM-DD); the upload time is the log's and separate. */
  readonly effective?: string;
  /** The date the evidence expires (YYYY-MM-DD), not before `effective`. */
  readonly expires?: string;
}

// RFC 6838 §4.2: restricted-name = restricted-name-first *126restricted-name-chars,
// first = ALPHA / DIGIT, chars = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "-" / "^" / "_" / "." / "+".
// Lowercase only: media types compare case-insensitively, and a signed
// descriptor has one spelling.
const RESTRICTED_NAME = "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}";
const MEDIA_TYPE = new RegExp(`^${RESTRICTED_NAME}/${RESTRICTED_NAME}$`);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/**
 * Why `name` cannot be an attachment's file name, or undefined when it can.
 * A name is shown to people and becomes a file name on download
 * (Content-Disposition, RFC 6266 §4.3): a path, a control character or a
 * line separator in it could place or display the file as something else.
 */
function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "a file name: at least one character";
  // Lone surrogates have no UTF-8 form (RFC 3629 §3): the name could not be signed as written.
  if (LONE_SURROGATE.test(name)) return "a file name: not well-formed Unicode (a lone surrogate)";
  if (utf8Length(name) > MAX_ATTACHMENT_NAME_BYTES) return `a file name: at most ${MAX_ATTACHMENT_NAME_BYTES} UTF-8 bytes`;
  if (name.includes("/") || name.includes("\\")) return "a file name, not a path: no / or \\";
  // C0 (U+0000-001F), DEL, C1 (U+0080-009F) and the Unicode line and paragraph separators.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return "a file name: no control characters or line separators";
  if (name === "." || name === "..") return "a file name: not . or ..";
  if (name.startsWith(" ") || name.endsWith(" ")) return "a file name: no leading or trailing space";
  return undefined;
}

const date = z.iso.date({ message: "a date, YYYY-MM-DD" });

/**
 * The schema of one attachment descriptor (strict: an unknown member is
 * refused). The TypeScript type is {@link Attachment}.
 *
 * @example
 * ```ts
 * attachmentSchema.safeParse({ sha256: "ba78...", length: 3, mediaType: "text/plain", name: "abc.txt" }).success // true
 * ```
 */
export const attachmentSchema = z
  .strictObject({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 digest: 64 lowercase hex digits"),
    length: z
      .number({ message: "a length in bytes: an integer from 0 to 2^53-1" })
      .int("a length in bytes: an integer from 0 to 2^53-1")
      // .int() bounds to the safe integers (2^53-1) itself.
      .min(0, "a length in bytes: an integer from 0 to 2^53-1"),
    mediaType: z
      .string()
      .max(255)
      .regex(MEDIA_TYPE, "a media type: lowercase type/subtype (RFC 6838 §4.2), no parameters"),
    name: z.string().superRefine((name, ctx) => {
      const problem = nameProblem(name);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }),
    effective: date.optional(),
    expires: date.optional(),
  })
  .superRefine((a, ctx) => {
    // Both are YYYY-MM-DD, so text order is date order.
    if (a.effective !== undefined && a.expires !== undefined && a.expires < a.effective) {
      ctx.addIssue({ code: "custom", path: ["expires"], message: "an expiry date not before the effective date" });
    }
  });

/**
 * The schema of a payload's `attachments` member: at most
 * {@link MAX_ATTACHMENTS} descriptors, no file named twice.
 *
 * @example
 * ```ts
 * const withFiles = z.strictObject({ title: z.string(), attachments: attachmentsSchema.optional() });
 * ```
 */
export const attachmentsSchema = z
  .array(attachmentSchema)
  .max(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} attachments`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      if (seen.has(a.sha256)) ctx.addIssue({ code: "custom", path: [i, "sha256"], message: "a file named once per record: this digest is named before" });
      seen.add(a.sha256);
    });
  });

/** One way a payload's attachments break the rules: the field as a JSON Pointer (RFC 6901), and why. */
export interface AttachmentProblem {
  readonly pointer: string;
  readonly message: string;
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

function membersOf(payload: unknown): unknown {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  if (!Object.prototype.hasOwnProperty.call(payload, ATTACHMENTS_MEMBER)) return undefined;
  return (payload as Record<string, unknown>)[ATTACHMENTS_MEMBER];
}

/**
 * Check a payload's `attachments` member. Returns the problems, each naming
 * its field (`/attachments/2/name`), empty when the member is valid or
 * absent. Any payload is accepted: one that is not an object has no
 * attachments.
 *
 * @example
 * ```ts
 * checkAttachments({ attachments: [{ sha256: "AB", length: 1, mediaType: "text/plain", name: "a" }] })
 * // [{ pointer: "/attachments/0/sha256", message: "a SHA-256 digest: 64 lowercase hex digits" }]
 * ```
 */
export function checkAttachments(payload: unknown): AttachmentProblem[] {
  const members = membersOf(payload);
  if (members === undefined) return [];
  const r = attachmentsSchema.safeParse(members);
  if (r.success) return [];
  return r.error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => ({ pointer: pointerOf([ATTACHMENTS_MEMBER, ...i.path, k]), message: "not a member of an attachment" }))
      : [{ pointer: pointerOf([ATTACHMENTS_MEMBER, ...i.path]), message: i.message }],
  );
}

/**
 * The valid attachment descriptors of a payload, in order; [] when it names
 * none. A descriptor that breaks the rules is left out, as is a second one
 * naming the same digest (see {@link checkAttachments} for why).
 *
 * @example
 * ```ts
 * for (const a of attachmentsOf(payload)) console.log(a.name, a.sha256);
 * ```
 */
export function attachmentsOf(payload: unknown): Attachment[] {
  const members = membersOf(payload);
  if (!Array.isArray(members)) return [];
  const out: Attachment[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    const r = attachmentSchema.safeParse(m);
    if (!r.success || seen.has(r.data.sha256)) continue;
    seen.add(r.data.sha256);
    out.push(m as Attachment);
  }
  return out;
}
