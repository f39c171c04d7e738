/**
 * A real log in memory (MemoryTree, records signed with real keys, checkpoints
 * signed by a real log key, cosigned by real witness keys) and a bundle
 * assembler over it, the way the server's exporter assembles one from a store.
 */
import { expect } from "vitest";
import { toBase64 } from "../../src/bytes.js";
import { generateEd25519KeyPair, sha256, type CryptoBackend } from "../../src/crypto.js";
import { MemoryTree, hashLeaf } from "../../src/merkle/index.js";
import { cosignCheckpoint, generateSignerKey, generateWitnessKey, signCheckpoint, signerFromKey, witnessSignerFromKey } from "../../src/note/index.js";
import { buildKeyRecord, buildRecord, buildRedactionRecord, type BuiltRecord } from "../../src/record/index.js";
import {
  BUNDLE_FORMAT,
  multiLeafProofPlan,
  verifyBundle,
  verifyBundleBytes,
  verifyBundleText,
  type AnchorVerifier,
  type BundleFailureCode,
  type BundleRecord,
  type BundleReport,
  type EvidenceBundle,
  type VerifyBundleOptions,
} from "../../src/bundle/index.js";
import { toHex, utf8 } from "../../src/bytes.js";

export const ORIGIN = "example.com/sealtrail/default";
export const VAULT = "default";

/** One logged entry and what is stored beside it. */
export interface Logged {
  readonly index: number;
  readonly rec: BuiltRecord;
  readonly type: string;
}

/** An author organisation with its key. */
export interface Author {
  readonly org: string;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

export class TestLog {
  readonly tree = new MemoryTree();
  readonly entries: Logged[] = [];
  readonly logKey = generateSignerKey(ORIGIN);
  readonly signer = signerFromKey(this.logKey.signerKey);
  readonly vkey = this.logKey.verifierKey;

  author(org: string): Author {
    const k = generateEd25519KeyPair();
    const a = { org, seed: k.seed, publicKey: k.publicKey };
    this.add(buildKeyRecord({ vault: VAULT, author: org, seed: k.seed, action: "register", publicKey: k.publicKey }));
    return a;
  }

  add(rec: BuiltRecord): Logged {
    const index = Number(this.tree.append(hashLeaf(rec.entry)));
    const l = { index, rec, type: rec.signed.env.type };
    this.entries.push(l);
    return l;
  }

  record(a: Author, payload: Record<string, unknown>, opts: { time?: Date; mode?: "author" | "custodial"; subjects?: string[]; type?: string } = {}): Logged {
    return this.add(
      buildRecord({
        vault: VAULT,
        type: opts.type ?? "sms.risk",
        author: a.org,
        seed: a.seed,
        payload,
        ...(opts.time ? { time: opts.time } : {}),
        ...(opts.mode ? { mode: opts.mode } : {}),
        ...(opts.subjects ? { subjects: opts.subjects } : {}),
      }),
    );
  }

  revoke(a: Author): Logged {
    return this.add(buildKeyRecord({ vault: VAULT, author: a.org, seed: a.seed, action: "revoke", publicKey: a.publicKey }));
  }

  redact(a: Author, target: Logged, reason = "erasure request"): Logged {
    return this.add(
      buildRedactionRecord({ vault: VAULT, author: a.org, seed: a.seed, redacts: { index: target.index, leafHash: toHex(hashLeaf(target.rec.entry)), reason } }),
    );
  }

  checkpoint(size = this.entries.length): string {
    return signCheckpoint({ origin: ORIGIN, size: BigInt(size), root: this.tree.root(BigInt(size)) }, this.signer);
  }
}

/** A witness with its keys. */
export function makeWitness(name: string) {
  const k = generateWitnessKey(name);
  const signer = witnessSignerFromKey(k.signerKey);
  return { verifierKey: k.verifierKey, cosign: (note: string, time = 1_700_000_000n) => cosignCheckpoint(note, signer, time) };
}

/** A test anchor record over a note: the "test" plug-in trusts its `time` (real anchors are tested in the server). */
export function testAnchor(note: string, time: Date, size: number): Record<string, unknown> {
  return { type: "test", checkpointSize: size, checkpointHash: toHex(sha256(utf8(note))), time: time.toISOString() };
}

function asBundled(l: Logged, opts: { redact?: boolean } = {}): BundleRecord {
  const r: BundleRecord = { index: l.index, entry: toBase64(l.rec.entry) };
  if (l.rec.payload === undefined || opts.redact === true) return r;
  return { ...r, payload: l.rec.payload, salt: toBase64(l.rec.salt!) };
}

/**
 * Assemble a bundle of `selected` (and every key record, every redaction
 * record naming a selected entry) proven in the checkpoint of `proofSize`,
 * with `checkpoints` (notes, any order) and their consistency proofs.
 */
export function assemble(
  log: TestLog,
  selected: readonly number[],
  opts: { checkpoints?: string[]; proofSize?: number; anchors?: Record<string, unknown>[]; redacted?: number[] } = {},
): EvidenceBundle {
  const proofSize = opts.proofSize ?? log.entries.length;
  const notes = opts.checkpoints ?? [log.checkpoint(proofSize)];
  const keys = log.entries.filter((e) => e.type === "sealtrail.key" && e.index < proofSize);
  const picked = new Set(selected);
  for (const e of log.entries) {
    const env = e.rec.signed.env;
    if (env.redacts !== undefined && picked.has(env.redacts.index) && e.index < proofSize) picked.add(e.index);
  }
  const records = log.entries.filter((e) => picked.has(e.index) && e.type !== "sealtrail.key");
  const indices = [...new Set([...keys.map((k) => k.index), ...records.map((r) => r.index)])].sort((a, b) => a - b);
  const leafHashes = new Uint8Array(indices.length * 32);
  indices.forEach((ix, i) => leafHashes.set(log.tree.leafHash(BigInt(ix)), i * 32));
  const plan = multiLeafProofPlan(indices, proofSize);
  const proofHashes = plan.assemble(plan.nodes.map((id) => log.tree.nodeHash(id)));
  const proof = new Uint8Array(proofHashes.length * 32);
  proofHashes.forEach((h, i) => proof.set(h, i * 32));
  const sizes = [...new Set(notes.map((n) => Number(n.split("\n")[1])))].sort((a, b) => a - b);
  const consistency = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    consistency.push({
      from: sizes[i]!,
      to: sizes[i + 1]!,
      proof: log.tree.consistencyProof(BigInt(sizes[i]!), BigInt(sizes[i + 1]!)).map(toBase64),
    });
  }
  const redacted = new Set(opts.redacted ?? []);
  return {
    format: BUNDLE_FORMAT,
    vault: VAULT,
    origin: ORIGIN,
    createdAt: new Date().toISOString(),
    selection: "test",
    checkpoints: notes,
    consistency,
    anchors: opts.anchors ?? [],
    manifest: { indices, leafHashes: toBase64(leafHashes) },
    inclusion: { size: proofSize, proof: toBase64(proof) },
    keys: keys.map((k) => asBundled(k)),
    records: records.map((r) => asBundled(r, { redact: redacted.has(r.index) })),
  };
}

/** A deep copy to tamper with. */
export function copy<T>(x: unknown): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

// The "test" anchor type stands for a real one in core's tests: it trusts
// the time in the record, and refuses one marked forged. Real RFC 3161 and
// EVM anchors are verified in the server's tests.
export const anchorVerifiers: Record<string, AnchorVerifier> = {
  test: async (a) => {
    if (typeof a.time !== "string" || a.forged === true) throw new Error("test anchor refused");
    return { time: new Date(a.time) };
  },
};

/** Every failure code of a report: the bundle's, then each record's. */
export function codes(r: BundleReport): BundleFailureCode[] {
  return [...r.failures.map((f) => f.code), ...r.records.flatMap((x) => x.failures.map((f) => f.code))];
}

/** The failure codes of the record at `index`. */
export function recordCodes(r: BundleReport, index: number): BundleFailureCode[] {
  return r.records.find((x) => x.index === index)!.failures.map((f) => f.code);
}

/**
 * A crypto backend that counts the work done through it: every Ed25519
 * verification and every SHA-256. Install it with setCryptoBackend, read
 * the counts, `reset()` between runs.
 */
export function countingBackend(inner: CryptoBackend) {
  const counts = { verify: 0, hash: 0 };
  const backend: CryptoBackend = {
    ...inner,
    name: `counting ${inner.name}`,
    ed25519Verify: (publicKey, message, signature) => {
      counts.verify++;
      return inner.ed25519Verify(publicKey, message, signature);
    },
    sha256: (data) => {
      counts.hash++;
      return inner.sha256(data);
    },
    sha256Hex: (data) => {
      counts.hash++;
      return inner.sha256Hex(data);
    },
    sha256Parts: (parts) => {
      counts.hash++;
      return inner.sha256Parts(parts);
    },
  };
  return {
    backend,
    counts,
    reset: () => {
      counts.verify = 0;
      counts.hash = 0;
    },
  };
}

/**
 * Verify one bundle by every route (verifyBundle over the object,
 * verifyBundleText over its JSON text, verifyBundleBytes over its UTF-8
 * bytes), expect the same report from each, and return it with what each
 * route cost (read by `work`, reset by `reset`, before and after each).
 */
export async function everyRoute<W>(
  bundle: unknown,
  policy: unknown,
  options: VerifyBundleOptions = {},
  meter: { reset: () => void; work: () => W } = { reset: () => {}, work: () => undefined as W },
): Promise<{ report: BundleReport; work: W[] }> {
  const text = JSON.stringify(bundle);
  const routes = [
    () => verifyBundle(JSON.parse(text), policy, options),
    () => verifyBundleText(text, policy, options),
    () => verifyBundleBytes(utf8(text), policy, options),
  ];
  const reports: BundleReport[] = [];
  const work: W[] = [];
  for (const route of routes) {
    meter.reset();
    reports.push(await route());
    work.push(meter.work());
  }
  expect(reports[1]).toEqual(reports[0]);
  expect(reports[2]).toEqual(reports[0]);
  return { report: reports[0]!, work };
}
