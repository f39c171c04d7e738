/**
 * Checking a file against a vault: which records name exactly these bytes,
 * with every link from the bytes to the log's signed checkpoint verified
 * here, trusting the server for nothing but availability:
 *
 *   bytes -> SHA-256 and length (hashed here)
 *   -> the record's payload names them (attachments, docs/formats.md)
 *   -> the payload's salted commitment is the envelope's (formats.md §5)
 *   -> the author's signature over the envelope, with the key the log registers
 *   -> the entry's inclusion in a checkpoint signed by the log (RFC 6962 §2.1.1, C2SP tlog-proof)
 *
 * Cosignatures are verified against the witness keys the caller gives;
 * anchors are reported as the server lists them.
 */
import { optionalObject, requireArray, requireFunction, requireObject, requireString } from "../args.js";
import { fromBase64, toBase64, toHex } from "../bytes.js";
import { SealTrailError } from "../errors.js";
import type { Attachment } from "../files/attachment.js";
import { attachmentsOf } from "../files/attachment.js";
import type { FileDigest } from "../files/hash.js";
import { parseCosignature, verifyCosignatures } from "../note/cosignature.js";
import { parseNote } from "../note/note.js";
import { parseTlogProof, verifyTlogProof } from "../proof/tlog-proof.js";
import { KEY_RECORD_TYPE, keyChangePublicKey, parseEntry, verifyEnvelopeSignature, type SignedEnvelope } from "../record/envelope.js";
import { payloadCommitment } from "../record/payload.js";

/** A record as a file check reads it. */
export interface FileCheckRecord {
  /** Hex leaf hash, as the log gives it. */
  readonly leafHash: string;
  /** The raw entry bytes, base64. */
  readonly entryBase64: string;
  /** The payload (null once redacted) and its base64 salt. */
  readonly payload: unknown;
  readonly salt: string | null;
  readonly sequencedAt: string;
}

/** An anchor of a published checkpoint, as a file check reports it. */
export interface FileCheckAnchor {
  readonly type: string;
  readonly checkpointSize: number;
  readonly createdAt: string;
}

/**
 * What a file check reads from the log: a server through the client, or a
 * local store. Nothing it returns is trusted: each answer is checked.
 */
export interface FileCheckDeps {
  record(vault: string, index: number): Promise<FileCheckRecord>;
  /** A C2SP tlog-proof of the entry at `index` against the latest checkpoint. */
  inclusionProof(vault: string, index: number): Promise<string>;
  verifierKey(vault: string): Promise<string>;
  /** Log indices of the author's key records (`sealtrail.key`). */
  keyRecords(vault: string, author: string): Promise<number[]>;
  anchors(vault: string): Promise<FileCheckAnchor[]>;
}

/** Options of a file check. */
export interface CheckFileOptions {
  /** The vault's verifier key as the caller knows it; without it, the one the log gives is used (and the result says so). */
  readonly vkey?: string;
  /** Witness verifier keys whose cosignatures are checked; without them, cosignatures are listed unverified. */
  readonly witnessKeys?: readonly string[];
}

/** A witness's cosignature on the checkpoint that proves a record. */
export interface CheckedWitness {
  readonly name: string;
  /** When it cosigned, RFC 3339. */
  readonly time: string;
  /** True when verified against one of the given witness keys. */
  readonly verified: boolean;
}

/** One record that names the file, and what was verified of it. */
export interface CheckedFileRecord {
  readonly index: number;
  readonly type: string;
  readonly author: string;
  readonly keyId: string;
  readonly mode: string;
  /** The time the author claims. */
  readonly claimedTime: string;
  /** When the log sequenced it (the server's word). */
  readonly sequencedAt: string;
  readonly leafHash: string;
  /** The record's descriptor of the file; null when its payload does not show one (redacted, or naming other bytes). */
  readonly attachment: Attachment | null;
  /** True when every check passed; otherwise `problem` says which failed. */
  readonly verified: boolean;
  /** True when the record's payload was redacted (formats.md §5b): it can no longer show what it named, which is no failure. */
  readonly redacted?: boolean;
  readonly problem?: string;
  /** The checkpoint the inclusion proof verified against. */
  readonly checkpoint?: { readonly origin: string; readonly size: number; readonly root: string; readonly witnesses: readonly CheckedWitness[] };
  /** Anchors of the earliest anchored checkpoint that covers the record, as the server lists them. */
  readonly anchors: readonly { readonly type: string; readonly checkpointSize: number; readonly createdAt: string }[];
}

/** The answer of a file check. */
export interface FileCheck extends FileDigest {
  /** True when at least one record of the vault names these bytes and verified. */
  readonly found: boolean;
  /** Where the log's verifier key came from. */
  readonly vkeyFrom: "caller" | "log";
  readonly records: readonly CheckedFileRecord[];
}

/** The key records the log holds for an author, by key id (the public keys its signatures verify with). */
async function authorKeys(deps: FileCheckDeps, vault: string, author: string): Promise<Map<string, Uint8Array>> {
  const keys = new Map<string, Uint8Array>();
  for (const index of await deps.keyRecords(vault, author)) {
    const env = parseEntry(fromBase64((await deps.record(vault, index)).entryBase64, "entryBase64")).env;
    // Only the author's own key records count: the list comes from the server.
    if (env.type === KEY_RECORD_TYPE && env.author === author && env.vault === vault && env.key?.action === "register") keys.set(env.key.keyId, keyChangePublicKey(env.key));
  }
  return keys;
}

function witnessesOf(note: string, origin: string, witnessKeys: readonly string[]): CheckedWitness[] {
  const verified = witnessKeys.length === 0 ? [] : verifyCosignatures(note, witnessKeys);
  const out: CheckedWitness[] = [];
  for (const sig of parseNote(note).signatures) {
    if (sig.name === origin) continue;
    let c;
    try {
      c = parseCosignature(sig);
    } catch {
      continue; // not a cosignature (another kind of signature line)
    }
    const ok = verified.some((v) => v.name === c.name && toHex(v.keyId) === toHex(c.keyId));
    out.push({ name: c.name, time: new Date(Number(c.time) * 1000).toISOString(), verified: ok });
  }
  return out;
}

/**
 * Verify each record that the log says names the file `d` (its SHA-256 and
 * length, hashed by the caller), and answer which do. `client.files.checkFile`
 * uses it over HTTP; a local tool passes its own store's reads.
 *
 * @example
 * ```ts
 * const r = await checkFileAgainst(deps, "default", await hashStream(stream), refs, { vkey });
 * r.found // false: not in this vault
 * ```
 */
export async function checkFileAgainst(
  deps: FileCheckDeps,
  vault: string,
  d: FileDigest,
  refs: readonly { readonly index: number }[],
  opts: CheckFileOptions = {},
): Promise<FileCheck> {
  const fns = requireObject(deps, "checkFileAgainst: deps");
  for (const f of ["record", "inclusionProof", "verifierKey", "keyRecords", "anchors"]) requireFunction(fns[f], `checkFileAgainst: deps.${f}`);
  requireString(vault, "checkFileAgainst: vault");
  requireString(requireObject(d, "checkFileAgainst: digest").sha256, "checkFileAgainst: digest.sha256");
  requireArray(refs, "checkFileAgainst: records");
  const o = optionalObject(opts, "checkFileAgainst: options") ?? {};
  if (o.vkey !== undefined) requireString(o.vkey, "checkFileAgainst: options.vkey");
  const records: CheckedFileRecord[] = [];
  if (refs.length === 0) return { ...d, found: false, vkeyFrom: opts.vkey !== undefined ? "caller" : "log", records };
  const vkey = opts.vkey ?? (await deps.verifierKey(vault)).trim();
  const keysOf = new Map<string, Promise<Map<string, Uint8Array>>>();
  const anchors = await deps.anchors(vault);

  for (const ref of refs) records.push(await checkOne(ref.index));
  return { ...d, found: records.some((r) => r.verified), vkeyFrom: opts.vkey !== undefined ? "caller" : "log", records };

  async function checkOne(index: number): Promise<CheckedFileRecord> {
    const view = await deps.record(vault, index);
    const entry = fromBase64(view.entryBase64, "entryBase64");
    let signed: SignedEnvelope;
    try {
      signed = parseEntry(entry);
    } catch (e) {
      throw new SealTrailError("malformed", `record ${index}: the server's entry does not parse`, { cause: e });
    }
    const env = signed.env;
    const attachment = attachmentsOf(view.payload).find((a) => a.sha256 === d.sha256);
    const covering = anchors.filter((a) => a.checkpointSize > index).sort((a, b) => a.checkpointSize - b.checkpointSize);
    const first = covering[0]?.checkpointSize;
    const base = {
      index,
      type: env.type,
      author: env.author,
      keyId: env.keyId,
      mode: env.mode,
      claimedTime: env.time,
      sequencedAt: view.sequencedAt,
      leafHash: view.leafHash,
      attachment: attachment ?? null,
      anchors: covering.filter((a) => a.checkpointSize === first).map((a) => ({ type: a.type, checkpointSize: a.checkpointSize, createdAt: a.createdAt })),
    };
    const fail = (problem: string): CheckedFileRecord => ({ ...base, verified: false, problem });

    // The payload names these bytes, and is the one the envelope commits to.
    if (env.vault !== vault) return fail(`the entry is of vault ${env.vault}`);
    if (view.payload === null || view.salt === null || env.payload === undefined) {
      return { ...fail("the record's payload is redacted: it can no longer show that it names the file"), redacted: true };
    }
    if (payloadCommitment(view.payload, fromBase64(view.salt, "salt")) !== env.payload) return fail("the payload is not the one the signed envelope commits to");
    if (attachment === undefined) return fail("the record's payload does not name these bytes");
    if (attachment.length !== d.length) return fail(`the record names these bytes with length ${attachment.length}, not ${d.length}`);

    // The author's signature, with a key the log registers for the author.
    let keys = keysOf.get(env.author);
    if (keys === undefined) keysOf.set(env.author, (keys = authorKeys(deps, vault, env.author)));
    const pub = (await keys).get(env.keyId);
    if (pub === undefined) return fail(`the log registers no key ${env.keyId} for ${env.author}`);
    if (!verifyEnvelopeSignature(signed, pub)) return fail(`the signature does not verify with ${env.author}'s key ${env.keyId}`);

    // The entry is in a checkpoint the log signed.
    try {
      const proof = await deps.inclusionProof(vault, index);
      const v = verifyTlogProof(proof, entry, vkey);
      if (toHex(v.leafHash) !== view.leafHash) return fail("the server's leaf hash is not the entry's");
      const witnesses = witnessesOf(parseTlogProof(proof).checkpoint, v.origin, opts.witnessKeys ?? []);
      return { ...base, verified: true, checkpoint: { origin: v.origin, size: Number(v.size), root: toBase64(v.root), witnesses } };
    } catch (e) {
      if (!(e instanceof SealTrailError)) throw e;
      return fail(e.message);
    }
  }
}
