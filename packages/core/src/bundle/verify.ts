/**
 * The offline evidence-bundle verifier (docs/formats.md §14, §15): given a
 * bundle and a trust policy, and nothing else, it checks every checkpoint,
 * proof, key, signature, payload, redaction and anchor, and reports each
 * record and each failure by a stable code. Pure: anchor checks and
 * (optionally) signature batches are plug-ins, so a server can spread the
 * signatures over threads and a browser can bring its own anchor checks.
 *
 * This file runs the checks in order and assembles the report; each check
 * lives in its own module: structure.ts, checkpoints.ts, consistency.ts, anchors.ts,
 * manifest.ts, parse-record.ts, keys.ts, judge.ts.
 */
import { requireBytes, requireString } from "../args.js";
import { toBase64 } from "../bytes.js";
import { SignatureBatchWriter } from "../signature-batch.js";
import { MEMBER_RECORD_TYPE, REDACTION_RECORD_TYPE } from "../record/envelope.js";
import { checkAnchors } from "./anchors.js";
import { checkFiles } from "./attachments.js";
import { checkCheckpoints } from "./checkpoints.js";
import { checkConsistency } from "./consistency.js";
import { createJudge, type Judge } from "./judge.js";
import { NO_KEY, applyKeyRecord, checkWriteRights, keyFor } from "./keys.js";
import { readManifest } from "./manifest.js";
import { checkVerifyOptions, signatureChecker, type VerifyBundleOptions } from "./options.js";
import { parseRecord } from "./parse-record.js";
import { BundleTextSplitError, splitBundleBytes, splitBundleText, type BundleRecordList, type SplitBundleText } from "./text.js";
import { parseVerificationPolicy, type VerificationPolicy } from "./policy.js";
import { blankLine, emptyReport, fail, isObj, type KeyState, type Rec } from "./state.js";
import { checkShape } from "./structure.js";
import type { BundleFailure, BundleReport, CheckpointReport, RecordReport } from "./types.js";

export type { SignatureTask } from "../signature-batch.js";
export type { AnchorCheck, AnchorVerifier, BatchSignatureVerifier, BundleFileResolver, VerifyBundleOptions } from "./options.js";

/**
 * Verify an evidence bundle (docs/formats.md §14) against a verification
 * policy (§15), offline. Never throws for bad input: everything found is in
 * the report, each failure with a stable code ({@link BUNDLE_FAILURE_CODES}),
 * and `ok` is true only when every record and the bundle as a whole hold.
 * Only options of the wrong type (the caller's code, not the bundle) are
 * refused, with a `malformed` SealTrailError naming the option.
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
  options = checkVerifyOptions(options);
  const records = isObj(bundle) && Array.isArray(bundle.records) ? (bundle.records as unknown[]) : [];
  return verifyParts(bundle, { length: records.length, has: (i) => i < records.length, at: (i) => records[i] }, policyInput, options);
}

/**
 * Verify an evidence bundle given as its JSON text: the same report as
 * {@link verifyBundle} of `JSON.parse(text)`, but the records are parsed one
 * at a time, each when its turn comes (bundle/text.ts), so that a large
 * bundle needs neither a whole parse before the first signature is checked
 * nor memory for all its records at once. Text that is not laid out as the
 * exporter writes it is parsed whole. A `text` that is not a string is
 * refused (`malformed`), as are options of the wrong type.
 *
 * @example
 * ```ts
 * const report = await verifyBundleText(readFileSync("bundle.json", "utf8"), policy, { verifyPacked });
 * ```
 */
export async function verifyBundleText(text: string, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  requireString(text, "verifyBundleText: bundle text");
  options = checkVerifyOptions(options);
  return verifySplit(splitBundleText(text), () => text, policyInput, options);
}

/**
 * Verify an evidence bundle given as the UTF-8 bytes of its file: the same
 * report as {@link verifyBundleText} of its text, with only the skeleton
 * and one record at a time ever decoded, so that no string of the whole
 * file is made (bundle/text.ts): half the memory of the text, and no limit
 * from the longest string the engine holds. `bytes` that are not a
 * Uint8Array are refused (`malformed`), as are options of the wrong type.
 *
 * @example
 * ```ts
 * const report = await verifyBundleBytes(readFileSync("bundle.json"), policy, { verifyPacked });
 * ```
 */
export async function verifyBundleBytes(bytes: Uint8Array, policyInput: VerificationPolicy | unknown, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  requireBytes(bytes, "verifyBundleBytes: bundle bytes");
  options = checkVerifyOptions(options);
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
  const manifest = readManifest(b, proofCp, failures);
  const { indices, positionOf } = manifest;
  const manifestLeaves = manifest.leaves;

  // -- Records: decode, hash, parse. Keys first: they decide which key signed what.
  const seen = new Set<number>();
  const canonical = options.checkCanonical === true;
  const readFiles = options.files !== undefined;
  // Key records are checked here, in index order, each from its own slot.
  const keyBatch = new SignatureBatchWriter();
  const keyRecs = (b.keys as unknown[]).map((raw) => {
    const r = parseRecord(raw, "keys", vault, positionOf, manifestLeaves, seen, canonical, keyBatch, readFiles);
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

  let judge: Judge | null = null;
  const missing: RecordReport[] = [];
  try {
    // The first batches are small, so that the workers start at once.
    for (let start = 0, size = Math.min(batchSize, 64); list.has(start); start += size, size = Math.min(batchSize, 2 * size)) {
      // Bounded: the records are read far faster than their signatures are checked.
      if (pending.length >= inFlight) await pending.shift();
      const owners: Rec[] = [];
      let end = start;
      for (let i = start; i < start + size && list.has(i); i++, end++) {
        const r = parseRecord(list.at(i), "records", vault, positionOf, manifestLeaves, seen, canonical, batch, readFiles);
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
    manifest.checkInclusion();
    // While the last batches are out, judge every record that depends on
    // nothing still unknown: its own signature is back, and it neither is
    // nor may be named by a redaction (those wait for all records).
    judge = createJudge(await anchorsDone, cps, manifest, policy);
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
  // -- Attachments of the valid records against the carried files (step 8).
  const files = options.files === undefined ? undefined : await checkFiles(all(), options.files, failures);
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
    ...(files === undefined ? {} : { files }),
  };
}
