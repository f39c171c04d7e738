/**
 * One bundled record read and checked (docs/formats.md §2, §3, §14): its
 * entry decoded into its signature task's slot, its leaf hashed and placed
 * against the manifest, the envelope fields the verifier reads checked, and
 * its payload commitment recomputed. The hot path of the verifier: no
 * re-canonicalisation, no copy of the entry (docs/adr/0007-evidence-bundles.md).
 */
import { utf8 } from "../bytes.js";
import { sha256Hex } from "../crypto.js";
import { PACKED_TASK_HEADER, type SignatureBatchWriter } from "../signature-batch.js";
import {
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  RECORD_SIGNING_CONTEXT,
  REDACTION_RECORD_TYPE,
  parseEntry,
  type MemberChange,
} from "../record/envelope.js";
import { PAYLOAD_COMMITMENT_CONTEXT } from "../record/payload.js";
import { readFileFields } from "./attachments.js";
import { HASH, base64Length, decodeBase64Into, decodeEntry, encodeInto, hexEqualsAt } from "./base64.js";
import { NO_FAILURES, addFailure, fail, isObj, lineOf, type Rec } from "./state.js";

const ENV_PREFIX = '{"env":';
const SIG_PREFIX = ',"sig":"';
const CONTEXT_BYTES = utf8(RECORD_SIGNING_CONTEXT);
const PAYLOAD_CONTEXT_BYTES = utf8(PAYLOAD_COMMITMENT_CONTEXT);
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const KEY_ID = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// A scratch buffer for payload commitments: the hash is taken at once, so
// one buffer serves every record (no garbage per record).
let scratch = new Uint8Array(4096);
scratch.set(PAYLOAD_CONTEXT_BYTES, 0);
let scratchTail = scratch.subarray(PAYLOAD_CONTEXT_BYTES.length + 32);

function malformedRecord(r: Rec, m: string): Rec {
  r.env = null;
  addFailure(r, fail("record_malformed", `entry ${r.index}: ${m}`, { index: r.index }));
  return r;
}

// The hot path: one record, no re-canonicalisation (docs/adr/0007).
export function parseRecord(
  raw: unknown,
  section: "keys" | "records",
  vault: string,
  positionOf: (index: number) => number,
  manifestLeaves: Uint8Array,
  seen: Set<number>,
  checkCanonical: boolean,
  batch: SignatureBatchWriter,
  readFiles = false,
): Rec {
  const index = isObj(raw) && typeof raw.index === "number" && Number.isSafeInteger(raw.index) && raw.index >= 0 ? raw.index : -1;
  const r: Rec = { index, section, leaf: null, env: null, extra: null, slot: -1, msgLen: 0, positioned: false, sigOk: null, payload: "none", failures: NO_FAILURES, awaiting: false, report: null, files: null, erases: null };
  if (index < 0 || !isObj(raw)) return malformedRecord(r, "a bundled record needs an index and an entry");
  if (seen.has(index)) return malformedRecord(r, "a second record with this index");
  seen.add(index);
  if (typeof raw.entry !== "string") return malformedRecord(r, "entry must be base64");
  const n = base64Length(raw.entry);
  if (n < ENV_PREFIX.length || n > 65535) return malformedRecord(r, "entry must be base64 of at most 65,535 bytes");
  // The entry is decoded straight into its signature task's slot in the
  // batch, laid out so that no byte is copied twice: [key][signature][length]
  // [CONTEXT slack][0x00][entry]. First 0x00 || entry is the RFC 6962 §2.1
  // leaf input; once it is hashed, the signing context is written over the
  // slack, the 0x00 and `{"env":`, which leaves RECORD_SIGNING_CONTEXT ||
  // envelope (docs/formats.md §2) as the task's message.
  const slack = CONTEXT_BYTES.length - 1 - ENV_PREFIX.length;
  const slot = batch.reserve(slack + 1 + n);
  const buf = batch.bytes;
  const at = slot + PACKED_TASK_HEADER;
  buf[at + slack] = 0x00;
  const entry = buf.subarray(at + slack + 1, at + slack + 1 + n);
  let text = decodeEntry(raw.entry, n, entry);
  if (text === null) return malformedRecord(r, "entry is not base64");
  r.leaf = sha256Hex(buf.subarray(at + slack, at + slack + 1 + n));
  const pos = positionOf(index);
  r.positioned = pos >= 0 && hexEqualsAt(r.leaf, manifestLeaves, pos * HASH);

  let parsed: unknown;
  try {
    // Not ASCII: the bytes are UTF-8, decoded strictly (docs/formats.md: all text is UTF-8).
    if (text === "") text = decoder.decode(entry);
    parsed = JSON.parse(text);
  } catch {
    return malformedRecord(r, "entry is not UTF-8 JSON");
  }
  if (!isObj(parsed) || !isObj(parsed.env) || typeof parsed.sig !== "string") return malformedRecord(r, 'entry must be {"env": ..., "sig": ...}');
  let fields = 0;
  for (const _k in parsed) fields++;
  if (fields !== 2) return malformedRecord(r, 'entry must be {"env": ..., "sig": ...}');
  const env = parsed.env;
  const sig = parsed.sig;
  // The signed message is the envelope's own bytes inside the entry:
  // {"env":<envelope>,"sig":"<signature>"}, the signature being base64. The
  // text ends with `"}`, so its last member is a string, the signature; an
  // escape in it would make the raw text longer than the 88 characters it
  // decodes to, and `,"sig":"` (quotes unescaped) cannot sit inside a
  // string: so these checks pin the signature's raw text at the end.
  const sigAt = text.length - sig.length - 2;
  if (sig.length !== 88 || !text.startsWith(ENV_PREFIX) || !text.startsWith(SIG_PREFIX, sigAt - SIG_PREFIX.length) || !text.endsWith('"}')) {
    return malformedRecord(r, 'entry is not laid out as {"env":...,"sig":"<64-byte signature>"}');
  }
  // The text is ASCII from the signature on, so its bytes sit at the same offsets.
  const envEnd = slack + 1 + n - (sig.length + 2 + SIG_PREFIX.length);
  if (checkCanonical) {
    // The full rules of a log entry (docs/formats.md §2): core's own parser.
    try {
      parseEntry(entry);
    } catch (e) {
      return malformedRecord(r, (e as Error).message);
    }
  }
  buf.set(CONTEXT_BYTES, at);
  if (!decodeBase64Into(sig, buf, slot + 32)) return malformedRecord(r, "sig must be base64 of 64 bytes");
  // The fields the verifier reads, checked as docs/formats.md §2 defines them.
  if (env.v !== 1 || env.vault !== vault) return malformedRecord(r, `envelope must be version 1 of vault "${vault}"`);
  if (typeof env.type !== "string" || typeof env.author !== "string" || typeof env.keyId !== "string" || !KEY_ID.test(env.keyId)) return malformedRecord(r, "envelope type, author or keyId malformed");
  if (env.mode !== "author" && env.mode !== "custodial") return malformedRecord(r, "envelope mode malformed");
  // The format here; whether it is a real date matters only against anchors (below).
  if (typeof env.time !== "string" || !TIME.test(env.time)) return malformedRecord(r, "envelope time malformed");
  if ((env.type === KEY_RECORD_TYPE) !== (section === "keys")) return malformedRecord(r, section === "keys" ? "bundle.keys holds only sealtrail.key records" : "a sealtrail.key record outside bundle.keys");
  if (env.type === REDACTION_RECORD_TYPE) {
    const red = env.redacts;
    if (!isObj(red) || typeof red.index !== "number" || !Number.isSafeInteger(red.index) || typeof red.leafHash !== "string" || !HEX64.test(red.leafHash)) {
      return malformedRecord(r, "redacts must be {index, leafHash}");
    }
  }
  if (env.type === MEMBER_RECORD_TYPE && !isMemberChange(env.member)) {
    return malformedRecord(r, 'member must be {"action": "set", org, read, write, admin} or {"action": "remove", org}');
  }
  if (env.type === KEY_RECORD_TYPE) {
    const k = env.key;
    if (!isObj(k) || (k.action !== "register" && k.action !== "revoke") || typeof k.keyId !== "string" || typeof k.publicKey !== "string") return malformedRecord(r, "key must be {action, keyId, publicKey}");
  }
  r.env = lineOf(index, env);
  r.extra =
    env.type === REDACTION_RECORD_TYPE
      ? (env.redacts as Record<string, unknown>)
      : env.type === KEY_RECORD_TYPE
        ? (env.key as Record<string, unknown>)
        : env.type === MEMBER_RECORD_TYPE
          ? (env.member as Record<string, unknown>)
          : null;
  r.slot = slot;
  r.msgLen = envEnd;

  // Payload commitment (docs/formats.md §3) over the stored text as it is:
  // the author committed to exactly these bytes.
  const hasPayload = raw.payload !== undefined;
  const hasSalt = raw.salt !== undefined;
  if (env.payload === undefined) {
    if (hasPayload || hasSalt) return malformedRecord(r, "payload or salt given for an envelope without a payload commitment");
  } else if (typeof env.payload !== "string" || env.payload.length !== 64) {
    return malformedRecord(r, "envelope payload commitment malformed");
  } else if (!hasPayload && !hasSalt) {
    if (!HEX64.test(env.payload)) return malformedRecord(r, "envelope payload commitment malformed");
    r.payload = "absent";
  } else if (typeof raw.payload !== "string" || typeof raw.salt !== "string" || base64Length(raw.salt) !== 32) {
    if (!HEX64.test(env.payload)) return malformedRecord(r, "envelope payload commitment malformed");
    return malformedRecord(r, "payload must be text and salt base64 of 32 bytes, both or neither");
  } else {
    // PAYLOAD_COMMITMENT_CONTEXT || salt || payload text, in the scratch buffer.
    const head = PAYLOAD_CONTEXT_BYTES.length + 32;
    if (scratch.length < head + 3 * raw.payload.length) {
      scratch = new Uint8Array(2 * (head + 3 * raw.payload.length));
      scratch.set(PAYLOAD_CONTEXT_BYTES, 0);
      scratchTail = scratch.subarray(head);
    }
    if (!decodeBase64Into(raw.salt, scratch, PAYLOAD_CONTEXT_BYTES.length)) return malformedRecord(r, "salt is not base64");
    const { written } = encodeInto(raw.payload, scratchTail);
    // Equal to a digest, the commitment is well-formed hex; else it is checked.
    if (sha256Hex(scratch.subarray(0, head + written)) === env.payload) {
      r.payload = "ok";
      // Only the payloads the author committed to name files (docs/formats.md §19).
      if (readFiles) readFileFields(r, env.type, raw.payload);
    } else if (!HEX64.test(env.payload)) return malformedRecord(r, "envelope payload commitment malformed");
    else r.payload = "changed";
  }
  // The leaf hash is needed later only to place a misplaced entry or to match a redaction.
  if (r.positioned && r.payload !== "absent") r.leaf = null;
  return r;
}

function isMemberChange(m: unknown): m is MemberChange {
  if (!isObj(m) || typeof m.org !== "string") return false;
  if (m.action === "remove") return true;
  return m.action === "set" && typeof m.read === "boolean" && typeof m.admin === "boolean" && Array.isArray(m.write) && m.write.every((p) => typeof p === "string");
}
