/**
 * The RFC 3161 anchor record (docs/formats.md §12): a time-stamp token over
 * one checkpoint note, with a few fields copied out of the token for people
 * and indexes. Verification re-derives every field from the token and the
 * note, and refuses a record whose copies disagree with them.
 */
import { SealTrailError, fromBase64, parseCheckpoint, parseNote, sha256, toBase64, toHex, utf8 } from "@sealtrail/core";
import { verifyTimeStampToken, type TsaTrust, type VerifiedTimeStamp } from "./rfc3161.js";

/** Anchor type tag of RFC 3161 anchors. */
export const RFC3161_ANCHOR_TYPE = "rfc3161";

/**
 * An RFC 3161 anchor as stored and exported (JSON).
 *
 * @example
 * ```ts
 * const a: Rfc3161Anchor = { type: "rfc3161", checkpointSize: 42, checkpointHash: "9f…", token: "MIIH…", genTime: "2026-05-01T10:00:00.000Z", tsa: "CN=Example TSA,O=Example" };
 * ```
 */
export interface Rfc3161Anchor {
  readonly type: typeof RFC3161_ANCHOR_TYPE;
  /** Tree size of the anchored checkpoint. */
  readonly checkpointSize: number;
  /** Lower-case hex SHA-256 of the checkpoint note's bytes (UTF-8), which is also the token's message imprint. */
  readonly checkpointHash: string;
  /** The DER TimeStampToken, base64 (RFC 4648 §4, padded). */
  readonly token: string;
  /** The token's genTime, RFC 3339 in UTC with milliseconds (informative: verification reads the token). */
  readonly genTime: string;
  /** The TSA certificate's subject, RFC 4514 (informative). */
  readonly tsa: string;
}

/** What {@link verifyAnchor} returns: the token's verified content and the checkpoint it covers. */
export interface VerifiedAnchor extends VerifiedTimeStamp {
  readonly checkpointSize: bigint;
}

function noteBytes(note: string | Uint8Array): Uint8Array {
  return typeof note === "string" ? utf8(note) : note;
}

/** Tree size declared by a checkpoint note (its signatures are not checked here). */
function sizeOfNote(note: Uint8Array): bigint {
  return parseCheckpoint(parseNote(note).text).size;
}

/**
 * The anchor record for `token` over `checkpointNote`, after verifying the
 * token against `trust` (a log never stores a token it cannot verify).
 *
 * @example
 * ```ts
 * const token = await requestTimeStamp(tsaUrl, utf8(cp.note));
 * const anchor = await createRfc3161Anchor(cp.note, token, { roots: [rootDer] });
 * ```
 */
export async function createRfc3161Anchor(checkpointNote: string | Uint8Array, token: Uint8Array, trust: TsaTrust): Promise<Rfc3161Anchor> {
  const note = noteBytes(checkpointNote);
  const size = sizeOfNote(note);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new SealTrailError("invalid", "rfc3161 anchor: checkpoint size beyond 2^53-1");
  const v = await verifyTimeStampToken(token, note, trust);
  return {
    type: RFC3161_ANCHOR_TYPE,
    checkpointSize: Number(size),
    checkpointHash: toHex(sha256(note)),
    token: toBase64(token),
    genTime: v.genTime.toISOString(),
    tsa: v.tsaName,
  };
}

/**
 * Verify an RFC 3161 anchor (parsed JSON, untrusted) for a checkpoint note:
 * the record's shape, its checkpoint hash and size against the note, and the
 * token ({@link verifyTimeStampToken}) over the note. genTime and tsa are
 * read from the token; a record whose copies differ is refused. The note's
 * own signatures are not checked here (that needs the vault's key: open it
 * with openCheckpoint first).
 *
 * @example
 * ```ts
 * const { genTime, notAfter } = await verifyAnchor(JSON.parse(text), note, { roots: [rootDer] });
 * ```
 */
export async function verifyAnchor(anchor: unknown, checkpointNote: string | Uint8Array, trust: TsaTrust): Promise<VerifiedAnchor> {
  const a = parseAnchor(anchor);
  const note = noteBytes(checkpointNote);
  if (a.checkpointHash !== toHex(sha256(note))) throw new SealTrailError("invalid", "rfc3161 anchor: checkpointHash is not the hash of this checkpoint note");
  const size = sizeOfNote(note);
  if (BigInt(a.checkpointSize) !== size) throw new SealTrailError("invalid", `rfc3161 anchor: checkpointSize ${a.checkpointSize} is not the note's size ${size}`);
  const v = await verifyTimeStampToken(fromBase64(a.token, "rfc3161 anchor: token"), note, trust);
  if (a.genTime !== v.genTime.toISOString()) {
    throw new SealTrailError("invalid", `rfc3161 anchor: genTime ${a.genTime} is not the token's ${v.genTime.toISOString()}`);
  }
  if (a.tsa !== v.tsaName) throw new SealTrailError("invalid", `rfc3161 anchor: tsa is not the token's signer ${v.tsaName}`);
  return { ...v, checkpointSize: size };
}

const FIELDS = ["type", "checkpointSize", "checkpointHash", "token", "genTime", "tsa"] as const;

/** Check the JSON shape of an RFC 3161 anchor. */
export function parseAnchor(x: unknown): Rfc3161Anchor {
  const bad = (m: string) => new SealTrailError("malformed", `rfc3161 anchor: ${m}`);
  if (typeof x !== "object" || x === null || Array.isArray(x)) throw bad("not an object");
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(k)) throw bad(`unknown field ${JSON.stringify(k.slice(0, 40))}`);
  if (o.type !== RFC3161_ANCHOR_TYPE) throw bad(`type must be "${RFC3161_ANCHOR_TYPE}"`);
  if (typeof o.checkpointSize !== "number" || !Number.isSafeInteger(o.checkpointSize) || o.checkpointSize < 0) throw bad("checkpointSize must be a non-negative integer");
  if (typeof o.checkpointHash !== "string" || !/^[0-9a-f]{64}$/.test(o.checkpointHash)) throw bad("checkpointHash must be 64 lower-case hex digits");
  if (typeof o.token !== "string" || o.token.length === 0) throw bad("token must be base64");
  if (typeof o.genTime !== "string") throw bad("genTime must be an RFC 3339 string");
  if (typeof o.tsa !== "string") throw bad("tsa must be a string");
  return o as unknown as Rfc3161Anchor;
}
