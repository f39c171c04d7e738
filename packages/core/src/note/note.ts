/**
 * C2SP signed notes: text signed by one or more keys.
 *
 * Spec: https://c2sp.org/signed-note ("Format", "Signatures"). Behaviour of
 * {@link openNote} follows golang.org/x/mod/sumdb/note `Open`.
 */
import { bytesEqual, concat, fromBase64, fromUtf8, toBase64, toHex, utf8 } from "../bytes.js";
import { requireArray, requireFunction, requireObject } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { KEY_ID_SIZE, type NoteSigner, type NoteVerifier } from "./vkey.js";
import { checkNoteCharacters, keyNameIsValid as isValidKeyName } from "./text-rules.js";

/**
 * Start of every signature line: em dash (U+2014) and a space (C2SP signed-note, "Format").
 *
 * @example
 * ```ts
 * line.startsWith(NOTE_SIGNATURE_PREFIX)
 * ```
 */
export const NOTE_SIGNATURE_PREFIX = "\u2014 ";
/**
 * Most signature lines a note may carry. The spec says verifiers MUST accept
 * at least 16 and SHOULD set a limit; 100 is the limit of golang.org/x/mod/sumdb/note.
 *
 * @example
 * ```ts
 * parseNote(noteWith101Signatures) // throws SealTrailError("malformed")
 * ```
 */
export const MAX_NOTE_SIGNATURES = 100;
/**
 * Largest note accepted, in UTF-8 bytes (room for 100 post-quantum signatures of ~5 kB).
 *
 * @example
 * ```ts
 * if (body.length > MAX_NOTE_SIZE) return reply(413);
 * ```
 */
export const MAX_NOTE_SIZE = 1 << 20;

/**
 * One signature line of a note.
 *
 * @example
 * ```ts
 * const { name, keyId, signature }: NoteSignature = parseNote(n).signatures[0]!;
 * ```
 */
export interface NoteSignature {
  readonly name: string;
  /** 4-byte key ID (the first 4 bytes of the base64 blob). */
  readonly keyId: Uint8Array;
  /** The signature bytes after the key ID. */
  readonly signature: Uint8Array;
}

/**
 * A note split into its text and signature lines, nothing verified.
 *
 * @example
 * ```ts
 * const { text, signatures }: ParsedNote = parseNote(n);
 * ```
 */
export interface ParsedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/**
 * A signature that a known verifier accepted.
 *
 * @example
 * ```ts
 * const first: VerifiedNoteSignature = openNote(n, verifiers).verified[0]!;
 * ```
 */
export interface VerifiedNoteSignature extends NoteSignature {
  readonly verifier: NoteVerifier;
}

/**
 * The result of {@link openNote}.
 *
 * @example
 * ```ts
 * const { text, verified, unverified }: OpenedNote = openNote(n, verifiers);
 * ```
 */
export interface OpenedNote {
  readonly text: string;
  /** Signatures by known keys, all verified (one per key). */
  readonly verified: readonly VerifiedNoteSignature[];
  /** Signatures by unknown keys, kept but not checked (duplicates dropped). */
  readonly unverified: readonly NoteSignature[];
}

function keyLabel(name: string, id: Uint8Array): string {
  return `${name}+${toHex(id)}`;
}

function checkText(text: string, what: string): void {
  if (typeof text !== "string") throw malformed(`${what}: not a string`);
  // C2SP signed-note, "Format": a text ending in newline.
  if (text.length === 0 || !text.endsWith("\n")) throw malformed(`${what}: text must be non-empty and end with a newline`);
  if (text === "\n") throw malformed(`${what}: text is an empty line`);
  checkNoteCharacters(text, what);
}

function decodeInput(input: Uint8Array | string, what: string): string {
  if (typeof input === "string") {
    // Byte size bound before encoding: a UTF-16 unit is at most 3 UTF-8 bytes.
    if (input.length > MAX_NOTE_SIZE || utf8(input).length > MAX_NOTE_SIZE) throw malformed(`${what}: larger than ${MAX_NOTE_SIZE} bytes`);
    return input;
  }
  if (!(input instanceof Uint8Array)) throw malformed(`${what}: expected bytes or a string`);
  if (input.length > MAX_NOTE_SIZE) throw malformed(`${what}: larger than ${MAX_NOTE_SIZE} bytes`);
  return fromUtf8(input, what);
}

/**
 * Split a signed note into text and signature lines, treating every byte as
 * hostile: strict UTF-8, no control characters but newline, a text ending in
 * newline, a blank line, then 1 to {@link MAX_NOTE_SIGNATURES} well-formed
 * signature lines (valid key name, canonical base64 of at least 5 bytes).
 * Signatures are not verified (use {@link openNote}). Raises `malformed`.
 *
 * As the spec says, the text MAY contain empty lines: it ends at the last
 * blank line of the note.
 *
 * @example
 * ```ts
 * const { text, signatures } = parseNote(noteBytes);
 * signatures[0]?.name // "example.com/log"
 * ```
 */
export function parseNote(input: Uint8Array | string): ParsedNote {
  const what = "signed note";
  const s = decodeInput(input, what);
  // C2SP signed-note, "Format": valid UTF-8, no ASCII control characters other than newline.
  checkNoteCharacters(s, what);
  // "the text is separated from the signatures by the last empty line in the note"
  const split = s.lastIndexOf("\n\n");
  if (split < 0) throw malformed(`${what}: no blank line before the signatures`);
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (text === "\n") throw malformed(`${what}: empty text`);
  if (block.length === 0 || !block.endsWith("\n")) throw malformed(`${what}: signature block must be non-empty and end with a newline`);
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`${what}: more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    signatures.push(parseSignatureLine(line, `${what}: signature line ${i + 1}`));
  }
  return { text, signatures };
}

// C2SP signed-note, "Signatures": "— <key name> base64(32-bit key ID || signature)".
function parseSignatureLine(line: string, what: string): NoteSignature {
  if (!line.startsWith(NOTE_SIGNATURE_PREFIX)) throw malformed(`${what}: does not start with an em dash and a space`);
  const rest = line.slice(NOTE_SIGNATURE_PREFIX.length);
  const sp = rest.indexOf(" ");
  if (sp < 0) throw malformed(`${what}: missing space between key name and signature`);
  const name = rest.slice(0, sp);
  const b64 = rest.slice(sp + 1);
  if (!isValidKeyName(name)) throw malformed(`${what}: invalid key name`);
  const raw = fromBase64(b64, what);
  if (raw.length < KEY_ID_SIZE + 1) throw malformed(`${what}: signature too short`);
  return { name, keyId: raw.slice(0, KEY_ID_SIZE), signature: raw.slice(KEY_ID_SIZE) };
}

function formatSignatureLine(sig: NoteSignature): string {
  return `${NOTE_SIGNATURE_PREFIX}${sig.name} ${toBase64(concat(sig.keyId, sig.signature))}\n`;
}

function signWith(text: string, signers: readonly NoteSigner[], what: string): NoteSignature[] {
  requireArray(signers, `${what}: signers`);
  if (signers.length === 0) throw new SealTrailError("invalid", `${what}: at least one signer is needed`);
  const msg = utf8(text);
  const out: NoteSignature[] = [];
  for (const s of signers) {
    requireObject(s, `${what}: signer`);
    requireFunction(s.sign, `${what}: signer.sign`);
    if (!isValidKeyName(s.name) || !(s.keyId instanceof Uint8Array) || s.keyId.length !== KEY_ID_SIZE) {
      throw new SealTrailError("invalid", `${what}: invalid signer (bad name or key ID)`);
    }
    if (out.some((o) => o.name === s.name && bytesEqual(o.keyId, s.keyId))) {
      throw new SealTrailError("invalid", `${what}: signer ${keyLabel(s.name, s.keyId)} given twice`);
    }
    const signature = s.sign(msg);
    if (!(signature instanceof Uint8Array) || signature.length === 0) throw new SealTrailError("internal", `${what}: signer returned no signature`);
    out.push({ name: s.name, keyId: s.keyId.slice(), signature });
  }
  return out;
}

function assemble(text: string, signatures: readonly NoteSignature[]): string {
  if (signatures.length > MAX_NOTE_SIGNATURES) throw new SealTrailError("invalid", `signed note: more than ${MAX_NOTE_SIGNATURES} signatures`);
  const note = text + "\n" + signatures.map(formatSignatureLine).join("");
  if (utf8(note).length > MAX_NOTE_SIZE) throw new SealTrailError("invalid", `signed note: larger than ${MAX_NOTE_SIZE} bytes`);
  return note;
}

/**
 * Sign `text` with each signer and return the note:
 * text, a blank line, then one line "— name base64(keyID || sig)" per signer
 * (C2SP signed-note, "Format"). The text must end with a newline and may not
 * hold control characters other than newline.
 *
 * @example
 * ```ts
 * signNote("hello\n", [signerFromKey(skey)])
 * // "hello\n\n— example.com/log AbCd...=\n"
 * ```
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  try {
    checkText(text, "note text");
  } catch (e) {
    throw new SealTrailError("invalid", (e as Error).message, { cause: e });
  }
  return assemble(text, signWith(text, signers, "signNote"));
}

/**
 * Add signatures to an existing note (cosigning). Existing signatures are
 * kept, except one by the same key (name and key ID) as a new signer, which
 * is replaced, as golang.org/x/mod/sumdb/note `Sign` does. Existing
 * signatures are NOT verified: open the note first.
 *
 * @example
 * ```ts
 * const cosigned = addSignatures(checkpointNote, [witnessSigner]);
 * ```
 */
export function addSignatures(noteText: Uint8Array | string, signers: readonly NoteSigner[]): string {
  requireArray(signers, "addSignatures: signers");
  const { text, signatures } = parseNote(noteText);
  const fresh = signWith(text, signers, "addSignatures");
  const kept = signatures.filter((old) => !fresh.some((n) => n.name === old.name && bytesEqual(n.keyId, old.keyId)));
  return assemble(text, [...kept, ...fresh]);
}

/**
 * Parse a note and check its signatures against known verifiers, as C2SP
 * signed-note "Signatures" requires and golang.org/x/mod/sumdb/note `Open`
 * does:
 * - a signature whose (name, key ID) matches no verifier is ignored and
 *   returned in `unverified`;
 * - a signature by a known key that does not verify rejects the whole note
 *   (`bad_signature`);
 * - a note with no verified signature is rejected (`unknown_key`);
 * - two verifiers with the same name and key ID are `invalid` when used.
 *
 * @example
 * ```ts
 * const { text, verified } = openNote(noteBytes, [verifierFromKey(vkey)]);
 * ```
 */
export function openNote(note: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  for (const v of requireArray(verifiers, "openNote: verifiers")) requireFunction(requireObject(v, "openNote: verifier").verify, "openNote: verifier.verify");
  const parsed = parseNote(note);
  const msg = utf8(parsed.text);
  const verified: VerifiedNoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenUnverified = new Set<string>();
  for (const sig of parsed.signatures) {
    const label = keyLabel(sig.name, sig.keyId);
    const matches = verifiers.filter((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId));
    if (matches.length === 0) {
      // Drop repeated identical unverified signatures (as Go does).
      const line = formatSignatureLine(sig);
      if (!seenUnverified.has(line)) {
        seenUnverified.add(line);
        unverified.push(sig);
      }
      continue;
    }
    if (matches.length > 1) throw new SealTrailError("invalid", `ambiguous key ${label}: more than one verifier`);
    // Drop repeated signatures by one key: only the first one counts.
    if (verified.some((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId))) continue;
    const verifier = matches[0]!;
    if (!verifier.verify(msg, sig.signature)) {
      throw new SealTrailError("bad_signature", `invalid signature for key ${label}`, { detail: { key: label } });
    }
    verified.push({ ...sig, verifier });
  }
  if (verified.length === 0) {
    throw new SealTrailError("unknown_key", "note has no verifiable signatures", {
      detail: { keys: unverified.map((s) => keyLabel(s.name, s.keyId)) },
    });
  }
  return { text: parsed.text, verified, unverified };
}
