/**
 * The bundle's anchors (docs/formats.md §14, step 5; §12, §13): each names a
 * usable bundled checkpoint note, and the caller's check of its type
 * vouches for a time no later than which that note existed.
 */
import { utf8 } from "../bytes.js";
import type { VerifyBundleOptions } from "./options.js";
import type { VerificationPolicy } from "./policy.js";
import { fail, isObj, type Cp } from "./state.js";
import type { BundleFailure } from "./types.js";

/** A verified anchor: the index of its checkpoint in the list, and its time. */
export interface AnchorTime {
  readonly cp: number;
  readonly time: Date;
}

export async function checkAnchors(
  anchors: readonly unknown[],
  cps: readonly Cp[],
  policy: VerificationPolicy,
  options: VerifyBundleOptions,
  failures: BundleFailure[],
  warnings: string[],
): Promise<AnchorTime[]> {
  const out: AnchorTime[] = [];
  const byHash = new Map<string, number>();
  cps.forEach((c, k) => byHash.set(c.hashHex, k));
  const repeats = setAsideRepeats(anchors, failures);
  await Promise.all(
    anchors.map(async (a, i) => {
      if (repeats.has(i)) return;
      if (!isObj(a) || typeof a.type !== "string" || typeof a.checkpointHash !== "string") {
        failures.push(fail("anchor_invalid", `anchor ${i}: not an anchor record (type, checkpointHash)`));
        return;
      }
      const at = byHash.get(a.checkpointHash) ?? -1;
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
      // Own properties only: a type named "constructor" is no verifier.
      const verifiers = options.anchorVerifiers;
      const check = verifiers !== undefined && Object.hasOwn(verifiers, a.type) ? verifiers[a.type] : undefined;
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

// An anchor record given again (the same JSON) proves nothing more, and an
// anchor check may be costly (a certificate chain, a block header): repeats
// are set aside unchecked, reported once with a count, so that the work is
// that of the distinct anchors.
function setAsideRepeats(anchors: readonly unknown[], failures: BundleFailure[]): Set<number> {
  const firstOf = new Map<string, number>();
  const repeats = new Set<number>();
  let first: { at: number; of: number } | null = null;
  for (let i = 0; i < anchors.length; i++) {
    const a = anchors[i];
    if (!isObj(a)) continue;
    let key: string;
    try {
      key = JSON.stringify(a);
    } catch {
      continue; // not JSON (a bigint, a cycle: an object given in code): checked as it is
    }
    const of = firstOf.get(key);
    if (of === undefined) {
      firstOf.set(key, i);
      continue;
    }
    repeats.add(i);
    first ??= { at: i, of };
  }
  if (first !== null) {
    const more = repeats.size > 1 ? ` (${repeats.size - 1} more repeats set aside)` : "";
    failures.push(fail("anchor_duplicate", `anchor ${first.at} repeats anchor ${first.of}: set aside unchecked${more}`));
  }
  return repeats;
}
