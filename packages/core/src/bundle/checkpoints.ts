/**
 * The bundle's checkpoints (docs/formats.md §14, steps 1 and 2): each one's
 * origin, log signature and witness cosignatures, split views, and the
 * consistency proofs that link them to the checkpoint the records are
 * proven in.
 */
import { bytesEqual, fromBase64, toHex, utf8 } from "../bytes.js";
import { sha256 } from "../crypto.js";
import { verifyConsistency } from "../merkle/verify.js";
import { openCheckpoint, parseCheckpoint } from "../note/checkpoint.js";
import { verifyCosignatures } from "../note/cosignature.js";
import { parseNote } from "../note/note.js";
import { HASH } from "./base64.js";
import type { VerificationPolicy } from "./policy.js";
import { fail, isObj, type Cp } from "./state.js";
import type { BundleFailure } from "./types.js";

export function checkCheckpoints(notes: readonly string[], policy: VerificationPolicy, failures: BundleFailure[]): Cp[] {
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
export function checkConsistency(cps: Cp[], proofs: readonly unknown[], proofCp: Cp | null, failures: BundleFailure[]): void {
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
