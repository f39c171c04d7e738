/**
 * A C2SP tlog-witness: checks that each checkpoint a log submits is
 * consistent with the latest one it cosigned for that log, and cosigns it
 * (C2SP tlog-cosignature v1).
 *
 * Spec: https://c2sp.org/tlog-witness ("add-checkpoint"). Reference
 * behaviour: transparency-dev/witness `internal/witness`.
 */
import {
  SealTrailError,
  bytesEqual,
  cosignCheckpoint,
  cosignatureLine,
  fromBase64,
  fromUtf8,
  openNote,
  parseCheckpoint,
  parseNote,
  toBase64,
  verifierFromKey,
  verifyConsistency,
  type Checkpoint,
  type NoteVerifier,
  type WitnessSigner,
} from "@sealtrail/core";
import type { Evidence, LogState, WitnessState } from "./state.js";

/** Most consistency proof lines a request may hold (C2SP tlog-witness: "MUST NOT send more than 63"). */
export const MAX_PROOF_LINES = 63;
/** Largest `add-checkpoint` body accepted, in bytes (a checkpoint with 100 signatures fits). */
export const MAX_ADD_CHECKPOINT_BODY = 64 * 1024;
/** Content type of the 409 answer that tells the latest cosigned size (C2SP tlog-witness). */
export const TLOG_SIZE_CONTENT_TYPE = "text/x.tlog.size";

/** A log the witness follows: its origin line and the verifier keys it trusts for it. */
export interface FollowedLog {
  readonly origin: string;
  /** Ed25519 (type 0x01) verifier keys of the log. */
  readonly vkeys: readonly string[];
}

/** Options of {@link createWitness}. */
export interface WitnessOptions {
  readonly state: WitnessState;
  readonly signer: WitnessSigner;
  readonly logs: readonly FollowedLog[];
  /** Clock in POSIX seconds (default: the system clock). */
  readonly now?: () => bigint;
}

/** A parsed `add-checkpoint` request body. */
export interface AddCheckpointRequest {
  readonly oldSize: bigint;
  readonly proof: Uint8Array[];
  /** The checkpoint note, as sent. */
  readonly note: string;
}

/** What a followed log looks like from outside. */
export interface LogStatus {
  readonly origin: string;
  readonly vkeys: readonly string[];
  /** The latest cosigned checkpoint, or null before the first. */
  readonly latest: { size: string; root: string; time: string; checkpoint: string } | null;
}

/** The witness. */
export interface Witness {
  readonly name: string;
  /** The witness's type-0x04 verifier key. */
  readonly verifierKey: string;
  /**
   * Handle an `add-checkpoint` body; return the cosignature line(s) to answer
   * with. Raises (the HTTP layer maps each code to the spec's status):
   * `malformed` 400 (body, or old size above the checkpoint size);
   * `too_large` 413; `not_found` 404 (unknown origin); `forbidden` 403 (no
   * valid signature by a trusted log key); `conflict` 409 (old size is not
   * the latest cosigned size, which `detail.size` holds); `inconsistent` 409
   * (a second root for the latest size: a split view, kept as evidence);
   * `bad_proof` 422 (consistency proof does not verify).
   */
  addCheckpoint(body: Uint8Array | string): string;
  logs(): LogStatus[];
  evidence(): Evidence[];
}

const ASCII_DIGITS = /^(0|[1-9][0-9]{0,19})$/;

/**
 * Parse an `add-checkpoint` body: `old <size>\n`, up to 63 base64 proof
 * lines of 32-byte hashes, an empty line, then the checkpoint note
 * (C2SP tlog-witness, "add-checkpoint"). Hostile input: raises `malformed`
 * or `too_large`, nothing else.
 *
 * @example
 * ```ts
 * const { oldSize, proof, note } = parseAddCheckpoint("old 0\n\n" + checkpointNote);
 * ```
 */
export function parseAddCheckpoint(body: Uint8Array | string): AddCheckpointRequest {
  const what = "add-checkpoint body";
  const size = typeof body === "string" ? body.length : body.length;
  if (size > MAX_ADD_CHECKPOINT_BODY) throw new SealTrailError("too_large", `${what}: larger than ${MAX_ADD_CHECKPOINT_BODY} bytes`);
  const text = typeof body === "string" ? body : fromUtf8(body, what);
  const blank = text.indexOf("\n\n");
  if (blank < 0) throw new SealTrailError("malformed", `${what}: no empty line before the checkpoint`);
  const head = text.slice(0, blank).split("\n");
  const note = text.slice(blank + 2);
  const oldLine = head[0]!;
  if (!oldLine.startsWith("old ") || !ASCII_DIGITS.test(oldLine.slice(4))) {
    throw new SealTrailError("malformed", `${what}: first line must be "old <size>" (decimal, no leading zeroes)`);
  }
  const oldSize = BigInt(oldLine.slice(4));
  if (oldSize >= 1n << 64n) throw new SealTrailError("malformed", `${what}: old size does not fit in 64 bits`);
  const lines = head.slice(1);
  if (lines.length > MAX_PROOF_LINES) throw new SealTrailError("malformed", `${what}: more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = lines.map((l, i) => {
    const h = fromBase64(l, `${what}: proof line ${i + 1}`);
    if (h.length !== 32) throw new SealTrailError("malformed", `${what}: proof line ${i + 1} is not a 32-byte hash`);
    return h;
  });
  if (note.length === 0) throw new SealTrailError("malformed", `${what}: no checkpoint`);
  return { oldSize, proof, note };
}

/**
 * Create a witness over its durable state.
 *
 * @example
 * ```ts
 * const witness = createWitness({ state: openWitnessState(dir), signer, logs: [{ origin, vkeys: [vkey] }] });
 * const lines = witness.addCheckpoint("old 0\n\n" + checkpointNote);
 * ```
 */
export function createWitness(opts: WitnessOptions): Witness {
  const now = opts.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
  const { state, signer } = opts;
  const followed = new Map<string, { vkeys: string[]; verifiers: NoteVerifier[] }>();
  for (const log of opts.logs) {
    const entry = followed.get(log.origin) ?? { vkeys: [], verifiers: [] };
    for (const vkey of log.vkeys) {
      if (entry.vkeys.includes(vkey)) continue;
      entry.vkeys.push(vkey);
      entry.verifiers.push(verifierFromKey(vkey));
    }
    followed.set(log.origin, entry);
  }

  function openLogCheckpoint(note: string): Checkpoint {
    // The origin decides which keys to try: parse the body before any signature.
    const cp = parseCheckpoint(parseNote(note).text);
    const log = followed.get(cp.origin);
    if (log === undefined) throw new SealTrailError("not_found", `unknown log origin "${cp.origin}"`);
    try {
      // Signatures by unknown keys (other witnesses, this one) are ignored.
      openNote(note, log.verifiers);
    } catch (e) {
      if (e instanceof SealTrailError && e.code !== "malformed") {
        throw new SealTrailError("forbidden", `checkpoint is not signed by a trusted key of log "${cp.origin}": ${e.message}`, { cause: e });
      }
      throw e;
    }
    return cp;
  }

  function cosign(note: string, cp: Checkpoint, prev: LogState | undefined): string {
    // Cosignature times never go back for a log, even if the clock does.
    const time = prev !== undefined && prev.time > now() ? prev.time : now();
    const line = cosignatureLine(note, signer, time);
    state.put({ origin: cp.origin, size: cp.size, root: cp.root, note: cosignCheckpoint(note, signer, time), time });
    return line;
  }

  return {
    name: signer.name,
    verifierKey: signer.verifierKey,
    addCheckpoint(body) {
      const req = parseAddCheckpoint(body);
      const cp = openLogCheckpoint(req.note);
      if (req.oldSize > cp.size) {
        throw new SealTrailError("malformed", `old size ${req.oldSize} is greater than the checkpoint size ${cp.size}`);
      }
      // From here to state.put there is no await: check and update are atomic.
      const prev = state.get(cp.origin);
      if (prev !== undefined && prev.size === cp.size && !bytesEqual(prev.root, cp.root)) {
        state.addEvidence({
          kind: "split-view",
          origin: cp.origin,
          detectedAt: new Date().toISOString(),
          checkpoints: [prev.note, req.note],
          oldSize: req.oldSize.toString(),
        });
        throw new SealTrailError("inconsistent", `log "${cp.origin}" signed two different roots for size ${cp.size}: split view, kept as evidence`, {
          detail: { size: cp.size.toString() },
        });
      }
      const latest = prev?.size ?? 0n;
      if (req.oldSize !== latest) {
        throw new SealTrailError("conflict", `old size ${req.oldSize} is not the latest cosigned size ${latest}`, { detail: { size: latest.toString() } });
      }
      if (prev === undefined) {
        // Nothing cosigned yet: trust on first use (the proof must be empty for old size 0).
        if (req.proof.length !== 0) throw new SealTrailError("malformed", "a consistency proof from old size 0 must be empty");
        return cosign(req.note, cp, prev);
      }
      try {
        verifyConsistency(prev.size, cp.size, req.proof, prev.root, cp.root);
      } catch (e) {
        if (!(e instanceof SealTrailError)) throw e;
        state.addEvidence({
          kind: "bad-consistency-proof",
          origin: cp.origin,
          detectedAt: new Date().toISOString(),
          checkpoints: [prev.note, req.note],
          proof: req.proof.map(toBase64),
          oldSize: req.oldSize.toString(),
        });
        throw new SealTrailError("bad_proof", `consistency proof from size ${prev.size} to ${cp.size} does not verify: ${e.message}`, { cause: e });
      }
      return cosign(req.note, cp, prev);
    },
    logs() {
      return [...followed.entries()].map(([origin, l]) => {
        const s = state.get(origin);
        return {
          origin,
          vkeys: [...l.vkeys],
          latest: s === undefined ? null : { size: s.size.toString(), root: toBase64(s.root), time: s.time.toString(), checkpoint: s.note },
        };
      });
    },
    evidence: () => state.evidence(),
  };
}
