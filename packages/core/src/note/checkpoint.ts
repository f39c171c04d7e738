/**
 * C2SP tlog-checkpoint: the signed tree head of a transparency log.
 *
 * Spec: https://c2sp.org/tlog-checkpoint ("Note text", "Signatures").
 */
import { fromBase64, toBase64 } from "../bytes.js";
import { SHA256_SIZE } from "../crypto.js";
import { optionalObject, requireFunction, requireObject, requireText } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { openNote, signNote, type OpenedNote } from "./note.js";
import { checkNoteCharacters, formatDecimalUint64, parseDecimalUint64 } from "./text-rules.js";
import { verifierFromKey, type NoteSigner, type NoteVerifier } from "./vkey.js";

/**
 * Size of the root hash line's value: an RFC 6962 SHA-256 root.
 *
 * @example
 * ```ts
 * root.length === CHECKPOINT_ROOT_SIZE // 32
 * ```
 */
export const CHECKPOINT_ROOT_SIZE = SHA256_SIZE;

/**
 * The body of a checkpoint.
 *
 * @example
 * ```ts
 * const { origin, size, root, extensions }: Checkpoint = parseCheckpoint(body);
 * ```
 */
export interface Checkpoint {
  /** Log identity, the first line (C2SP tlog-checkpoint, "Note text" 1). */
  readonly origin: string;
  /** Number of leaves (line 2). */
  readonly size: bigint;
  /** RFC 6962 root hash at `size` (line 3), 32 bytes. */
  readonly root: Uint8Array;
  /** Opaque, non-empty extension lines (lines 4 and up). */
  readonly extensions: readonly string[];
}

/**
 * What {@link formatCheckpoint} and {@link signCheckpoint} take.
 *
 * @example
 * ```ts
 * const cp: CheckpointInput = { origin: "example.com/log", size: 2n, root };
 * ```
 */
export interface CheckpointInput {
  readonly origin: string;
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly extensions?: readonly string[];
}

/**
 * The result of {@link openCheckpoint}.
 *
 * @example
 * ```ts
 * const { size, root, note }: OpenedCheckpoint = openCheckpoint(noteText, vkey);
 * ```
 */
export interface OpenedCheckpoint extends Checkpoint {
  /** The opened note (verified log signature, any other verified and unverified signatures). */
  readonly note: OpenedNote;
  /** The checkpoint body, exactly as signed. */
  readonly text: string;
}

/**
 * Options of {@link openCheckpoint}.
 *
 * @example
 * ```ts
 * openCheckpoint(sumdbNote, sumdbKey, { origin: "go.sum database tree" } satisfies OpenCheckpointOptions)
 * ```
 */
export interface OpenCheckpointOptions {
  /**
   * Expected origin line. Default: the log key's name, as C2SP
   * tlog-checkpoint recommends ("The log's key name in its signature line
   * SHOULD match the origin line"). Needed for logs that do not follow that,
   * such as sum.golang.org (origin "go.sum database tree").
   */
  readonly origin?: string;
  /** More known keys (e.g. witnesses): their signatures are verified too, and a bad one rejects the note. */
  readonly otherVerifiers?: readonly NoteVerifier[];
}

// One line of checkpoint text: non-empty, no newline, no control characters.
function checkLine(line: string, what: string): void {
  if (typeof line !== "string" || line.length === 0) throw new SealTrailError("invalid", `${what} must be non-empty`);
  if (line.includes("\n")) throw new SealTrailError("invalid", `${what} must be one line`);
  try {
    checkNoteCharacters(line, what);
  } catch (e) {
    throw new SealTrailError("invalid", (e as Error).message, { cause: e });
  }
}

/**
 * Format a checkpoint body: origin, decimal size, base64 root, then any
 * extension lines, each ending in newline (C2SP tlog-checkpoint, "Note text").
 * Raises `invalid` for out-of-range input.
 *
 * @example
 * ```ts
 * formatCheckpoint({ origin: "example.com/log", size: 2n, root })
 * // "example.com/log\n2\nJCMz...=\n"
 * ```
 */
export function formatCheckpoint(cp: CheckpointInput): string {
  requireObject(cp, "checkpoint");
  checkLine(cp.origin, "checkpoint origin");
  const size = formatDecimalUint64(cp.size, "checkpoint size");
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== CHECKPOINT_ROOT_SIZE) {
    throw new SealTrailError("invalid", `checkpoint root must be ${CHECKPOINT_ROOT_SIZE} bytes`);
  }
  const extensions = cp.extensions ?? [];
  for (const ext of extensions) checkLine(ext, "checkpoint extension line");
  return [cp.origin, size, toBase64(cp.root), ...extensions].map((l) => l + "\n").join("");
}

/**
 * Parse a checkpoint body (the text of the signed note), hostile input:
 * at least three non-empty lines, the size a uint64 without leading zeroes,
 * the root canonical base64 of 32 bytes, extension lines non-empty
 * (C2SP tlog-checkpoint, "Note text"). Raises `malformed`.
 *
 * @example
 * ```ts
 * const { origin, size, root } = parseCheckpoint("example.com/log\n2\nJCMz...=\n");
 * ```
 */
export function parseCheckpoint(body: string): Checkpoint {
  const what = "checkpoint";
  if (typeof body !== "string") throw malformed(`${what}: not a string`);
  checkNoteCharacters(body, what);
  if (!body.endsWith("\n")) throw malformed(`${what}: must end with a newline`);
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed(`${what}: fewer than three lines`);
  for (const [i, line] of lines.entries()) {
    if (line.length === 0) throw malformed(`${what}: line ${i + 1} is empty`);
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  const size = parseDecimalUint64(sizeText, `${what}: tree size`);
  const root = fromBase64(rootText, `${what}: root hash`);
  if (root.length !== CHECKPOINT_ROOT_SIZE) throw malformed(`${what}: root hash must be ${CHECKPOINT_ROOT_SIZE} bytes`);
  return { origin, size, root, extensions };
}

/**
 * Sign a checkpoint with the log's key and return the signed note. The key
 * name must equal the origin (C2SP tlog-checkpoint, "Signatures": SHOULD;
 * SealTrail logs always do), else `invalid`.
 *
 * @example
 * ```ts
 * const note = signCheckpoint({ origin: "example.com/log", size: 2n, root }, signerFromKey(skey));
 * ```
 */
export function signCheckpoint(cp: CheckpointInput, signer: NoteSigner): string {
  requireObject(signer, "signCheckpoint: signer");
  const body = formatCheckpoint(cp);
  if (signer.name !== cp.origin) {
    throw new SealTrailError("invalid", `checkpoint: signer key name "${signer.name}" differs from origin "${cp.origin}"`);
  }
  return signNote(body, [signer]);
}

/**
 * Open a signed checkpoint with the log's verifier key: the log's signature
 * must be present and valid, any other known signature must verify, and the
 * origin must equal the key name (or `opts.origin`). Signatures by unknown
 * keys (witnesses) are ignored (C2SP tlog-checkpoint, "Signatures").
 * Raises `malformed`, `bad_signature`, `unknown_key` or `invalid`.
 *
 * @example
 * ```ts
 * const { origin, size, root } = openCheckpoint(noteText, "example.com/log+1a2b3c4d+AX...");
 * ```
 */
export function openCheckpoint(
  noteText: Uint8Array | string,
  verifierKey: string | NoteVerifier,
  opts: OpenCheckpointOptions = {},
): OpenedCheckpoint {
  requireText(noteText, "checkpoint note");
  if (typeof verifierKey !== "string") requireFunction(requireObject(verifierKey, "openCheckpoint: verifier key").verify, "openCheckpoint: verifier key.verify");
  optionalObject(opts, "openCheckpoint: options");
  const log = typeof verifierKey === "string" ? verifierFromKey(verifierKey) : verifierKey;
  const note = openNote(noteText, [log, ...(opts.otherVerifiers ?? [])]);
  if (!note.verified.some((s) => s.verifier === log)) {
    throw new SealTrailError("unknown_key", `checkpoint: no signature by the log key ${log.name}`);
  }
  const cp = parseCheckpoint(note.text);
  const expected = opts.origin ?? log.name;
  if (cp.origin !== expected) {
    throw new SealTrailError("invalid", `checkpoint: origin "${cp.origin}" is not the expected "${expected}"`);
  }
  return { ...cp, note, text: note.text };
}
