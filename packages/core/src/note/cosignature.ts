/**
 * C2SP tlog-cosignature v1 (Ed25519, signature type 0x04): a witness's
 * timestamped statement that a checkpoint is the largest consistent tree head
 * it has seen for the log: its signature lines, cosigning, verification,
 * and the k-of-n witness policy built on it. The signed message is in
 * cosignature-message.ts, witness keys in witness-key.ts.
 *
 * Spec: https://c2sp.org/tlog-cosignature ("Format", "Ed25519 signed
 * message"); key text follows golang.org/x/mod/sumdb/note.
 */
import { bytesEqual, concat, readUintBE, toBase64, toHex, uintBE, utf8 } from "../bytes.js";
import { requireFunction, requireObject, requireText } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { openCheckpoint, parseCheckpoint, type OpenedCheckpoint } from "./checkpoint.js";
import { addSignatures, parseNote, NOTE_SIGNATURE_PREFIX, type NoteSignature } from "./note.js";
import { COSIGNATURE_V1_SIZE, MAX_COSIGNATURE_TIME, checkTime, cosignatureMessage } from "./cosignature-message.js";
import { witnessVerifierFromKey, type WitnessSigner, type WitnessVerifier } from "./witness-key.js";
import {
  KEY_ID_SIZE,
  verifierFromKey,
  type NoteSigner,
  type NoteVerifier,
} from "./vkey.js";

/**
 * A cosignature line taken apart (nothing verified).
 *
 * @example
 * ```ts
 * const { name, time } = parseCosignature(parseNote(note).signatures[1]!);
 * ```
 */
export interface Cosignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** POSIX seconds at which the witness cosigned. */
  readonly time: bigint;
  /** The 64-byte Ed25519 signature. */
  readonly signature: Uint8Array;
}

/**
 * A cosignature that verified against a known witness key.
 *
 * @example
 * ```ts
 * for (const { name, time } of verifyCosignatures(note, witnessKeys)) console.log(name, time);
 * ```
 */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly time: bigint;
  /** The witness's verifier key. */
  readonly verifierKey: string;
}

/**
 * A k-of-n witness policy: at least `threshold` of `witnesses` must have
 * cosigned.
 *
 * @example
 * ```ts
 * const policy: WitnessPolicy = { witnesses: [w1, w2, w3], threshold: 2 };
 * ```
 */
export interface WitnessPolicy {
  /** Witness verifier keys (type 0x04). */
  readonly witnesses: readonly (string | WitnessVerifier)[];
  /** How many distinct witnesses must have cosigned (0 to the number of distinct witness keys). */
  readonly threshold: number;
}

/**
 * The result of {@link checkWitnessPolicy}.
 *
 * @example
 * ```ts
 * const { checkpoint, cosignatures } = checkWitnessPolicy(note, logVkey, policy);
 * ```
 */
export interface WitnessedCheckpoint {
  readonly checkpoint: OpenedCheckpoint;
  /** One verified cosignature per distinct witness key of the policy, in note order. */
  readonly cosignatures: readonly VerifiedCosignature[];
}

/**
 * Take apart the signature of a cosignature line: 4-byte key ID (already
 * split off by `parseNote`), then a big-endian u64 timestamp of at most
 * 2^63 - 1 and a 64-byte Ed25519 signature. Nothing is verified.
 * Raises `malformed`.
 *
 * @example
 * ```ts
 * const { name, time } = parseCosignature(parseNote(note).signatures[1]!);
 * ```
 */
export function parseCosignature(sig: NoteSignature): Cosignature {
  const what = "cosignature";
  if (sig === null || typeof sig !== "object" || !(sig.keyId instanceof Uint8Array) || !(sig.signature instanceof Uint8Array)) {
    throw malformed(`${what}: not a note signature`);
  }
  if (sig.keyId.length !== KEY_ID_SIZE) throw malformed(`${what}: key ID must be ${KEY_ID_SIZE} bytes`);
  if (sig.signature.length !== COSIGNATURE_V1_SIZE) {
    throw malformed(`${what}: expected ${COSIGNATURE_V1_SIZE} bytes after the key ID, got ${sig.signature.length}`);
  }
  const time = readUintBE(sig.signature, 0, 8);
  if (time > MAX_COSIGNATURE_TIME) throw malformed(`${what}: timestamp exceeds 2^63-1`);
  return { name: sig.name, keyId: sig.keyId.slice(), time, signature: sig.signature.slice(8) };
}

/**
 * Parse signature lines alone, as a tlog-witness `add-checkpoint` answer
 * holds them ("— name base64\n" per line), with the rules of `parseNote`.
 * Raises `malformed`.
 *
 * @example
 * ```ts
 * const [sig] = parseSignatureLines(await res.text());
 * ```
 */
export function parseSignatureLines(text: string): NoteSignature[] {
  if (typeof text !== "string" || !text.startsWith(NOTE_SIGNATURE_PREFIX)) {
    throw malformed("signature lines: must start with an em dash and a space");
  }
  // parseNote splits at the last blank line: with none inside `text`, the
  // whole of it is the signature block of this stand-in note.
  if (text.includes("\n\n")) throw malformed("signature lines: empty line");
  return [...parseNote(`signature lines\n\n${text}`).signatures];
}

function cosigner(witness: WitnessSigner, time: bigint): NoteSigner {
  requireFunction(requireObject(witness, "witness").signMessage, "witness.signMessage");
  return {
    name: witness.name,
    keyId: witness.keyId,
    // `msg` is the note text: prefix the header and time, sign, and put the
    // timestamp before the signature (C2SP tlog-cosignature, "Format").
    sign: (msg) => concat(uintBE(time, 8), witness.signMessage(concat(cosignatureMessage("", time), msg))),
  };
}

/**
 * Cosign a checkpoint note: return it with this witness's cosignature line
 * added (a previous line by the same witness key is replaced). The note must
 * hold a well-formed checkpoint body; its log signature is NOT checked here
 * (a witness checks it, and consistency, before cosigning).
 * Raises `malformed` or `invalid`.
 *
 * @example
 * ```ts
 * const cosigned = cosignCheckpoint(checkpointNote, witnessSignerFromKey(skey), BigInt(Math.floor(Date.now() / 1000)));
 * ```
 */
export function cosignCheckpoint(checkpointNote: Uint8Array | string, witness: WitnessSigner, time: bigint): string {
  checkTime(time);
  parseCheckpoint(parseNote(checkpointNote).text);
  return addSignatures(checkpointNote, [cosigner(witness, time)]);
}

/**
 * The cosignature line alone (with its newline), as a witness answers an
 * `add-checkpoint` request (C2SP tlog-witness). Like {@link cosignCheckpoint}
 * it checks the checkpoint's form, not its log signature.
 *
 * @example
 * ```ts
 * reply.send(cosignatureLine(checkpointNote, witness, now)); // "— witness.example/w1 jWbP...==\n"
 * ```
 */
export function cosignatureLine(checkpointNote: Uint8Array | string, witness: WitnessSigner, time: bigint): string {
  checkTime(time);
  const { text } = parseNote(checkpointNote);
  parseCheckpoint(text);
  const sig = cosigner(witness, time).sign(utf8(text));
  return `${NOTE_SIGNATURE_PREFIX}${witness.name} ${toBase64(concat(witness.keyId, sig))}\n`;
}

function toWitnessVerifiers(keys: readonly (string | WitnessVerifier)[]): WitnessVerifier[] {
  if (!Array.isArray(keys)) throw new SealTrailError("invalid", "witness keys must be an array");
  const out: WitnessVerifier[] = [];
  for (const k of keys) {
    const v = typeof k === "string" ? witnessVerifierFromKey(k) : (requireObject(k, "witness key") as unknown as WitnessVerifier);
    const same = out.find((o) => o.name === v.name && bytesEqual(o.keyId, v.keyId));
    if (same !== undefined) {
      if (!bytesEqual(same.publicKey, v.publicKey)) {
        throw new SealTrailError("invalid", `ambiguous witness key ${v.name}+${toHex(v.keyId)}: two different public keys`);
      }
      continue; // the same key listed twice
    }
    out.push(v);
  }
  return out;
}

/**
 * Verify the cosignatures of a note by known witnesses and return one entry
 * per witness key that cosigned, in note order:
 * - lines by unknown keys (the log's own signature, other witnesses) are ignored;
 * - a line by a known witness key that does not verify (another checkpoint,
 *   a changed timestamp, a forged signature) rejects the note with
 *   `bad_signature`, as C2SP signed-note requires of known keys;
 * - a second line by the same witness key is ignored (it counts once).
 * Raises `malformed`, `invalid` or `bad_signature`.
 *
 * @example
 * ```ts
 * verifyCosignatures(note, ["witness.example/w1+8d66cf3f+BA..."]) // [{ name: "witness.example/w1", time: 1679315147n, ... }]
 * ```
 */
export function verifyCosignatures(note: Uint8Array | string, witnessKeys: readonly (string | WitnessVerifier)[]): VerifiedCosignature[] {
  requireText(note, "verifyCosignatures: note");
  return verifyWith(note, toWitnessVerifiers(witnessKeys)).map((r) => r.cosignature);
}

function verifyWith(
  note: Uint8Array | string,
  verifiers: readonly WitnessVerifier[],
): { cosignature: VerifiedCosignature; verifier: WitnessVerifier }[] {
  const parsed = parseNote(note);
  const text = utf8(parsed.text);
  const out: { cosignature: VerifiedCosignature; verifier: WitnessVerifier }[] = [];
  const done = new Set<WitnessVerifier>();
  for (const sig of parsed.signatures) {
    const v = verifiers.find((w) => w.name === sig.name && bytesEqual(w.keyId, sig.keyId));
    if (v === undefined || done.has(v)) continue;
    done.add(v);
    const label = `${sig.name}+${toHex(sig.keyId)}`;
    let cosig: Cosignature;
    try {
      cosig = parseCosignature(sig);
    } catch (e) {
      throw new SealTrailError("bad_signature", `invalid cosignature for witness key ${label}: ${(e as Error).message}`, { cause: e, detail: { key: label } });
    }
    if (!v.verify(text, sig.signature)) {
      throw new SealTrailError("bad_signature", `invalid cosignature for witness key ${label}`, { detail: { key: label } });
    }
    out.push({ cosignature: { name: sig.name, keyId: sig.keyId.slice(), time: cosig.time, verifierKey: v.verifierKey }, verifier: v });
  }
  return out;
}

/**
 * Check a checkpoint against a trust policy: it must open with the log's
 * verifier key (see `openCheckpoint`) and carry valid cosignatures by at
 * least `threshold` distinct witnesses of the policy. Witnesses are counted
 * by public key, since an Ed25519 cosignature does not commit to the witness
 * name (C2SP tlog-cosignature, "Ed25519 signed message"); duplicates count
 * once and unknown witnesses are ignored. Raises `invalid` naming how many
 * were found when the threshold is not met, and whatever opening the
 * checkpoint or verifying a known cosignature raises.
 *
 * @example
 * ```ts
 * const { checkpoint } = checkWitnessPolicy(note, logVkey, { witnesses: [w1, w2, w3], threshold: 2 });
 * ```
 */
export function checkWitnessPolicy(
  note: Uint8Array | string,
  logVerifierKey: string | NoteVerifier,
  policy: WitnessPolicy,
): WitnessedCheckpoint {
  requireText(note, "checkWitnessPolicy: note");
  if (typeof logVerifierKey !== "string") requireFunction(requireObject(logVerifierKey, "checkWitnessPolicy: verifier key").verify, "checkWitnessPolicy: verifier key.verify");
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw new SealTrailError("invalid", "witness policy: not an object");
  const witnesses = toWitnessVerifiers(policy.witnesses);
  const distinctKeys = new Set(witnesses.map((w) => toHex(w.publicKey)));
  const k = policy.threshold;
  if (!Number.isSafeInteger(k) || k < 0 || k > distinctKeys.size) {
    throw new SealTrailError("invalid", `witness policy: threshold ${String(k)} is not between 0 and ${distinctKeys.size} (distinct witness keys)`);
  }
  const log = typeof logVerifierKey === "string" ? verifierFromKey(logVerifierKey) : logVerifierKey;
  const checkpoint = openCheckpoint(note, log);
  const seen = new Set<string>();
  const cosignatures: VerifiedCosignature[] = [];
  for (const { cosignature, verifier } of verifyWith(note, witnesses)) {
    const pub = toHex(verifier.publicKey);
    if (seen.has(pub)) continue;
    seen.add(pub);
    cosignatures.push(cosignature);
  }
  if (cosignatures.length < k) {
    throw new SealTrailError(
      "invalid",
      `checkpoint has valid cosignatures from ${cosignatures.length} of the ${k} witnesses its policy requires` +
        (cosignatures.length > 0 ? ` (${cosignatures.map((c) => c.name).join(", ")})` : ""),
      { detail: { found: cosignatures.length, threshold: k, witnesses: cosignatures.map((c) => c.name) } },
    );
  }
  return { checkpoint, cosignatures };
}
