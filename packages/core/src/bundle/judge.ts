/**
 * Judging a bundled record once its signature is back (docs/formats.md §14,
 * steps 4 and 6), in three steps: its signature and place in the log; a
 * missing payload against the redactions; then its time bounds from the
 * verified anchors, and its line of the report.
 */
import { toHex } from "../bytes.js";
import { REDACTION_RECORD_TYPE } from "../record/envelope.js";
import type { AnchorTime } from "./anchors.js";
import { HASH } from "./base64.js";
import type { Manifest } from "./manifest.js";
import type { VerificationPolicy } from "./policy.js";
import { addFailure, blankLine, fail, type Cp, type Rec } from "./state.js";

/** The three steps of judging a record; `record` runs the first itself unless told it ran. */
export interface Judge {
  signatureAndPlace(r: Rec): void;
  missingPayload(r: Rec): void;
  record(r: Rec, placed?: boolean): void;
}

/**
 * A judge over the verified anchors (`anchors`, of checkpoints `cps`), the
 * manifest, and the policy's seal delay. Redaction records are collected as
 * they are placed: judge them before the records they name.
 */
export function createJudge(anchors: readonly AnchorTime[], cps: readonly Cp[], manifest: Manifest, policy: VerificationPolicy): Judge {
  const { indices, leaves: manifestLeaves } = manifest;
  let leafIndex: Map<string, number> | null = null;
  const redactions = new Map<number, Rec>();
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
    } else if (!manifest.inclusionOk) {
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
}
