/**
 * C2SP tlog-proof: an offline-verifiable proof that an entry is in a
 * transparency log (index, inclusion proof, signed checkpoint).
 *
 * Spec: https://c2sp.org/tlog-proof ("Format").
 */
import { fromBase64, fromUtf8, toBase64, utf8 } from "../bytes.js";
import { optionalObject, requireFunction, requireObject, requireText } from "../args.js";
import { SealTrailError, isSealTrailError, malformed } from "../errors.js";
import { hashLeaf, verifyInclusion } from "../merkle/index.js";
import { openCheckpoint, parseCheckpoint, type OpenedCheckpoint } from "../note/checkpoint.js";
import { MAX_NOTE_SIZE, parseNote } from "../note/note.js";
import { checkNoteCharacters, formatDecimalUint64, parseDecimalUint64 } from "../note/text-rules.js";
import type { NoteVerifier } from "../note/vkey.js";

/**
 * First line of every tlog-proof (C2SP tlog-proof, "Format").
 *
 * @example
 * ```ts
 * text.startsWith(TLOG_PROOF_HEADER + "\n")
 * ```
 */
export const TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";
/**
 * Prefix of the optional extra-data line (C2SP tlog-proof, "Format").
 *
 * @example
 * ```ts
 * TLOG_PROOF_EXTRA_PREFIX + toBase64(extra)
 * ```
 */
export const TLOG_PROOF_EXTRA_PREFIX = "extra ";
/**
 * Prefix of the index line (C2SP tlog-proof, "Format").
 *
 * @example
 * ```ts
 * TLOG_PROOF_INDEX_PREFIX + "73894"
 * ```
 */
export const TLOG_PROOF_INDEX_PREFIX = "index ";
/**
 * Size of each inclusion proof hash (SHA-256, RFC 6962 §2.1.1).
 *
 * @example
 * ```ts
 * proof.every((h) => h.length === TLOG_PROOF_HASH_SIZE)
 * ```
 */
export const TLOG_PROOF_HASH_SIZE = 32;
/**
 * Most inclusion proof lines: a tree of at most 2^64 leaves needs at most 64 (RFC 9162 §2.1.3.1).
 *
 * @example
 * ```ts
 * proof.length <= MAX_TLOG_PROOF_HASHES
 * ```
 */
export const MAX_TLOG_PROOF_HASHES = 64;
/**
 * Most extra bytes accepted (not authenticated, so kept small).
 *
 * @example
 * ```ts
 * extra.length <= MAX_TLOG_PROOF_EXTRA_SIZE
 * ```
 */
export const MAX_TLOG_PROOF_EXTRA_SIZE = 64 * 1024;
/**
 * Largest tlog-proof accepted, in UTF-8 bytes.
 *
 * @example
 * ```ts
 * if (file.length > MAX_TLOG_PROOF_SIZE) reject();
 * ```
 */
export const MAX_TLOG_PROOF_SIZE = MAX_NOTE_SIZE + 128 * 1024;

/**
 * The parts of a tlog-proof.
 *
 * @example
 * ```ts
 * const { index, proof, checkpoint, extra }: TlogProof = parseTlogProof(text);
 * ```
 */
export interface TlogProof {
  /** Zero-based index of the entry in the log. */
  readonly index: bigint;
  /** RFC 6962 inclusion proof, leaf's sibling first, 32-byte hashes. */
  readonly proof: readonly Uint8Array[];
  /** The log's signed checkpoint note, verbatim (with any cosignatures). */
  readonly checkpoint: string;
  /** Opaque extra data; NOT authenticated. */
  readonly extra?: Uint8Array;
}

/**
 * The result of {@link verifyTlogProof}.
 *
 * @example
 * ```ts
 * const { origin, size, root, index, leafHash }: VerifiedTlogProof = verifyTlogProof(text, entry, vkey);
 * ```
 */
export interface VerifiedTlogProof {
  readonly origin: string;
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly index: bigint;
  readonly leafHash: Uint8Array;
  /** The opened checkpoint, with its verified and unverified signatures. */
  readonly checkpoint: OpenedCheckpoint;
  /** Unauthenticated extra data, if any. */
  readonly extra?: Uint8Array;
}

/**
 * Options of {@link verifyTlogProof}.
 *
 * @example
 * ```ts
 * verifyTlogProof(text, entry, sumdbKey, { origin: "go.sum database tree" } satisfies VerifyTlogProofOptions)
 * ```
 */
export interface VerifyTlogProofOptions {
  /** Expected checkpoint origin, when it is not the log key's name. */
  readonly origin?: string;
}

function invalid(message: string, cause?: unknown): SealTrailError {
  return new SealTrailError("invalid", message, cause === undefined ? undefined : { cause });
}

/**
 * Format a tlog-proof: header, optional `extra` line, `index N`, one base64
 * hash per line, a blank line, then the checkpoint note verbatim
 * (C2SP tlog-proof, "Format"). The checkpoint must parse as a signed
 * checkpoint note.
 * Raises `invalid`.
 *
 * @example
 * ```ts
 * const text = formatTlogProof({ index: 0n, proof: [sibling], checkpoint: checkpointNote });
 * ```
 */
export function formatTlogProof(p: TlogProof): string {
  requireObject(p, "tlog-proof");
  const index = formatDecimalUint64(p.index, "tlog-proof index");
  if (!Array.isArray(p.proof) || p.proof.length > MAX_TLOG_PROOF_HASHES) {
    throw invalid(`tlog-proof: proof must be an array of at most ${MAX_TLOG_PROOF_HASHES} hashes`);
  }
  for (const [i, h] of p.proof.entries()) {
    if (!(h instanceof Uint8Array) || h.length !== TLOG_PROOF_HASH_SIZE) {
      throw invalid(`tlog-proof: proof[${i}] must be ${TLOG_PROOF_HASH_SIZE} bytes`);
    }
  }
  try {
    parseCheckpoint(parseNote(p.checkpoint).text);
  } catch (e) {
    throw invalid(`tlog-proof: checkpoint is not a signed checkpoint: ${(e as Error).message}`, e);
  }
  let out = TLOG_PROOF_HEADER + "\n";
  if (p.extra !== undefined) {
    // An empty extra line would be "extra " with nothing after: omit the line instead.
    if (!(p.extra instanceof Uint8Array) || p.extra.length === 0 || p.extra.length > MAX_TLOG_PROOF_EXTRA_SIZE) {
      throw invalid(`tlog-proof: extra must be 1 to ${MAX_TLOG_PROOF_EXTRA_SIZE} bytes`);
    }
    out += TLOG_PROOF_EXTRA_PREFIX + toBase64(p.extra) + "\n";
  }
  out += TLOG_PROOF_INDEX_PREFIX + index + "\n";
  for (const h of p.proof) out += toBase64(h) + "\n";
  return out + "\n" + p.checkpoint;
}

/**
 * Parse a tlog-proof, hostile input: strict UTF-8, exact header, optional
 * `extra` line of canonical base64, `index` without leading zeroes,
 * at most 64 base64 SHA-256 hashes, a blank line, then a well-formed signed
 * checkpoint note (C2SP tlog-checkpoint). Nothing is verified (use
 * {@link verifyTlogProof}). Raises `malformed`.
 *
 * @example
 * ```ts
 * const { index, proof, checkpoint } = parseTlogProof(fileBytes);
 * ```
 */
export function parseTlogProof(input: Uint8Array | string): TlogProof {
  const what = "tlog-proof";
  let s: string;
  if (typeof input === "string") {
    if (input.length > MAX_TLOG_PROOF_SIZE || utf8(input).length > MAX_TLOG_PROOF_SIZE) throw malformed(`${what}: too large`);
    s = input;
  } else if (input instanceof Uint8Array) {
    if (input.length > MAX_TLOG_PROOF_SIZE) throw malformed(`${what}: too large`);
    s = fromUtf8(input, what);
  } else {
    throw malformed(`${what}: expected bytes or a string`);
  }
  checkNoteCharacters(s, what);
  let pos = 0;
  // Next line without its newline; a missing newline is malformed.
  const nextLine = (): string => {
    const nl = s.indexOf("\n", pos);
    if (nl < 0) throw malformed(`${what}: unexpected end of input`);
    const line = s.slice(pos, nl);
    pos = nl + 1;
    return line;
  };
  if (nextLine() !== TLOG_PROOF_HEADER) throw malformed(`${what}: first line is not ${TLOG_PROOF_HEADER}`);
  let line = nextLine();
  let extra: Uint8Array | undefined;
  if (line.startsWith(TLOG_PROOF_EXTRA_PREFIX)) {
    const b64 = line.slice(TLOG_PROOF_EXTRA_PREFIX.length);
    if (b64.length === 0) throw malformed(`${what}: empty extra line`);
    if (b64.length > Math.ceil(MAX_TLOG_PROOF_EXTRA_SIZE / 3) * 4) throw malformed(`${what}: extra data too large`);
    extra = fromBase64(b64, `${what}: extra`);
    line = nextLine();
  }
  if (!line.startsWith(TLOG_PROOF_INDEX_PREFIX)) throw malformed(`${what}: missing index line`);
  const index = parseDecimalUint64(line.slice(TLOG_PROOF_INDEX_PREFIX.length), `${what}: index`);
  const proof: Uint8Array[] = [];
  for (;;) {
    line = nextLine();
    if (line.length === 0) break; // the blank line before the checkpoint
    if (proof.length === MAX_TLOG_PROOF_HASHES) throw malformed(`${what}: more than ${MAX_TLOG_PROOF_HASHES} proof hashes`);
    const h = fromBase64(line, `${what}: proof hash ${proof.length + 1}`);
    if (h.length !== TLOG_PROOF_HASH_SIZE) throw malformed(`${what}: proof hash ${proof.length + 1} is not ${TLOG_PROOF_HASH_SIZE} bytes`);
    proof.push(h);
  }
  const checkpoint = s.slice(pos);
  // Structure only (signatures are checked by verifyTlogProof); raises malformed.
  parseCheckpoint(parseNote(checkpoint).text);
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

// Re-raise a failure with the step that failed in front of its message, keeping its code.
function step(what: string, e: unknown): never {
  if (isSealTrailError(e)) throw new SealTrailError(e.code, `${what}: ${e.message}`, { cause: e, ...(e.detail ? { detail: { ...e.detail } } : {}) });
  throw e;
}

/**
 * Verify a tlog-proof for `entry` against the log's verifier key: parse it,
 * open the checkpoint (log signature, origin = key name or `opts.origin`),
 * check the index is below the tree size, hash the entry as an RFC 6962
 * leaf and verify the inclusion proof against the checkpoint root
 * (C2SP tlog-proof, RFC 6962 §2.1.1). Every failure is a SealTrailError
 * whose message starts with what failed: "tlog-proof", "checkpoint
 * signature", "index beyond tree size", "inclusion proof".
 *
 * @example
 * ```ts
 * const { origin, size, index } = verifyTlogProof(proofText, entryBytes, logVerifierKey);
 * ```
 */
export function verifyTlogProof(
  proofText: Uint8Array | string,
  entry: Uint8Array,
  verifierKey: string | NoteVerifier,
  opts: VerifyTlogProofOptions = {},
): VerifiedTlogProof {
  requireText(proofText, "tlog-proof");
  if (!(entry instanceof Uint8Array)) throw invalid("tlog-proof: entry must be a Uint8Array");
  if (typeof verifierKey !== "string") requireFunction(requireObject(verifierKey, "tlog-proof: verifier key").verify, "tlog-proof: verifier key.verify");
  optionalObject(opts, "tlog-proof: options");
  const p = parseTlogProof(proofText);
  let cp: OpenedCheckpoint;
  try {
    cp = openCheckpoint(p.checkpoint, verifierKey, opts.origin === undefined ? {} : { origin: opts.origin });
  } catch (e) {
    step("checkpoint signature", e);
  }
  if (p.index >= cp.size) {
    throw new SealTrailError("bad_proof", `index beyond tree size: index ${p.index} is not below checkpoint size ${cp.size}`);
  }
  const leafHash = hashLeaf(entry);
  try {
    const ok: unknown = verifyInclusion(p.index, cp.size, leafHash, [...p.proof], cp.root);
    // Defensive: treat an explicit `false` like a thrown bad_proof.
    if (ok === false) throw new SealTrailError("bad_proof", "root mismatch");
  } catch (e) {
    step("inclusion proof: the entry does not match the proof and checkpoint root", e);
  }
  const base = { origin: cp.origin, size: cp.size, root: cp.root, index: p.index, leafHash, checkpoint: cp };
  return p.extra === undefined ? base : { ...base, extra: p.extra };
}
