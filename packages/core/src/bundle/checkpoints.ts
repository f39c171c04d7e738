/**
 * The bundle's checkpoints (docs/formats.md §14, step 1): first their
 * structure, with no signature checked (each note parsed once, ascending
 * size, each checkpoint given once), then each remaining note's origin, log
 * signature and witness cosignatures, and split views. Setting repeats aside
 * before any signature is checked keeps the work proportional to the
 * checkpoints a bundle holds, not to how often it repeats them.
 */
import { bytesEqual, toHex, utf8 } from "../bytes.js";
import { sha256 } from "../crypto.js";
import { openCheckpoint, parseCheckpoint } from "../note/checkpoint.js";
import { verifyCosignatures } from "../note/cosignature.js";
import { parseNote } from "../note/note.js";
import type { VerificationPolicy } from "./policy.js";
import { fail, type Cp } from "./state.js";
import type { BundleFailure } from "./types.js";

/** A bundled note that parsed, before any signature is checked. */
interface ParsedCp {
  readonly note: string;
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
}

// How many notes of one size are checked: the first, and one with another
// root, which is all a split view needs (§14 step 1). Any further note of
// that size is set aside unchecked.
const NOTES_PER_SIZE = 2;

/**
 * Check the bundle's checkpoint notes: the structural faults (a note that
 * does not parse, one out of ascending order, one given again) first and
 * without any signature work, then the signatures of the notes kept.
 * Returns the notes kept, in the bundle's order.
 */
export function checkCheckpoints(notes: readonly string[], policy: VerificationPolicy, failures: BundleFailure[]): Cp[] {
  const out: Cp[] = [];
  for (const p of selectCheckpoints(notes, failures)) {
    const { note, origin, size, root } = p;
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

// The structural pass (§14 step 1), no signature checked: each distinct note
// text is parsed once; a size below one before it is `checkpoint_unordered`;
// the same note again, another note of a checkpoint already given (same
// origin, size and root: other signature lines), or a third note of one size
// is `checkpoint_duplicate` and set aside. Each fault is reported once, with
// a count, so that the report too stays the size of the evidence.
function selectCheckpoints(notes: readonly string[], failures: BundleFailure[]): ParsedCp[] {
  const kept: ParsedCp[] = [];
  // Note text -> its size, or -1 when it does not parse.
  const texts = new Map<string, number>();
  const checkpoints = new Set<string>();
  const perSize = new Map<number, number>();
  // Size -> notes of it set aside; -1 for repeats of a note that does not parse.
  const repeats = new Map<number, number>();
  let highest = -1;
  let unordered: { at: number; size: number; after: number; count: number } | null = null;
  for (let i = 0; i < notes.length; i++) {
    const note = notes[i]!;
    const known = texts.get(note);
    if (known !== undefined) {
      repeats.set(known, (repeats.get(known) ?? 0) + 1);
      continue;
    }
    let p: ParsedCp;
    try {
      const cp = parseCheckpoint(parseNote(note).text);
      if (cp.size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("size beyond 2^53-1");
      p = { note, origin: cp.origin, size: Number(cp.size), root: cp.root };
    } catch (e) {
      texts.set(note, -1);
      failures.push(fail("bundle_malformed", `a bundled checkpoint does not parse: ${(e as Error).message}`));
      continue;
    }
    texts.set(note, p.size);
    // "ascending size" (§14): a size below one listed before it is out of place.
    if (p.size < highest) {
      if (unordered === null) unordered = { at: i, size: p.size, after: highest, count: 0 };
      unordered.count++;
    }
    highest = Math.max(highest, p.size);
    const id = `${p.origin}\n${p.size}\n${toHex(p.root)}`;
    const ofSize = perSize.get(p.size) ?? 0;
    if (checkpoints.has(id) || ofSize >= NOTES_PER_SIZE) {
      repeats.set(p.size, (repeats.get(p.size) ?? 0) + 1);
      continue;
    }
    checkpoints.add(id);
    perSize.set(p.size, ofSize + 1);
    kept.push(p);
  }
  if (unordered !== null) {
    const { at, size, after, count } = unordered;
    const more = count > 1 ? ` (${count - 1} more out of place)` : "";
    failures.push(fail("checkpoint_unordered", `checkpoints must ascend by size: checkpoints[${at}] (size ${size}) comes after size ${after}${more}`, { size }));
  }
  for (const [size, n] of repeats) {
    const notesText = `${n} more note${n === 1 ? "" : "s"}`;
    if (size < 0) {
      failures.push(fail("checkpoint_duplicate", `${notesText} repeating a checkpoint note that does not parse`));
    } else {
      failures.push(
        fail(
          "checkpoint_duplicate",
          `checkpoint of size ${size} given again: ${notesText} (the same note, the same checkpoint with other signature lines, or a third root for one size) set aside unchecked`,
          { size },
        ),
      );
    }
  }
  return kept;
}
