/**
 * The bundle's consistency proofs (docs/formats.md §14, step 2): one
 * RFC 9162 §2.1.4 proof for each two consecutive distinct sizes among the
 * bundled checkpoints, and nothing else. An entry that is not a proof, or
 * one that proves nothing the verifier uses, is refused before any hashing,
 * so padding costs no work; a checkpoint linked to the proof's checkpoint
 * by verified proofs is usable for anchors.
 */
import { fromBase64 } from "../bytes.js";
import { verifyConsistency } from "../merkle/verify.js";
import { fail, isObj, type Cp } from "./state.js";
import type { BundleFailure } from "./types.js";

interface Entry {
  readonly from: number;
  readonly to: number;
  readonly proof: readonly string[];
}

/** One failure per kind of fault, naming the first entry and counting the rest. */
class Tally {
  first: { at: number; why: string } | null = null;
  count = 0;
  add(at: number, why: string): void {
    this.first ??= { at, why };
    this.count++;
  }
  report(failures: BundleFailure[], code: "consistency_malformed" | "consistency_superfluous"): void {
    if (this.first === null) return;
    const more = this.count > 1 ? ` (and ${this.count - 1} more such entr${this.count === 2 ? "y" : "ies"})` : "";
    failures.push(fail(code, `consistency[${this.first.at}] ${this.first.why}${more}`));
  }
}

function isEntry(x: unknown): x is Entry {
  const size = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  return isObj(x) && size(x.from) && size(x.to) && Array.isArray(x.proof) && x.proof.every((h) => typeof h === "string");
}

/**
 * Check the consistency entries against the checkpoints kept (`cps`):
 * structure first (`consistency_malformed`, `consistency_superfluous`), then
 * each consecutive pair of valid sizes (`consistency_unproven`, or
 * `split_view` for a proof that fails), and mark the usable checkpoints.
 */
export function checkConsistency(cps: Cp[], proofs: readonly unknown[], proofCp: Cp | null, failures: BundleFailure[]): void {
  // The pairs an exporter writes: consecutive distinct sizes among every
  // bundled checkpoint (§14), whether or not its signature holds.
  const bundled = [...new Set(cps.map((c) => c.size))].sort((x, y) => x - y);
  const wanted = new Set<string>();
  for (let i = 0; i + 1 < bundled.length; i++) wanted.add(`${bundled[i]}-${bundled[i + 1]}`);
  const byPair = new Map<string, Entry>();
  const malformed = new Tally();
  const superfluous = new Tally();
  for (let i = 0; i < proofs.length; i++) {
    const x = proofs[i];
    if (!isEntry(x)) {
      malformed.add(i, "is not {from, to, proof: [base64 hash, …]} with sizes below 2^53");
      continue;
    }
    const pair = `${x.from}-${x.to}`;
    if (x.from >= x.to) superfluous.add(i, `proves nothing: from ${x.from} is not below to ${x.to}`);
    else if (!wanted.has(pair)) superfluous.add(i, `proves nothing: ${x.from} and ${x.to} are not two consecutive sizes among the bundled checkpoints`);
    else if (byPair.has(pair)) superfluous.add(i, `proves nothing: a second proof from ${x.from} to ${x.to}`);
    else byPair.set(pair, x);
  }
  malformed.report(failures, "consistency_malformed");
  superfluous.report(failures, "consistency_superfluous");

  // Consecutive distinct valid sizes must be proven consistent (RFC 9162 §2.1.4).
  const roots = new Map<number, Uint8Array>();
  for (const c of cps) if (c.valid && !roots.has(c.size)) roots.set(c.size, c.root);
  const sizes = [...roots.keys()].sort((x, y) => x - y);
  const linked = new Set<string>();
  for (let i = 0; i + 1 < sizes.length; i++) {
    const from = sizes[i]!;
    const to = sizes[i + 1]!;
    const p = byPair.get(`${from}-${to}`);
    if (p === undefined) {
      failures.push(fail("consistency_unproven", `no consistency proof between checkpoints ${from} and ${to}`, { size: to }));
      continue;
    }
    let hashes: Uint8Array[];
    try {
      hashes = p.proof.map((h) => fromBase64(h, "consistency proof hash"));
    } catch (e) {
      failures.push(fail("consistency_malformed", `the consistency proof from ${from} to ${to}: ${(e as Error).message}`, { size: to }));
      failures.push(fail("consistency_unproven", `no consistency proof between checkpoints ${from} and ${to}`, { size: to }));
      continue;
    }
    try {
      verifyConsistency(BigInt(from), BigInt(to), hashes, roots.get(from)!, roots.get(to)!);
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
