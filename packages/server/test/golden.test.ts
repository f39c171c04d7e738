/**
 * The golden log of testdata/golden (see its SOURCE.md), as Tessera's
 * testdata/log: any change to a byte format (envelope, canonical JSON,
 * hashing, checkpoint text, tiles, entry bundles, tlog-proof) shows up here.
 *
 * (a) rebuilding the log with the same fixed inputs through the real ledger
 *     gives every committed file byte for byte;
 * (b) the committed files verify with @sealtrail/core alone, as a third party
 *     holding only the directory would check them.
 *
 * Needs `npm run build` (the builder runs the built server). Regenerate with
 * `node scripts/make-golden.mjs` only for an intentional format change.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KEY_RECORD_TYPE,
  MemoryTree,
  TILE_HEIGHT,
  TILE_WIDTH,
  bytesEqual,
  canonicalize,
  fromBase64,
  hashLeaf,
  keyChangePublicKey,
  nodeHashFromTile,
  openCheckpoint,
  parseEntry,
  parseEntryBundle,
  parseTilePath,
  parseTlogProof,
  payloadCommitment,
  tileForNode,
  tilePath,
  tileWidth,
  toHex,
  treeRoot,
  verifyConsistency,
  verifyEnvelopeSignature,
  verifyTlogProof,
  type SignedEnvelope,
} from "@sealtrail/core";
import { buildGolden, type GoldenInputs } from "./fixtures/golden-build.mjs";

const GOLDEN = join(import.meta.dirname, "..", "..", "..", "testdata", "golden");
// Hand-written, not generated.
const NOT_GENERATED = new Set(["SOURCE.md"]);

function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(root, p));
    else out.push(relative(root, p).split(sep).join("/"));
  }
  return out.sort();
}

const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(GOLDEN, rel)));
const readText = (rel: string): string => readFileSync(join(GOLDEN, rel), "utf8");

/** The numbered files of a folder, required to be exactly first..first+n-1. */
function numbered(folder: string, first: number): number[] {
  const names = readdirSync(join(GOLDEN, folder)).map(Number).sort((a, b) => a - b);
  expect(names, `${folder}/ holds ${first}..${first + names.length - 1}`).toEqual(names.map((_, i) => first + i));
  return names;
}

describe("golden log: rebuilt byte for byte", () => {
  let out = "";
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "sealtrail-golden-test-"));
  });
  afterAll(() => {
    if (out !== "") rmSync(out, { recursive: true, force: true });
  });

  it("produces exactly the committed files, with identical bytes", async () => {
    const written = await buildGolden(out);
    expect(listFiles(out)).toEqual(written);
    const committed = listFiles(GOLDEN).filter((f) => !NOT_GENERATED.has(f));
    expect(written, "the set of generated files changed").toEqual(committed);
    const differ = written.filter((f) => !bytesEqual(new Uint8Array(readFileSync(join(out, f))), read(f)));
    expect(differ, "these files changed: regenerate with scripts/make-golden.mjs only for an intentional format change").toEqual([]);
  });
});

describe("golden log: verifies with core alone", () => {
  const inputs = JSON.parse(readText("inputs.json")) as GoldenInputs;
  const vkeyText = readText("vkey");
  const vkey = vkeyText.slice(0, -1);
  const n = numbered("entries", 0).length;
  const entries = Array.from({ length: n }, (_, i) => read(`entries/${i}`));
  const tree = new MemoryTree(entries.map(hashLeaf));
  const N = BigInt(n);

  it("has one entry per input, the vkey line of the log, and a latest checkpoint", () => {
    expect(n).toBe(inputs.records.length);
    expect(n).toBeGreaterThanOrEqual(16);
    expect(vkeyText.endsWith("\n") && !vkey.includes("\n")).toBe(true);
    expect(vkey.startsWith(inputs.origin + "+")).toBe(true);
    expect(readText("checkpoint")).toBe(readText(`checkpoints/${n}`));
  });

  it("entries are canonical, signed by keys the log itself registered, and commit to their payloads", () => {
    // The key registry, replayed from the log (as a verifier does).
    const keys = new Map<string, { org: string; publicKey: Uint8Array; revoked: boolean }>();
    for (const [i, entry] of entries.entries()) {
      const input = inputs.records[i]!;
      const signed: SignedEnvelope = parseEntry(entry);
      const env = signed.env;
      expect(env.vault, `entry ${i}`).toBe(inputs.vault);
      expect(env.type, `entry ${i}`).toBe(input.type);
      expect(env.author, `entry ${i}`).toBe(input.author);
      expect(env.mode, `entry ${i}`).toBe(input.mode);
      expect(env.time, `entry ${i}`).toBe(input.time);
      expect(env.keyId, `entry ${i}`).toBe(inputs.keys[input.key]!.keyId);
      expect(env.subjects, `entry ${i}`).toEqual(input.subjects);

      if (env.type === KEY_RECORD_TYPE) {
        const k = env.key!;
        expect(k.action, `entry ${i}`).toBe(input.keyChange!.action);
        if (k.action === "register") {
          // Proof of possession: signed by the key it registers.
          expect(env.keyId, `entry ${i}`).toBe(k.keyId);
          keys.set(k.keyId, { org: env.author, publicKey: keyChangePublicKey(k), revoked: false });
        }
      }
      const signer = keys.get(env.keyId);
      expect(signer, `entry ${i}: key ${env.keyId} registered earlier in the log`).toBeDefined();
      expect(signer!.org, `entry ${i}`).toBe(env.author);
      expect(signer!.revoked, `entry ${i}: signed with a revoked key`).toBe(false);
      expect(verifyEnvelopeSignature(signed, signer!.publicKey), `entry ${i}: signature`).toBe(true);
      if (env.key?.action === "revoke") keys.get(env.key.keyId)!.revoked = true;

      if (input.supersedes !== undefined) expect(env.supersedes, `entry ${i}`).toEqual({ index: input.supersedes, leafHash: toHex(hashLeaf(entries[input.supersedes]!)) });
      else expect(env.supersedes, `entry ${i}`).toBeUndefined();

      const payloadFile = join(GOLDEN, "payloads", String(i));
      if (input.payload === undefined) {
        expect(env.payload, `entry ${i}`).toBeUndefined();
        expect(() => statSync(payloadFile), `entry ${i} has no payload file`).toThrow();
      } else {
        const text = readText(`payloads/${i}`);
        expect(text, `payloads/${i} is the RFC 8785 form of the input`).toBe(canonicalize(input.payload));
        expect(payloadCommitment(JSON.parse(text), fromBase64(input.salt!)), `entry ${i}: commitment`).toBe(env.payload);
      }
    }
    expect([...keys.values()].filter((k) => k.revoked)).toHaveLength(1);
  });

  it("every checkpoint opens with the vkey and commits to the root of its prefix; consecutive ones are consistent", () => {
    const sizes = numbered("checkpoints", 1);
    expect(sizes).toHaveLength(n);
    const roots: Uint8Array[] = [];
    for (const size of sizes) {
      const cp = openCheckpoint(read(`checkpoints/${size}`), vkey);
      expect(cp.origin).toBe(inputs.origin);
      expect(cp.size).toBe(BigInt(size));
      expect(cp.extensions).toEqual([]);
      expect(toHex(cp.root), `checkpoint ${size}`).toBe(toHex(tree.root(BigInt(size))));
      roots[size] = cp.root;
    }
    for (let m = 1; m < n; m++) {
      const proof = tree.consistencyProof(BigInt(m), BigInt(m + 1));
      expect(() => verifyConsistency(BigInt(m), BigInt(m + 1), proof, roots[m]!, roots[m + 1]!), `${m} -> ${m + 1}`).not.toThrow();
    }
  });

  it("the committed consistency proofs to the latest size verify and are the RFC 6962 proofs", () => {
    const from = numbered("consistency", 1);
    expect(from).toHaveLength(n - 1);
    const last = openCheckpoint(readText("checkpoint"), vkey);
    for (const m of from) {
      const text = readText(`consistency/${m}`);
      const proof = text === "" ? [] : text.slice(0, -1).split("\n").map((l) => fromBase64(l));
      expect(text.endsWith("\n") || text === "", `consistency/${m}`).toBe(true);
      const first = openCheckpoint(read(`checkpoints/${m}`), vkey);
      expect(() => verifyConsistency(BigInt(m), N, proof, first.root, last.root), `consistency/${m}`).not.toThrow();
      expect(proof.map(toHex), `consistency/${m}`).toEqual(tree.consistencyProof(BigInt(m), N).map(toHex));
    }
  });

  it("every tlog-proof verifies its entry against the latest checkpoint", () => {
    numbered("proofs", 0);
    const latest = readText("checkpoint");
    for (const [i, entry] of entries.entries()) {
      const text = read(`proofs/${i}`);
      const v = verifyTlogProof(text, entry, vkey);
      expect(v.index, `proofs/${i}`).toBe(BigInt(i));
      expect(v.size, `proofs/${i}`).toBe(N);
      expect(parseTlogProof(text).checkpoint, `proofs/${i}`).toBe(latest);
      // And not for another entry.
      expect(() => verifyTlogProof(text, entries[(i + 1) % n]!, vkey), `proofs/${i}`).toThrow();
    }
  });

  it("the tiles hold the entries' hashes, the entry bundle the entries, and the tiles give the root", () => {
    const files = listFiles(join(GOLDEN, "tile")).map((f) => `tile/${f}`);
    const hashTiles = new Map<string, Uint8Array>();
    let bundled = 0;
    for (const f of files) {
      const t = parseTilePath(f);
      const bytes = read(f);
      if (t.kind === "entries") {
        expect(t.width, f).toBe(Math.min(TILE_WIDTH, n - Number(t.index) * TILE_WIDTH));
        const got = parseEntryBundle(bytes, t.width);
        const want = entries.slice(Number(t.index) * TILE_WIDTH, Number(t.index) * TILE_WIDTH + t.width);
        expect(got.map(toHex), f).toEqual(want.map(toHex));
        bundled += got.length;
        continue;
      }
      // The tile of a tree of N leaves: its width there, and its hashes
      // those of the perfect subtrees at tree level 8L.
      expect(t.width, f).toBe(tileWidth(t.level, t.index, N));
      expect(bytes.length, f).toBe(t.width * 32);
      for (let j = 0; j < t.width; j++) {
        const want = tree.nodeHash({ level: t.level * TILE_HEIGHT, index: t.index * BigInt(TILE_WIDTH) + BigInt(j) });
        expect(toHex(bytes.subarray(j * 32, j * 32 + 32)), `${f} hash ${j}`).toBe(toHex(want));
      }
      if (t.level === 0) {
        for (let j = 0; j < t.width; j++) {
          const leaf = entries[Number(t.index) * TILE_WIDTH + j]!;
          expect(bytesEqual(bytes.subarray(j * 32, j * 32 + 32), hashLeaf(leaf)), `${f} leaf ${j}`).toBe(true);
        }
      }
      hashTiles.set(f, bytes);
    }
    expect(bundled).toBe(n);
    // A tlog-tiles client: the root of the latest checkpoint, from the tiles alone.
    const root = treeRoot(N, (id) => {
      const path = tilePath(tileForNode(id, N));
      const tile = hashTiles.get(path);
      if (tile === undefined) throw new Error(`${path} is not in the golden log`);
      return nodeHashFromTile(tile, id);
    });
    expect(toHex(root)).toBe(toHex(openCheckpoint(readText("checkpoint"), vkey).root));
    // Exactly the tiles of a tree of N leaves: none missing, none extra.
    const expected: string[] = [];
    for (let level = 0; N >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
      const nodes = N >> BigInt(TILE_HEIGHT * level);
      for (let index = 0n; index * BigInt(TILE_WIDTH) < nodes; index++) expected.push(tilePath({ level, index, width: tileWidth(level, index, N) }));
    }
    expect([...hashTiles.keys()].sort()).toEqual(expected.sort());
  });
});
