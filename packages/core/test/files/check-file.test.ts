/**
 * checkFileAgainst: every link from a file's bytes to a log-signed checkpoint
 * is checked on the caller's side, so a log (or a server in front of it)
 * that answers with a swapped payload, a record naming other bytes, an
 * unregistered key or a wrong proof is caught, naming what failed.
 */
import { describe, expect, it } from "vitest";
import { toBase64, toHex, utf8 } from "../../src/bytes.js";
import { hashBytes } from "../../src/files/hash.js";
import { hashLeaf, inclusionProof } from "../../src/merkle/index.js";
import { formatTlogProof } from "../../src/proof/tlog-proof.js";
import { checkFileAgainst, type FileCheckDeps } from "../../src/client/file-check.js";
import { TestLog, VAULT, makeWitness, type Logged } from "../bundle/helpers.js";

const bytes = utf8("%PDF-1.7\nthe policy\n%%EOF\n");
const digest = hashBytes(bytes);
const descriptor = { ...digest, mediaType: "application/pdf", name: "policy.pdf" };

function fixture() {
  const log = new TestLog();
  const acme = log.author("acme");
  const named = log.record(acme, { title: "policy", attachments: [descriptor] }, { type: "test.document" });
  const other = log.record(acme, { title: "other", attachments: [{ ...descriptor, sha256: "0".repeat(64) }] }, { type: "test.document" });
  const witness = makeWitness("witness.example/w1");
  const note = witness.cosign(log.checkpoint());
  const size = BigInt(log.entries.length);
  const read = (id: { level: number; index: bigint }) => log.tree.nodeHash(id as never);
  const view = (l: Logged) => ({
    leafHash: toHex(hashLeaf(l.rec.entry)),
    entryBase64: toBase64(l.rec.entry),
    payload: l.rec.payload === undefined ? null : (JSON.parse(l.rec.payload) as unknown),
    salt: l.rec.salt === undefined ? null : toBase64(l.rec.salt),
    sequencedAt: "2026-03-01T00:00:00.000Z",
  });
  const deps: FileCheckDeps = {
    record: async (_v, index) => view(log.entries[index]!),
    inclusionProof: async (_v, index) => formatTlogProof({ index: BigInt(index), proof: inclusionProof(BigInt(index), size, read), checkpoint: note }),
    verifierKey: async () => log.vkey,
    keyRecords: async (_v, author) => log.entries.filter((e) => e.type === "sealtrail.key" && e.rec.signed.env.author === author).map((e) => e.index),
    anchors: async () => [
      { type: "rfc3161", checkpointSize: named.index, createdAt: "2026-03-01T00:00:00Z" },
      { type: "rfc3161", checkpointSize: Number(size), createdAt: "2026-03-02T00:00:00Z" },
    ],
  };
  return { log, named, other, witness, deps };
}

describe("checkFileAgainst", () => {
  it("verifies a record naming the bytes: signer, key, checkpoint, witness and the first anchor covering it", async () => {
    const { log, named, witness, deps } = fixture();
    const r = await checkFileAgainst(deps, VAULT, digest, [{ index: named.index }], { witnessKeys: [witness.verifierKey] });
    expect(r.found).toBe(true);
    expect(r.vkeyFrom).toBe("log");
    const [x] = r.records;
    expect(x).toMatchObject({ index: named.index, verified: true, author: "acme", type: "test.document", attachment: descriptor, keyId: named.rec.signed.env.keyId });
    expect(x!.checkpoint).toMatchObject({ size: log.entries.length, witnesses: [{ name: "witness.example/w1", verified: true }] });
    // The anchor of size named.index does not cover the record: the one of the full size does.
    expect(x!.anchors.map((a) => a.createdAt)).toEqual(["2026-03-02T00:00:00Z"]);
    const unchecked = await checkFileAgainst(deps, VAULT, digest, [{ index: named.index }], { vkey: log.vkey });
    expect(unchecked.vkeyFrom).toBe("caller");
    expect(unchecked.records[0]!.checkpoint!.witnesses).toEqual([{ name: "witness.example/w1", time: expect.any(String), verified: false }]);
  });

  it("answers not found for no record, and names each broken link", async () => {
    const { named, other, deps } = fixture();
    expect(await checkFileAgainst(deps, VAULT, digest, [])).toMatchObject({ found: false, records: [] });

    const problem = async (d: FileCheckDeps, index = named.index, dg = digest) => {
      const r = await checkFileAgainst(d, VAULT, dg, [{ index }]);
      expect(r.found).toBe(false);
      return r.records[0]!.problem;
    };
    // A record that names other bytes.
    expect(await problem(deps, other.index)).toMatch(/does not name these bytes/);
    // Another length than the bytes have.
    expect(await problem(deps, named.index, { ...digest, length: digest.length + 1 })).toMatch(/with length/);
    // A payload swapped for one that names the bytes but is not the signed one.
    const swapped: FileCheckDeps = { ...deps, record: async (v, i) => ({ ...(await deps.record(v, i)), payload: { title: "forged", attachments: [descriptor] } }) };
    expect(await problem(swapped)).toMatch(/not the one the signed envelope commits to/);
    // A redacted payload can no longer show the file.
    const redacted: FileCheckDeps = { ...deps, record: async (v, i) => ({ ...(await deps.record(v, i)), payload: null, salt: null }) };
    expect(await problem(redacted)).toMatch(/redacted/);
    expect((await checkFileAgainst(redacted, VAULT, digest, [{ index: named.index }])).records[0]!.redacted).toBe(true);
    expect((await checkFileAgainst(deps, VAULT, digest, [{ index: other.index }])).records[0]!.redacted).toBeUndefined();
    // No key record for the author.
    expect(await problem({ ...deps, keyRecords: async () => [] })).toMatch(/registers no key/);
    // An inclusion proof of another entry.
    expect(await problem({ ...deps, inclusionProof: (v) => deps.inclusionProof(v, other.index) })).toMatch(/inclusion proof|index/);
    // Another log's checkpoint key.
    const foreign = new TestLog().vkey;
    expect((await checkFileAgainst(deps, VAULT, digest, [{ index: named.index }], { vkey: foreign })).records[0]!.problem).toMatch(/checkpoint/);
  });
});
