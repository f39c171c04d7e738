/**
 * The offline evidence-bundle verifier (docs/formats.md §14, §15): given a
 * bundle and a trust policy, and nothing else, it checks every checkpoint,
 * proof, key, signature, payload, redaction and anchor, and reports each
 * record and each failure by a stable code. Pure: anchor checks and
 * (optionally) signature batches are plug-ins, so a server can spread the
 * signatures over threads and a browser can bring its own anchor checks.
 */
import { bytesEqual, fromBase64, toBase64, toHex, utf8 } from "../bytes.js";
import { ed25519Verify, sha256, sha256Hex } from "../crypto.js";
import { PACKED_TASK_HEADER, SignatureBatchWriter, unpackSignatureTasks, verifyPackedSignatures, type SignatureTask } from "../signature-batch.js";
import { verifyConsistency } from "../merkle/verify.js";
import { openCheckpoint, parseCheckpoint } from "../note/checkpoint.js";
import { verifyCosignatures } from "../note/cosignature.js";
import { parseNote } from "../note/note.js";
import { writeRightsOf } from "../custody/membership.js";
import {
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  PAYLOAD_COMMITMENT_CONTEXT,
  RECORD_SIGNING_CONTEXT,
  REDACTION_RECORD_TYPE,
  keyIdOf,
  parseEntry,
  type MemberChange,
} from "../record/envelope.js";
import { rootFromMultiLeafProof } from "./multiproof.js";
import { BundleTextSplitError, splitBundleBytes, splitBundleText, type BundleRecordList, type SplitBundleText } from "./text.js";
import { parseVerificationPolicy, type VerificationPolicy } from "./policy.js";
import {
  BUNDLE_FORMAT,
  type BundleFailure,
  type BundleFailureCode,
  type BundleReport,
  type CheckpointReport,
  type RecordReport,
} from "./types.js";

export type { SignatureTask } from "../signature-batch.js";

/** Checks a batch of signatures, one boolean per task, in order (a worker pool, for instance). */
export type BatchSignatureVerifier = (tasks: readonly SignatureTask[]) => Promise<readonly boolean[]> | readonly boolean[];

/**
 * What an anchor check proves: the anchored note existed no later than
 * `time`. `confirmed: false` says the anchor is internally sound but nothing
 * the policy trusts vouches for it yet (an EVM block the policy does not
 * pin): the verifier then warns and does not use its time.
 */
export interface AnchorCheck {
  readonly time: Date;
  readonly confirmed?: boolean;
  readonly [k: string]: unknown;
}

/**
 * Checks one anchor record (as bundled) over the exact checkpoint note bytes
 * it commits to, against the policy; throws if it does not hold. Returns
 * `null` when the policy names no issuer of its kind (no TSA root, not that
 * chain): the anchor is then left unchecked, with a warning, and unused.
 */
export type AnchorVerifier = (anchor: Readonly<Record<string, unknown>>, note: Uint8Array, policy: VerificationPolicy) => Promise<AnchorCheck | null>;

/** Options of {@link verifyBundle}. */
export interface VerifyBundleOptions {
  /** Anchor checks by anchor `type` ("rfc3161", "evm"); an anchor of another type is reported as a warning, unchecked. */
  readonly anchorVerifiers?: Readonly<Record<string, AnchorVerifier>>;
  /** Signature batches (default: in this thread with core's ed25519Verify). */
  readonly verifySignatures?: BatchSignatureVerifier;
  /**
   * Signature batches as packed buffers (core's signature-batch format),
   * which the verifier fills in place: cheaper than task objects, and a
   * worker pool can transfer them as they are. Preferred over
   * `verifySignatures` when both are given. Answers 1 or 0 per task.
   */
  readonly verifyPacked?: (packed: Uint8Array, count: number) => Promise<Uint8Array> | Uint8Array;
  /** Records per signature batch (default 1024). */
  readonly batchSize?: number;
  /**
   * Batches sent and not yet answered before the verifier waits for the
   * oldest (default 8): enough to keep every worker busy, few enough that
   * memory stays bounded however long the bundle.
   */
  readonly batchesInFlight?: number;
  /**
   * Called as signature batches complete: records checked so far and in
   * all, `done` never decreasing, the last call with `done === total`. With
   * {@link verifyBundleText}, a text not laid out as the exporter writes it
   * may have its total corrected once, when the whole text takes over.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Also check every entry with core's `parseEntry`: the whole envelope
   * schema, and RFC 8785 canonical form. Off by default: the signature
   * already binds the exact bytes, and the fields the verifier reads are
   * checked anyway (docs/adr/0007-evidence-bundles.md).
   */
  readonly checkCanonical?: boolean;
}

const HASH = 32;
const ENV_PREFIX = '{"env":';
const SIG_PREFIX = ',"sig":"';
const CONTEXT_BYTES = utf8(RECORD_SIGNING_CONTEXT);
const PAYLOAD_CONTEXT_BYTES = utf8(PAYLOAD_COMMITMENT_CONTEXT);
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder() as unknown as { encodeInto(s: string, into: Uint8Array): { read: number; written: number } };
// TextEncoder.encodeInto (every browser, Node >= 12) writes without allocating.
const encodeInto = (s: string, into: Uint8Array) => encoder.encodeInto(s, into);
const KEY_ID = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Base64 (RFC 4648 §4) decoding into a caller's buffer at an offset, so that
// an entry lands right where its hashes need it, with no copy. Strict: the
// canonical encoding only (padding bits zero), as core's fromBase64. The
// full quartets run in a tight loop: this is on the path of every record.
const B64 = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) B64["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
// Two characters at once: PAIR[(c0 << 7) | c1] is their 12 bits, or 0xffff
// when either is not in the alphabet (both must be ASCII to index it).
const PAIR = new Uint16Array(1 << 14).fill(0xffff);
for (let c0 = 0; c0 < 128; c0++) {
  for (let c1 = 0; c1 < 128; c1++) {
    if (B64[c0]! < 64 && B64[c1]! < 64) PAIR[(c0 << 7) | c1] = (B64[c0]! << 6) | B64[c1]!;
  }
}

function base64Length(s: string): number {
  if (s.length % 4 !== 0) return -1;
  const pad = s.length === 0 ? 0 : s.charCodeAt(s.length - 1) !== 61 ? 0 : s.charCodeAt(s.length - 2) === 61 ? 2 : 1;
  return (s.length / 4) * 3 - pad;
}

function decodeBase64Into(s: string, out: Uint8Array, offset: number): boolean {
  const n = base64Length(s);
  if (n < 0 || offset + n > out.length) return false;
  if (n === 0) return true;
  const quads = s.length / 4 - 1;
  let o = offset;
  let bad = 0;
  for (let q = 0, i = 0; q < quads; q++, i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    // A character above U+007F sets a bit of 0xff80 and fails the whole string.
    bad |= c0 | c1 | c2 | c3;
    const hi = PAIR[((c0 << 7) | c1) & 0x3fff]!;
    const lo = PAIR[((c2 << 7) | c3) & 0x3fff]!;
    bad |= (hi | lo) & 0xf000;
    const v = (hi << 12) | lo;
    out[o] = v >> 16;
    out[o + 1] = (v >> 8) & 255;
    out[o + 2] = v & 255;
    o += 3;
  }
  if ((bad & 0xff80) !== 0) return false;
  // The last quartet, with its padding.
  const i = s.length - 4;
  const rest = offset + n - o;
  const a = s.charCodeAt(i) < 256 ? B64[s.charCodeAt(i)]! : 255;
  const b = s.charCodeAt(i + 1) < 256 ? B64[s.charCodeAt(i + 1)]! : 255;
  const c = rest === 1 ? 0 : s.charCodeAt(i + 2) < 256 ? B64[s.charCodeAt(i + 2)]! : 255;
  const d = rest < 3 ? 0 : s.charCodeAt(i + 3) < 256 ? B64[s.charCodeAt(i + 3)]! : 255;
  if ((a | b | c | d) > 63) return false;
  const v = (a << 18) | (b << 12) | (c << 6) | d;
  out[o] = v >> 16;
  if (rest === 1) return (v & 0xffff) === 0;
  out[o + 1] = (v >> 8) & 255;
  if (rest === 2) return (v & 0xff) === 0;
  out[o + 2] = v & 255;
  return true;
}

// The platform's atob (every browser; Node >= 16) decodes natively, several
// times faster than any JavaScript loop; it is forgiving (whitespace, missing
// padding, padding bits), so decodeEntry checks what it lets through.
const nativeAtob = (globalThis as unknown as { atob?: (s: string) => string }).atob;
const ASCII = /^[\x00-\x7f]*$/;

// Decode an entry's base64 (n bytes, from base64Length) into `out`, strictly.
// Returns the entry's text when it is ASCII (then it is its own UTF-8), ""
// when it is not (the caller decodes the bytes), null when the base64 is not
// the canonical encoding.
function decodeEntry(s: string, n: number, out: Uint8Array): string | null {
  if (nativeAtob === undefined) return decodeBase64Into(s, out, 0) ? "" : null;
  let bin: string;
  try {
    bin = nativeAtob(s);
  } catch {
    return null;
  }
  // Whitespace would shorten the result; padding bits must be zero (RFC 4648 §3.5).
  if (bin.length !== n || !paddingBitsZero(s)) return null;
  if (ASCII.test(bin)) {
    encodeInto(bin, out);
    return bin;
  }
  for (let i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
  return "";
}

function paddingBitsZero(s: string): boolean {
  const len = s.length;
  if (len < 4 || s.charCodeAt(len - 1) !== 61) return true;
  if (s.charCodeAt(len - 2) === 61) return (B64[s.charCodeAt(len - 3) & 255]! & 15) === 0;
  return (B64[s.charCodeAt(len - 2) & 255]! & 3) === 0;
}

// Lower-case hex text of 32 bytes equal to the 32 bytes of `all` at
// `offset`, without building a string or a view.
function hexEqualsAt(hex: string, all: Uint8Array, offset: number): boolean {
  if (hex.length !== 64 || offset + HASH > all.length) return false;
  for (let i = 0; i < 32; i++) {
    const hi = hex.charCodeAt(2 * i);
    const lo = hex.charCodeAt(2 * i + 1);
    const h = hi >= 97 ? hi - 87 : hi - 48;
    const l = lo >= 97 ? lo - 87 : lo - 48;
    if (((h << 4) | l) !== all[offset + i]) return false;
  }
  return true;
}

// A scratch buffer for payload commitments: the hash is taken at once, so
// one buffer serves every record (no garbage per record).
let scratch = new Uint8Array(4096);
scratch.set(PAYLOAD_CONTEXT_BYTES, 0);
let scratchTail = scratch.subarray(PAYLOAD_CONTEXT_BYTES.length + 32);

/** Parsed and checked fields of one bundled record. */
interface Rec {
  readonly index: number;
  readonly section: "keys" | "records";
  /** Leaf hash (hex), kept only where it is needed later. */
  leaf: string | null;
  /** The record's line of the report, from its envelope (null when the entry did not parse); completed when judged. */
  env: Line | null;
  /** The envelope's `redacts`, `key` or `member` object, on those records. */
  extra: Record<string, unknown> | null;
  /** Where the record's signature task sits in its batch writer, and its message length. */
  slot: number;
  msgLen: number;
  /** Leaf equals the manifest's leaf hash at `index`. */
  positioned: boolean;
  /** null: not checked (no key); true/false: signature result. */
  sigOk: boolean | null;
  /** Payload and salt: "ok", "changed", "absent" (redacted?), or "none" (no commitment). */
  payload: "ok" | "changed" | "absent" | "none";
  failures: readonly BundleFailure[];
  /** Its signature sits in a batch not answered yet. */
  awaiting: boolean;
  /** Its line of the report, once judged. */
  report: RecordReport | null;
}

/** A report line while it is being filled in. */
type Line = { -readonly [K in keyof RecordReport]: RecordReport[K] };

interface Cp {
  readonly note: string;
  readonly hashHex: string;
  readonly size: number;
  readonly root: Uint8Array;
  valid: boolean;
  usable: boolean;
  cosigners: string[];
  anchors: { type: string; time: string }[];
}

interface KeyState {
  readonly author: string;
  readonly publicKey: Uint8Array;
  readonly registeredAt: number;
  revokedAt: number | null;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function fail(code: BundleFailureCode, message: string, where: { index?: number; size?: number } = {}): BundleFailure {
  return { code, message, ...where };
}

function emptyReport(failures: BundleFailure[], b?: Record<string, unknown>): BundleReport {
  return {
    ok: false,
    vault: typeof b?.vault === "string" ? b.vault : null,
    origin: typeof b?.origin === "string" ? b.origin : null,
    proofSize: null,
    checkpoints: [],
    records: [],
    failures,
    warnings: [],
    counts: { valid: 0, redacted: 0, invalid: 0 },
  };
}

// A committed key record's slot needs a key; key records are checked in
// this thread from their slots, with the key their own record names.
const NO_KEY = new Uint8Array(32);

// How a packed batch is checked: the packed plug-in, else the task plug-in
// over views of the batch, else in this thread.
function signatureChecker(options: VerifyBundleOptions): (packed: Uint8Array, count: number) => Promise<Uint8Array> | Uint8Array {
  if (options.verifyPacked !== undefined) return options.verifyPacked;
  const tasksOf = options.verifySignatures;
  if (tasksOf === undefined) return verifyPackedSignatures;
  return async (packed, count) => {
    const tasks: SignatureTask[] = [];
    unpackSignatureTasks(packed, count, (publicKey, message, signature) => tasks.push({ publicKey, message, signature }));
    const res = await tasksOf(tasks);
    return Uint8Array.from(tasks, (_, i) => (res[i] === true ? 1 : 0));
  };
}

/**
 * Verify an evidence bundle (docs/formats.md §14) against a verification
 * policy (§15), offline. Never throws for bad input: everything found is in
 * the report, each failure with a stable code ({@link BUNDLE_FAILURE_CODES}),
 * and `ok` is true only when every record and the bundle as a whole hold.
 *
 * @example
 * ```ts
 * const report = await verifyBundle(JSON.parse(bundleText), parseVerificationPolicy(policyText), {
 *   anchorVerifiers: { rfc3161: async (a, note, p) => ({ time: (await verifyAnchor(a, note, { roots: [...p.tsaRoots] })).notAfter }) },
 * });
 * if (!report.ok) for (const f of report.failures) console.log(f.code, f.message);
 * ```
 */
export async function verifyBundle(bundle: unknown, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const records = isObj(bundle) && Array.isArray(bundle.records) ? (bundle.records as unknown[]) : [];
  return verifyParts(bundle, { length: records.length, has: (i) => i < records.length, at: (i) => records[i] }, policyInput, options);
}

/**
 * Verify an evidence bundle given as its JSON text: the same report as
 * {@link verifyBundle} of `JSON.parse(text)`, but the records are parsed one
 * at a time, each when its turn comes (bundle/text.ts), so that a large
 * bundle needs neither a whole parse before the first signature is checked
 * nor memory for all its records at once. Text that is not laid out as the
 * exporter writes it is parsed whole.
 *
 * @example
 * ```ts
 * const report = await verifyBundleText(readFileSync("bundle.json", "utf8"), policy, { verifyPacked });
 * ```
 */
export async function verifyBundleText(text: string, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  return verifySplit(splitBundleText(text), () => text, policyInput, options);
}

/**
 * Verify an evidence bundle given as the UTF-8 bytes of its file: the same
 * report as {@link verifyBundleText} of its text, with only the skeleton
 * and one record at a time ever decoded, so that no string of the whole
 * file is made (bundle/text.ts): half the memory of the text, and no limit
 * from the longest string the engine holds.
 *
 * @example
 * ```ts
 * const report = await verifyBundleBytes(readFileSync("bundle.json"), policy, { verifyPacked });
 * ```
 */
export async function verifyBundleBytes(bytes: Uint8Array, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  return verifySplit(splitBundleBytes(bytes), () => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), policyInput, options);
}

async function verifySplit(split: SplitBundleText | null, wholeText: () => string, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions): Promise<BundleReport> {
  if (split !== null) {
    // Progress never goes backwards, even when the split is given up half-way.
    let shown = 0;
    const report = options.onProgress;
    if (report !== undefined) {
      options = {
        ...options,
        onProgress: (done, total) => {
          if (done < shown && done < total) return;
          shown = done;
          report(done, total);
        },
      };
    }
    try {
      return await verifyParts(split.skeleton, split.records, policyInput, options);
    } catch (e) {
      if (!(e instanceof BundleTextSplitError)) throw e;
      // A record slice that is not one JSON value: the whole text decides.
    }
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(wholeText());
  } catch (e) {
    // Not JSON, or (from bytes) too long for one string and not laid out as the exporter writes it.
    return emptyReport([fail("bundle_malformed", `bundle: not JSON: ${(e as Error).message}`)]);
  }
  return verifyBundle(bundle, policyInput, options);
}

async function verifyParts(bundle: unknown, list: BundleRecordList, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions): Promise<BundleReport> {
  let policy: VerificationPolicy;
  try {
    policy = isObj(policyInput) && "logVerifier" in policyInput ? (policyInput as unknown as VerificationPolicy) : parseVerificationPolicy(policyInput);
  } catch (e) {
    return emptyReport([fail("bundle_malformed", `policy: ${(e as Error).message}`)]);
  }
  if (!isObj(bundle)) return emptyReport([fail("bundle_malformed", "bundle: not a JSON object")]);
  const b = bundle;
  const shape = checkShape(b);
  if (shape !== null) return emptyReport([fail("bundle_malformed", shape)], b);
  const failures: BundleFailure[] = [];
  const warnings: string[] = [];
  const vault = b.vault as string;
  if (b.origin !== policy.origin) failures.push(fail("origin_mismatch", `the bundle is of origin "${String(b.origin)}", the policy trusts "${policy.origin}"`));

  // -- Checkpoints: log signature, origin, cosignatures, split views, consistency.
  const cps = checkCheckpoints(b.checkpoints as string[], policy, failures);
  const inclusion = b.inclusion as { size: number; proof: string };
  const proofCp = cps.find((c) => c.valid && c.size === inclusion.size) ?? null;
  checkConsistency(cps, b.consistency as unknown[], proofCp, failures);
  if (proofCp === null) {
    failures.push(fail("entry_inserted", `no valid bundled checkpoint of size ${inclusion.size}, the size the inclusion proof is for`, { size: inclusion.size }));
  } else if (proofCp.cosigners.length < policy.threshold) {
    failures.push(
      fail("witness_threshold", `checkpoint ${proofCp.size} has valid cosignatures from ${proofCp.cosigners.length} of the ${policy.threshold} witnesses the policy requires`, {
        size: proofCp.size,
      }),
    );
  }

  // Anchors are checked while the records are: they are independent.
  const anchorsDone = checkAnchors(b.anchors as unknown[], cps, policy, options, failures, warnings);

  // -- Manifest and the one multi-leaf inclusion proof.
  const indices = (b.manifest as { indices: number[] }).indices;
  const leafText = (b.manifest as { leafHashes: string }).leafHashes;
  // Sized from the text actually given, so that a long list of indices
  // cannot make the verifier allocate more than the bundle holds.
  const leavesLength = base64Length(leafText) === indices.length * HASH ? indices.length * HASH : 0;
  const manifestLeaves = new Uint8Array(leavesLength);
  let inclusionOk = false;
  let checkInclusion = (): void => {};
  const leavesOk = leavesLength === indices.length * HASH && decodeBase64Into(leafText, manifestLeaves, 0);
  const proofLen = base64Length(inclusion.proof);
  const proofBytes = new Uint8Array(Math.max(0, proofLen));
  if (!leavesOk || !sortedUnique(indices)) {
    failures.push(fail("bundle_malformed", "manifest: indices must ascend strictly and leafHashes hold 32 bytes per index"));
  } else if (proofLen < 0 || !decodeBase64Into(inclusion.proof, proofBytes, 0)) {
    failures.push(fail("bundle_malformed", "inclusion.proof: not base64"));
  } else if (proofCp !== null && indices.length > 0) {
    // Rebuilding the root hashes about one node per leaf: it runs once the
    // records are on their way to the signature workers (below), and its
    // failure, if any, takes this place in the list.
    const at = failures.length;
    checkInclusion = () => {
      try {
        if (indices[indices.length - 1]! >= proofCp.size) throw new Error(`index ${indices[indices.length - 1]} is not below size ${proofCp.size}`);
        const root = rootFromMultiLeafProof(indices, manifestLeaves, proofCp.size, proofBytes);
        if (!bytesEqual(root, proofCp.root)) throw new Error("it leads to another root");
        inclusionOk = true;
      } catch (e) {
        failures.splice(
          at,
          0,
          fail("entry_inserted", `the inclusion proof does not rebuild the root of checkpoint ${proofCp.size} from the manifest's leaves: ${(e as Error).message}`, {
            size: proofCp.size,
          }),
        );
      }
    };
  } else if (indices.length === 0) {
    inclusionOk = true;
  }
  const positionOf = (index: number): number => {
    let lo = 0;
    let hi = indices.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (indices[m]! < index) lo = m + 1;
      else hi = m;
    }
    return lo < indices.length && indices[lo] === index ? lo : -1;
  };

  // -- Records: decode, hash, parse. Keys first: they decide which key signed what.
  const seen = new Set<number>();
  const canonical = options.checkCanonical === true;
  // Key records are checked here, in index order, each from its own slot.
  const keyBatch = new SignatureBatchWriter();
  const keyRecs = (b.keys as unknown[]).map((raw) => {
    const r = parseRecord(raw, "keys", vault, positionOf, manifestLeaves, seen, canonical, keyBatch);
    if (r.env !== null) keyBatch.commit(r.slot, NO_KEY, r.msgLen);
    return r;
  });
  const keys = new Map<string, KeyState>();
  for (const r of [...keyRecs].sort((x, y) => x.index - y.index)) applyKeyRecord(r, keys, keyBatch.bytes);

  // Asked for at the first progress report: for a split text, counting the
  // records scans the rest of it, better done while the workers are busy.
  let total = -1;
  const check = signatureChecker(options);
  const batchSize = Math.max(1, options.batchSize ?? 1024);
  const inFlight = Math.max(1, options.batchesInFlight ?? 8);
  const recs: Rec[] = [];
  const pending: Promise<void>[] = [];
  let done = keyRecs.length;
  const batch = new SignatureBatchWriter(batchSize * 640);
  // Set when a record of a split text does not parse: the batches still
  // out then report no progress, and the caller starts over from the whole text.
  let abandoned = false;
  let allRecs: Rec[] | null = null;
  const all = (): Rec[] => (allRecs ??= [...keyRecs, ...recs]);
  const isRedaction = (r: Rec): boolean => r.env !== null && r.env.type === REDACTION_RECORD_TYPE;

  // -- Judging a record, in three steps (docs/formats.md §14): its signature
  // and place in the log; a missing payload against the redactions; then
  // time bounds and its line of the report.
  let leafIndex: Map<string, number> | null = null;
  const redactions = new Map<number, Rec>();
  const judgeWith = async (anchorsPromise: typeof anchorsDone) => {
    const anchors = await anchorsPromise;
    // -- Time: signed-no-later-than and backdating, from verified anchors.
    const bySize = anchors.filter((a) => cps[a.cp]!.usable).map((a) => ({ size: cps[a.cp]!.size, time: a.time.getTime() }));
    bySize.sort((x, y) => x.size - y.size);
    const suffixMin = new Array<number>(bySize.length + 1).fill(Infinity);
    for (let i = bySize.length - 1; i >= 0; i--) suffixMin[i] = Math.min(bySize[i]!.time, suffixMin[i + 1]!);
    const prefixMax = new Array<number>(bySize.length + 1).fill(-Infinity);
    for (let i = 0; i < bySize.length; i++) prefixMax[i + 1] = Math.max(bySize[i]!.time, prefixMax[i]!);
    const firstAbove = (index: number): number => {
      let lo = 0;
      let hi = bySize.length;
      while (lo < hi) {
        const m = (lo + hi) >>> 1;
        if (bySize[m]!.size <= index) lo = m + 1;
        else hi = m;
      }
      return lo;
    };

    const signatureAndPlace = (r: Rec): void => {
      if (r.env === null) return;
      if (r.sigOk === false) addFailure(r, fail("envelope_changed", `entry ${r.index}: the author signature does not verify`, { index: r.index }));
      if (!r.positioned) {
        leafIndex ??= new Map(indices.map((ix, p) => [toHex(manifestLeaves.subarray(p * HASH, (p + 1) * HASH)), ix]));
        const at = leafIndex.get(r.leaf!);
        if (r.sigOk === false) {
          // Already named: a changed envelope changes the leaf too.
        } else if (at !== undefined) {
          addFailure(r, fail("entry_reordered", `entry given at index ${r.index} is the log's entry ${at}`, { index: r.index }));
        } else {
          addFailure(r, fail("entry_inserted", `entry ${r.index} is not in the log: its leaf hash is not the manifest's at that index, nor anywhere`, { index: r.index }));
        }
      } else if (!inclusionOk) {
        addFailure(r, fail("inclusion_unproven", `entry ${r.index}: the bundle's inclusion proof does not hold`, { index: r.index }));
      }
      if (r.payload === "changed") addFailure(r, fail("payload_changed", `entry ${r.index}: payload and salt do not match the envelope's commitment`, { index: r.index }));
      const red = r.extra;
      if (r.env.type === REDACTION_RECORD_TYPE && r.failures.length === 0 && red !== null) {
        const target = red.index as number;
        if (target < r.index && !redactions.has(target)) redactions.set(target, r);
      }
    };

    const missingPayload = (r: Rec): void => {
      const red = redactions.get(r.index);
      const redactsLeaf = red === undefined ? null : (red.extra!.leafHash as string);
      if (red === undefined || redactsLeaf !== r.leaf) {
        addFailure(r, fail("payload_missing", `entry ${r.index}: payload and salt are missing and no valid redaction record in the bundle names this entry`, { index: r.index }));
      }
    };

    const record = (r: Rec, placed = false): void => {
      if (!placed) signatureAndPlace(r);
      const env = r.env;
      let bound: number | null = null;
      if (env !== null && bySize.length > 0) {
        const p = firstAbove(r.index);
        const claimed = Date.parse(env.claimedTime!);
        if (Number.isNaN(claimed)) addFailure(r, fail("record_malformed", `entry ${r.index}: envelope time ${env.claimedTime} is not a real date`, { index: r.index }));
        if (suffixMin[p]! !== Infinity) bound = suffixMin[p]!;
        if (bound !== null && claimed > bound) {
          addFailure(r, fail("claimed_after_anchor", `entry ${r.index} claims ${env.claimedTime}, after ${new Date(bound).toISOString()}, when an anchor proves it existed`, { index: r.index }));
        }
        const before = prefixMax[p]!;
        if (before !== -Infinity && claimed < before - policy.maxSealDelayMs) {
          addFailure(
            r,
            fail(
              "backdated",
              `entry ${r.index} claims ${env.claimedTime}, but a checkpoint anchored at ${new Date(before).toISOString()} did not hold it yet (more than ${policy.maxSealDelayMs / 1000} s later)`,
              { index: r.index },
            ),
          );
        }
      }
      const red = r.payload === "absent" ? redactions.get(r.index) : undefined;
      const redacted = red !== undefined && r.failures.length === 0;
      const status = r.failures.length > 0 ? "invalid" : redacted ? "redacted" : "valid";
      if (env === null) {
        r.report = blankLine(r.index, status, r.failures);
        return;
      }
      env.status = status;
      if (redacted) {
        const reason = red.extra!.reason;
        env.redactedBy = red.env!.author;
        env.redactedAt = red.env!.claimedTime;
        env.redactionIndex = red.index;
        env.redactionReason = typeof reason === "string" ? reason : null;
      }
      if (bound !== null) env.signedNoLaterThan = new Date(bound).toISOString();
      env.failures = r.failures;
      r.report = env;
    };
    return { signatureAndPlace, missingPayload, record };
  };
  let judge: Awaited<ReturnType<typeof judgeWith>> | null = null;
  const missing: RecordReport[] = [];
  try {
    // The first batches are small, so that the workers start at once.
    for (let start = 0, size = Math.min(batchSize, 64); list.has(start); start += size, size = Math.min(batchSize, 2 * size)) {
      // Bounded: the records are read far faster than their signatures are checked.
      if (pending.length >= inFlight) await pending.shift();
      const owners: Rec[] = [];
      let end = start;
      for (let i = start; i < start + size && list.has(i); i++, end++) {
        const r = parseRecord(list.at(i), "records", vault, positionOf, manifestLeaves, seen, canonical, batch);
        recs.push(r);
        const key = r.env === null ? null : keyFor(r, keys);
        if (key !== null) {
          batch.commit(r.slot, key, r.msgLen);
          r.awaiting = true;
          owners.push(r);
        }
      }
      const { packed, count } = batch.take();
      const n = end - start;
      pending.push(
        Promise.resolve(count === 0 ? new Uint8Array(0) : check(packed, count)).then((res) => {
          if (abandoned) return;
          for (let k = 0; k < owners.length; k++) {
            owners[k]!.sigOk = res[k] === 1;
            owners[k]!.awaiting = false;
          }
          done += n;
          if (options.onProgress !== undefined) {
            if (total < 0) total = list.length + keyRecs.length;
            options.onProgress(done, total);
          }
        }),
      );
    }
    checkInclusion();
    // While the last batches are out, judge every record that depends on
    // nothing still unknown: its own signature is back, and it neither is
    // nor may be named by a redaction (those wait for all records).
    judge = await judgeWith(anchorsDone);
    // Write rights need every membership record judged first: with an
    // operator named, everything waits for the last batch.
    if (policy.operator === null) for (const r of all()) if (!r.awaiting && r.payload !== "absent" && !isRedaction(r)) judge.record(r);
    // Manifest entries the bundle does not hold.
    for (const ix of indices) {
      if (!seen.has(ix)) {
        const f = fail("entry_missing", `entry ${ix} is in the manifest but not in the bundle`, { index: ix });
        failures.push(f);
        missing.push(blankLine(ix, "invalid", [f]));
      }
    }
    await Promise.all(pending);
    // Key records only: progress is shown once, done.
    if (!list.has(0)) options.onProgress?.(keyRecs.length, keyRecs.length);
  } catch (e) {
    abandoned = true;
    await Promise.allSettled(pending);
    throw e;
  }
  // -- The rest, in index order: redactions first, then what they name.
  const j = judge!;
  const rest = all().filter((r) => r.report === null);
  for (const r of rest) j.signatureAndPlace(r);
  if (policy.operator !== null) checkWriteRights(rest, policy.operator);
  else if (all().some((r) => r.env !== null && r.env.type === MEMBER_RECORD_TYPE)) {
    warnings.push("write rights not checked against the bundled membership records: the policy names no operator (policy.operator)");
  }
  for (const r of rest) if (r.env !== null && r.payload === "absent") j.missingPayload(r);
  for (const r of rest) j.record(r, true);
  const reports: RecordReport[] = [];
  for (const r of all()) reports.push(r.report!);
  for (const m of missing) reports.push(m);
  // Keys and records each come in index order from an honest exporter: merge-sort cost only when not.
  let sorted = true;
  for (let i = 1; i < reports.length && sorted; i++) sorted = reports[i - 1]!.index < reports[i]!.index;
  if (!sorted) reports.sort((x, y) => x.index - y.index);
  const counts = { valid: 0, redacted: 0, invalid: 0 };
  for (const r of reports) counts[r.status]++;
  const checkpoints: CheckpointReport[] = cps.map((c) => ({
    size: c.size,
    root: toBase64(c.root),
    valid: c.valid && c.usable,
    cosignedBy: c.cosigners,
    anchors: c.anchors,
  }));
  return {
    ok: failures.length === 0 && counts.invalid === 0,
    vault,
    origin: b.origin as string,
    proofSize: proofCp?.size ?? null,
    checkpoints,
    records: reports,
    failures,
    warnings,
    counts,
  };
}

// Top-level shape of §14; null when it holds, else what is wrong.
function checkShape(b: Record<string, unknown>): string | null {
  if (b.format !== BUNDLE_FORMAT) return `bundle.format: must be "${BUNDLE_FORMAT}"`;
  if (typeof b.vault !== "string" || typeof b.origin !== "string") return "bundle: vault and origin must be strings";
  for (const k of ["checkpoints", "consistency", "anchors", "keys", "records"]) if (!Array.isArray(b[k])) return `bundle.${k}: must be an array`;
  if ((b.checkpoints as unknown[]).some((c) => typeof c !== "string")) return "bundle.checkpoints: each must be a note text";
  const m = b.manifest;
  if (!isObj(m) || !Array.isArray(m.indices) || typeof m.leafHashes !== "string") return "bundle.manifest: must be {indices, leafHashes}";
  const inc = b.inclusion;
  if (!isObj(inc) || typeof inc.size !== "number" || !Number.isSafeInteger(inc.size) || typeof inc.proof !== "string") return "bundle.inclusion: must be {size, proof}";
  return null;
}

function sortedUnique(a: readonly unknown[]): boolean {
  let prev = -1;
  for (const x of a) {
    if (typeof x !== "number" || !Number.isSafeInteger(x) || x <= prev) return false;
    prev = x;
  }
  return true;
}

function checkCheckpoints(notes: readonly string[], policy: VerificationPolicy, failures: BundleFailure[]): Cp[] {
  const out: Cp[] = [];
  for (const note of notes) {
    let size = -1;
    let root: Uint8Array = new Uint8Array(HASH);
    let origin: string;
    try {
      const cp = parseCheckpoint(parseNote(note).text);
      origin = cp.origin;
      if (cp.size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("size beyond 2^53-1");
      size = Number(cp.size);
      root = cp.root;
    } catch (e) {
      failures.push(fail("bundle_malformed", `a bundled checkpoint does not parse: ${(e as Error).message}`));
      continue;
    }
    const c: Cp = { note, hashHex: toHex(sha256(utf8(note))), size, root, valid: false, usable: false, cosigners: [], anchors: [] };
    out.push(c);
    if (origin !== policy.origin) {
      failures.push(fail("checkpoint_replayed", `checkpoint of size ${size} is of origin "${origin}", not the policy's "${policy.origin}"`, { size }));
      continue;
    }
    try {
      openCheckpoint(note, policy.logVerifier);
    } catch (e) {
      failures.push(fail("checkpoint_forged", `checkpoint of size ${size} has no valid signature by the log key: ${(e as Error).message}`, { size }));
      continue;
    }
    if (policy.witnesses.length > 0) {
      try {
        const seen = new Set<string>();
        for (const cs of verifyCosignatures(note, policy.witnesses)) {
          const pub = policy.witnesses.find((w) => w.verifierKey === cs.verifierKey)!.publicKey;
          const k = toHex(pub);
          if (!seen.has(k)) {
            seen.add(k);
            c.cosigners.push(cs.name);
          }
        }
      } catch (e) {
        failures.push(
          fail("checkpoint_replayed", `checkpoint of size ${size}: a witness cosignature does not verify over it (made over another checkpoint, or forged): ${(e as Error).message}`, { size }),
        );
        continue;
      }
    }
    c.valid = true;
  }
  // Split view: one size, two roots, both signed by the log.
  const first = new Map<number, Cp>();
  for (const c of out) {
    if (!c.valid) continue;
    const f = first.get(c.size);
    if (f === undefined) first.set(c.size, c);
    else if (!bytesEqual(f.root, c.root)) {
      failures.push(fail("split_view", `two checkpoints of size ${c.size} signed by the log with different roots`, { size: c.size }));
      c.valid = false;
      f.valid = false;
    }
  }
  return out;
}

// Consecutive distinct sizes must be proven consistent (RFC 9162 §2.1.4); a
// checkpoint is usable (for anchors) if a chain of proofs links it to the
// checkpoint the records are proven in.
function checkConsistency(cps: Cp[], proofs: readonly unknown[], proofCp: Cp | null, failures: BundleFailure[]): void {
  const sizes = [...new Set(cps.filter((c) => c.valid).map((c) => c.size))].sort((x, y) => x - y);
  const rootOf = (s: number) => cps.find((c) => c.valid && c.size === s)!.root;
  const linked = new Set<string>();
  for (let i = 0; i + 1 < sizes.length; i++) {
    const from = sizes[i]!;
    const to = sizes[i + 1]!;
    const p = proofs.find((x) => isObj(x) && x.from === from && x.to === to) as { proof?: unknown } | undefined;
    if (p === undefined || !Array.isArray(p.proof)) {
      failures.push(fail("consistency_unproven", `no consistency proof between checkpoints ${from} and ${to}`, { size: to }));
      continue;
    }
    try {
      const hashes = (p.proof as unknown[]).map((h) => fromBase64(String(h), "consistency proof hash"));
      verifyConsistency(BigInt(from), BigInt(to), hashes, rootOf(from), rootOf(to));
      linked.add(`${from}-${to}`);
    } catch (e) {
      failures.push(fail("split_view", `checkpoints ${from} and ${to} are not consistent: ${(e as Error).message}`, { size: to }));
    }
  }
  if (proofCp === null) return;
  // Walk outwards from the proof's checkpoint through verified links.
  const at = sizes.indexOf(proofCp.size);
  const usable = new Set<number>([proofCp.size]);
  for (let i = at; i > 0 && linked.has(`${sizes[i - 1]}-${sizes[i]}`); i--) usable.add(sizes[i - 1]!);
  for (let i = at; i + 1 < sizes.length && linked.has(`${sizes[i]}-${sizes[i + 1]}`); i++) usable.add(sizes[i + 1]!);
  for (const c of cps) c.usable = c.valid && usable.has(c.size);
}

async function checkAnchors(
  anchors: readonly unknown[],
  cps: readonly Cp[],
  policy: VerificationPolicy,
  options: VerifyBundleOptions,
  failures: BundleFailure[],
  warnings: string[],
): Promise<{ cp: number; time: Date }[]> {
  const out: { cp: number; time: Date }[] = [];
  await Promise.all(
    anchors.map(async (a, i) => {
      if (!isObj(a) || typeof a.type !== "string" || typeof a.checkpointHash !== "string") {
        failures.push(fail("anchor_invalid", `anchor ${i}: not an anchor record (type, checkpointHash)`));
        return;
      }
      const at = cps.findIndex((c) => c.hashHex === a.checkpointHash);
      const cp = cps[at];
      if (cp === undefined) {
        failures.push(fail("anchor_invalid", `anchor ${i} (${a.type}): no bundled checkpoint note has the hash ${a.checkpointHash}`));
        return;
      }
      if (!cp.usable) {
        failures.push(fail("anchor_invalid", `anchor ${i} (${a.type}): its checkpoint (size ${cp.size}) did not verify`, { size: cp.size }));
        return;
      }
      if (a.checkpointSize !== cp.size) {
        failures.push(fail("anchor_invalid", `anchor ${i} (${a.type}): checkpointSize ${String(a.checkpointSize)} is not its note's size ${cp.size}`, { size: cp.size }));
        return;
      }
      const check = options.anchorVerifiers?.[a.type];
      if (check === undefined) {
        warnings.push(`anchor ${i} (${a.type}) over checkpoint ${cp.size} not checked: no verifier for this anchor type`);
        return;
      }
      try {
        const r = await check(a, utf8(cp.note), policy);
        if (r === null) {
          warnings.push(`anchor ${i} (${a.type}) over checkpoint ${cp.size} not checked: the policy trusts no issuer of it`);
          return;
        }
        if (!(r.time instanceof Date) || Number.isNaN(r.time.getTime())) throw new Error("the anchor verifier returned no time");
        if (r.confirmed === false) {
          warnings.push(`anchor ${i} (${a.type}) over checkpoint ${cp.size} is sound but not confirmed by the policy (pin its block, or confirm it live): its time is not used`);
          return;
        }
        out.push({ cp: at, time: r.time });
        cp.anchors.push({ type: a.type, time: r.time.toISOString() });
      } catch (e) {
        failures.push(fail("anchor_invalid", `anchor ${i} (${a.type}) over checkpoint ${cp.size} does not verify: ${(e as Error).message}`, { size: cp.size }));
      }
    }),
  );
  return out;
}

// Most records have no failure: they share one empty list until their first.
const NO_FAILURES: readonly BundleFailure[] = Object.freeze([]);

function addFailure(r: Rec, f: BundleFailure): void {
  if (r.failures === NO_FAILURES) r.failures = [f];
  else (r.failures as BundleFailure[]).push(f);
}

function malformedRecord(r: Rec, m: string): Rec {
  r.env = null;
  addFailure(r, fail("record_malformed", `entry ${r.index}: ${m}`, { index: r.index }));
  return r;
}

// The hot path: one record, no re-canonicalisation (docs/adr/0007).
function parseRecord(
  raw: unknown,
  section: "keys" | "records",
  vault: string,
  positionOf: (index: number) => number,
  manifestLeaves: Uint8Array,
  seen: Set<number>,
  checkCanonical: boolean,
  batch: SignatureBatchWriter,
): Rec {
  const index = isObj(raw) && typeof raw.index === "number" && Number.isSafeInteger(raw.index) && raw.index >= 0 ? raw.index : -1;
  const r: Rec = { index, section, leaf: null, env: null, extra: null, slot: -1, msgLen: 0, positioned: false, sigOk: null, payload: "none", failures: NO_FAILURES, awaiting: false, report: null };
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
    if (sha256Hex(scratch.subarray(0, head + written)) === env.payload) r.payload = "ok";
    else if (!HEX64.test(env.payload)) return malformedRecord(r, "envelope payload commitment malformed");
    else r.payload = "changed";
  }
  // The leaf hash is needed later only to place a misplaced entry or to match a redaction.
  if (r.positioned && r.payload !== "absent") r.leaf = null;
  return r;
}

// Values that many records share (type, author, key id) stored once.
const shared = new Map<string, string>();
function once(s: string): string {
  const had = shared.get(s);
  if (had !== undefined) return had;
  if (shared.size >= 65536) shared.clear();
  shared.set(s, s);
  return s;
}

function isMemberChange(m: unknown): m is MemberChange {
  if (!isObj(m) || typeof m.org !== "string") return false;
  if (m.action === "remove") return true;
  return m.action === "set" && typeof m.read === "boolean" && typeof m.admin === "boolean" && Array.isArray(m.write) && m.write.every((p) => typeof p === "string");
}

// Write rights (docs/formats.md §5a), for a policy that names the operator:
// membership records are the operator's to write; any other record needs
// the operator as author or a membership in force at its index that allows
// its type. Key records are exempt: a key grants nothing by itself, and
// every record signed with it is checked here. Only membership records
// that verified count. `recs` is every judged record, in index order.
function checkWriteRights(recs: readonly Rec[], operator: string): void {
  const members: { index: number; member: MemberChange }[] = [];
  for (const r of recs) {
    if (r.env === null || r.env.type !== MEMBER_RECORD_TYPE) continue;
    if (r.env.author !== operator) {
      addFailure(r, fail("write_unauthorised", `entry ${r.index}: a membership record written by ${r.env.author}, not by the operator ${operator}`, { index: r.index }));
    } else if (r.failures.length === 0) {
      members.push({ index: r.index, member: r.extra as unknown as MemberChange });
    }
  }
  const canWrite = writeRightsOf(members, [operator]);
  for (const r of recs) {
    const line = r.env;
    if (line === null || line.type === KEY_RECORD_TYPE || line.type === MEMBER_RECORD_TYPE) continue;
    if (!canWrite(line.author!, r.index, line.type!)) {
      addFailure(
        r,
        fail("write_unauthorised", `entry ${r.index}: ${line.author} could not write ${line.type} records at this index (no membership in force allows it)`, { index: r.index }),
      );
    }
  }
}

// The line of a record with no envelope to report (not parsed, or missing).
function blankLine(index: number, status: RecordReport["status"], failures: readonly BundleFailure[]): RecordReport {
  return {
    index,
    type: null,
    author: null,
    keyId: null,
    claimedTime: null,
    subjects: [],
    status,
    custodial: false,
    redactedBy: null,
    redactedAt: null,
    redactionIndex: null,
    redactionReason: null,
    signedNoLaterThan: null,
    failures,
  };
}

// A record's line of the report, from the envelope fields judged and
// reported after the signatures come back: kept for every record until the
// report, so only those, in the one object the report returns, and the
// values records share (type, author, key id) only once (fewer bytes for the
// collector to move).
function lineOf(index: number, env: Record<string, unknown>): Line {
  return {
    index,
    type: once(env.type as string),
    author: once(env.author as string),
    keyId: once(env.keyId as string),
    claimedTime: env.time as string,
    subjects: Array.isArray(env.subjects) ? (env.subjects as string[]) : [],
    status: "valid",
    custodial: env.mode === "custodial",
    redactedBy: null,
    redactedAt: null,
    redactionIndex: null,
    redactionReason: null,
    signedNoLaterThan: null,
    failures: NO_FAILURES,
  };
}

// A key record: checked here, in this thread, in index order, since it
// decides which key may sign later records (docs/formats.md §5).
function applyKeyRecord(r: Rec, keys: Map<string, KeyState>, batch: Uint8Array): void {
  const env = r.env;
  if (env === null) return;
  const k = r.extra!;
  let pub: Uint8Array;
  try {
    pub = fromBase64(k.publicKey as string, "key.publicKey");
    if (keyIdOf(pub) !== k.keyId) throw new Error("keyId is not the key's");
  } catch (e) {
    addFailure(r, fail("record_malformed", `entry ${r.index}: ${(e as Error).message}`, { index: r.index }));
    return;
  }
  let signer: Uint8Array | null;
  if (k.action === "register") {
    // Proof of possession: signed by the key it registers.
    if (env.keyId !== k.keyId) {
      addFailure(r, fail("key_unknown", `entry ${r.index}: a registration must be signed by the key it registers`, { index: r.index }));
      return;
    }
    const prior = keys.get(k.keyId as string);
    if (prior !== undefined && (prior.author !== env.author || prior.revokedAt !== null)) {
      addFailure(r, fail("key_unknown", `entry ${r.index}: key ${String(k.keyId)} was registered before`, { index: r.index }));
      return;
    }
    signer = pub;
  } else {
    signer = keyFor(r, keys);
    if (signer === null) return;
  }
  const at = r.slot + PACKED_TASK_HEADER;
  r.sigOk = ed25519Verify(signer, batch.subarray(at, at + r.msgLen), batch.subarray(r.slot + 32, r.slot + 96));
  if (!r.sigOk || !r.positioned) return; // judged later; an unproven key record changes nothing
  if (k.action === "register") {
    if (!keys.has(k.keyId as string)) keys.set(k.keyId as string, { author: env.author as string, publicKey: pub, registeredAt: r.index, revokedAt: null });
  } else {
    const st = keys.get(k.keyId as string);
    if (st !== undefined && st.author === env.author && st.revokedAt === null) st.revokedAt = r.index;
  }
}

// The public key that must have signed record r, or null (with the failure
// recorded) when no key of that id was valid for its author at its index.
function keyFor(r: Rec, keys: Map<string, KeyState>): Uint8Array | null {
  const env = r.env!;
  const st = keys.get(env.keyId as string);
  if (st === undefined || st.author !== env.author || st.registeredAt >= r.index) {
    addFailure(r, fail("key_unknown", `entry ${r.index}: key ${String(env.keyId)} was not registered for ${String(env.author)} before this entry`, { index: r.index }));
    return null;
  }
  if (st.revokedAt !== null && st.revokedAt < r.index) {
    addFailure(r, fail("key_revoked", `entry ${r.index}: key ${String(env.keyId)} was revoked at entry ${st.revokedAt}`, { index: r.index }));
    return null;
  }
  return st.publicKey;
}
