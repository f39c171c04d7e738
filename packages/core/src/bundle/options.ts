/**
 * The plug-ins and options of the bundle verifier (docs/formats.md §14):
 * anchor checks and signature batches come from the caller, so that a
 * server can spread the signatures over threads and a browser can bring its
 * own anchor checks.
 */
import { unpackSignatureTasks, verifyPackedSignatures, type SignatureTask } from "../signature-batch.js";
import { optionalObject, requireFunction, requireInteger, requireObject } from "../args.js";
import type { VerificationPolicy } from "./policy.js";

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

/**
 * The bytes a bundle carries for a file, by SHA-256 (hex), or null when it
 * carries none. The CLI reads them from the ZIP form of a bundle; core,
 * browser-safe, reads no archive itself.
 */
export type BundleFileResolver = (sha256: string) => AsyncIterable<Uint8Array> | null | Promise<AsyncIterable<Uint8Array> | null>;

/** Options of {@link verifyBundle}. */
export interface VerifyBundleOptions {
  /**
   * The bundle's files: with it, each attachment of each valid record is
   * checked and reported ("verified", "redacted", "missing", "tampered";
   * docs/formats.md §14). Without it attachments are not looked at.
   */
  readonly files?: BundleFileResolver;
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

// How a packed batch is checked: the packed plug-in, else the task plug-in
// over views of the batch, else in this thread.
export function signatureChecker(options: VerifyBundleOptions): (packed: Uint8Array, count: number) => Promise<Uint8Array> | Uint8Array {
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
 * The options as given, checked: undefined or an object whose known fields
 * have their types (a plug-in that is not a function would otherwise fail
 * deep inside, or a batch size that is not a number loop without end).
 * Raises `malformed` naming the option. Unknown fields are ignored.
 */
export function checkVerifyOptions(options: unknown): VerifyBundleOptions {
  const o = optionalObject(options, "verifyBundle: options");
  if (o === undefined) return {};
  if (o.anchorVerifiers !== undefined) {
    const a = requireObject(o.anchorVerifiers, "verifyBundle: options.anchorVerifiers");
    for (const k of Object.keys(a)) requireFunction(a[k], `verifyBundle: options.anchorVerifiers.${k}`);
  }
  for (const k of ["verifySignatures", "verifyPacked", "onProgress", "files"] as const) if (o[k] !== undefined) requireFunction(o[k], `verifyBundle: options.${k}`);
  for (const k of ["batchSize", "batchesInFlight"] as const) if (o[k] !== undefined) requireInteger(o[k], `verifyBundle: options.${k}`, 1);
  return o as VerifyBundleOptions;
}
