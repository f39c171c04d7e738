/**
 * The bundle's manifest and its one multi-leaf inclusion proof
 * (docs/formats.md §14, step 3): every bundled index with its leaf hash,
 * proven in the checkpoint of `inclusion.size`.
 */
import { bytesEqual } from "../bytes.js";
import { HASH, base64Length, decodeBase64Into } from "./base64.js";
import { rootFromMultiLeafProof } from "./multiproof.js";
import { sortedUnique } from "./structure.js";
import { fail, type Cp } from "./state.js";
import type { BundleFailure } from "./types.js";

/** The manifest as read, and its inclusion proof, checked once {@link Manifest.checkInclusion} runs. */
export interface Manifest {
  /** The manifest's indices, strictly ascending when it is well formed. */
  readonly indices: readonly number[];
  /** The leaf hashes, 32 bytes per index (empty when they do not decode). */
  readonly leaves: Uint8Array;
  /** Where `index` sits in the manifest, or -1. */
  positionOf(index: number): number;
  /** Rebuild the proof's root from the leaves: about one hash per leaf. */
  checkInclusion(): void;
  /** Whether the proof holds (once checked). */
  readonly inclusionOk: boolean;
}

/**
 * Decode the manifest and the proof, reporting a malformed one now; the
 * proof itself is checked when {@link Manifest.checkInclusion} is called,
 * its failure, if any, taking this place in `failures`.
 */
export function readManifest(b: Record<string, unknown>, proofCp: Cp | null, failures: BundleFailure[]): Manifest {
  const inclusion = b.inclusion as { size: number; proof: string };
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
    // records are on their way to the signature workers (verify.ts), and its
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
  return {
    indices,
    leaves: manifestLeaves,
    positionOf,
    checkInclusion: () => checkInclusion(),
    get inclusionOk() {
      return inclusionOk;
    },
  };
}
