import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildKeyRecord,
  buildRecord,
  canonicalBytes,
  formatSignerKey,
  generateEd25519KeyPair,
  generateSignerKey,
  hashLeaf,
  randomBytes,
  signCheckpoint,
  signerFromKey,
  toBase64,
  type SignedEnvelope,
} from "@sealtrail/core";
import { openContext } from "../src/main.js";
import { main } from "../src/cli/run.js";
import { auditVault, type AuditProblem, type AuditReport } from "../src/ledger/audit.js";
import {
  VAULT,
  buildAuditLog,
  copyLog,
  deleteEntry,
  entryAt,
  insertRecord,
  moveEntry,
  otherPublicKey,
  renumber,
  signedOf,
  swapEntries,
  tamper,
  writeEntry,
  type AuditLog,
} from "./helpers/audit-log.js";

let log: AuditLog;
const dirs: (() => void)[] = [];

beforeAll(async () => {
  log = await buildAuditLog(300);
});
afterAll(() => {
  for (const c of dirs) c();
  log?.cleanup();
});

/** Copy the log, tamper with the copy, audit it. */
async function auditTampered(fn: Parameters<typeof tamper>[1], opts: Parameters<typeof auditVault>[2] = {}): Promise<AuditReport> {
  const copy = copyLog(log);
  dirs.push(copy.cleanup);
  tamper(copy.dir, fn);
  const r = await auditDir(copy.dir, opts);
  // AUDIT_DEBUG=1 prints every report, to read the messages.
  if (process.env.AUDIT_DEBUG) console.log(expect.getState().currentTestName + "\n" + r.problems.map((p) => `  ${p.kind}@${p.index ?? ""}/${p.size ?? ""}: ${p.message}`).join("\n"));
  return r;
}

async function auditDir(dir: string, opts: Parameters<typeof auditVault>[2] = {}): Promise<AuditReport> {
  const ctx = await openContext({ data: dir });
  try {
    return await auditVault(ctx.store, VAULT, opts);
  } finally {
    await ctx.close();
  }
}

const kinds = (r: AuditReport) => [...new Set(r.problems.map((p) => p.kind))].sort();
const find = (r: AuditReport, kind: string, where: { index?: number; size?: number } = {}): AuditProblem | undefined =>
  r.problems.find(
    (p) =>
      p.kind === kind &&
      (where.index === undefined || p.index === BigInt(where.index)) &&
      (where.size === undefined || p.size === BigInt(where.size)),
  );
function expectProblem(r: AuditReport, kind: string, where: { index?: number; size?: number } = {}): AuditProblem {
  const p = find(r, kind, where);
  expect(p, `expected a ${kind} problem at ${JSON.stringify(where)}; got:\n${r.problems.map((x) => `${x.kind}@${x.index ?? x.size}: ${x.message}`).join("\n")}`).toBeDefined();
  return p!;
}

function edit(entry: Uint8Array, change: (s: SignedEnvelope) => SignedEnvelope): Uint8Array {
  return canonicalBytes(change(signedOf(entry)));
}

describe("auditVault on an untampered log", () => {
  it("finds no discrepancy in 300 entries, a key rotation and 6 checkpoints", async () => {
    const progress: [number, number][] = [];
    const r = await auditDir(log.dir, { onProgress: (d, t) => progress.push([d, t]) });
    expect(r.problems).toEqual([]);
    expect(r.entries).toBe(300);
    expect(r.checkpoints).toBe(6);
    expect(log.checkpointSizes).toEqual([1, 40, 120, 200, 257, 290]);
    expect(progress.at(-1)).toEqual([300, 300]);
  });

  it("pages through the entries in small pages with the same result", async () => {
    const r = await auditDir(log.dir, { pageSize: 7 });
    expect(r.problems).toEqual([]);
    expect(r.entries).toBe(300);
  });

  it("refuses an unknown vault", async () => {
    const ctx = await openContext({ data: log.dir });
    try {
      await expect(auditVault(ctx.store, "nope")).rejects.toMatchObject({ code: "not_found" });
    } finally {
      await ctx.close();
    }
  });
});

describe("auditVault: entries", () => {
  it("changed entry bytes: changed, leaf_hash, bad_signature at that index", async () => {
    const r = await auditTampered((db) => {
      writeEntry(db, 50, edit(entryAt(db, 50), (s) => ({ ...s, env: { ...s.env, subjects: ["shipment-forged"] } })));
    });
    expect(expectProblem(r, "changed", { index: 50 }).message).toMatch(/entry 50 differs/);
    expectProblem(r, "leaf_hash", { index: 50 });
    expectProblem(r, "bad_signature", { index: 50 });
    for (const size of [120, 200, 257, 290]) expectProblem(r, "checkpoint", { size });
    for (const size of [1, 40]) expect(find(r, "checkpoint", { size })).toBeUndefined();
    expectProblem(r, "tile", { index: 50 });
    expect(find(r, "missing")).toBeUndefined();
    expect(find(r, "reordered")).toBeUndefined();
  });

  it("changed entry with its leaf_hash column: changed (from the tiles), no leaf_hash problem", async () => {
    const r = await auditTampered((db) => {
      writeEntry(db, 50, edit(entryAt(db, 50), (s) => ({ ...s, env: { ...s.env, time: "2020-01-01T00:00:00.000Z" } })), { leafHash: true });
    });
    expectProblem(r, "changed", { index: 50 });
    expect(find(r, "leaf_hash")).toBeUndefined();
    expectProblem(r, "bad_signature", { index: 50 });
    expectProblem(r, "entry_column", { index: 50 });
  });

  it("a changed entry after the last checkpoint is still named (the tiles are the reference)", async () => {
    const r = await auditTampered((db) => {
      writeEntry(db, 295, edit(entryAt(db, 295), (s) => ({ ...s, env: { ...s.env, subjects: ["x"] } })), { leafHash: true });
    });
    expect(expectProblem(r, "changed", { index: 295 }).message).toMatch(/not yet covered by a signed checkpoint/);
    expect(find(r, "checkpoint")).toBeUndefined();
  });

  it("deleted entry (a gap): missing at that index", async () => {
    const r = await auditTampered((db) => deleteEntry(db, 77));
    expect(expectProblem(r, "missing", { index: 77 }).message).toMatch(/gap in the indices/);
    expectProblem(r, "tree");
    expect(r.problems.filter((p) => ["missing", "inserted", "reordered", "changed"].includes(p.kind))).toHaveLength(1);
    expect(r.entries).toBe(299);
  });

  it("deleted entry with the later ones renumbered: missing, the shift named, nothing reordered", async () => {
    const r = await auditTampered((db) => {
      deleteEntry(db, 77);
      renumber(db, 78, -1);
    });
    expect(expectProblem(r, "missing", { index: 77 }).message).toMatch(/222 entries from index 77 on were renumbered \(down by 1\)/);
    expect(r.problems.filter((p) => ["missing", "inserted", "reordered", "changed"].includes(p.kind))).toHaveLength(1);
    // The payloads moved with their entries.
    expect(find(r, "payload_changed")).toBeUndefined();
    expectProblem(r, "checkpoint", { size: 120 });
    expectProblem(r, "checkpoint", { size: 290 });
    expect(find(r, "checkpoint", { size: 40 })).toBeUndefined();
  });

  it("deleted entries at the end: missing", async () => {
    const r = await auditTampered((db) => {
      for (const i of [297, 298, 299]) deleteEntry(db, i);
    });
    expect(expectProblem(r, "missing", { index: 297 }).message).toMatch(/entries 297\.\.299 \(3\)/);
  });

  it("two entries swapped: reordered at both indices", async () => {
    const r = await auditTampered((db) => {
      swapEntries(db, 60, 61);
    });
    expect(expectProblem(r, "reordered", { index: 60 }).message).toMatch(/holds the record that the tree has at index 61/);
    expect(expectProblem(r, "reordered", { index: 61 }).message).toMatch(/at index 60/);
    expect(find(r, "changed")).toBeUndefined();
    expect(find(r, "missing")).toBeUndefined();
    expect(find(r, "inserted")).toBeUndefined();
  });

  it("an extra entry inserted with the later ones renumbered: inserted, signature valid", async () => {
    const r = await auditTampered((db) => {
      renumber(db, 150, 1);
      insertRecord(db, log, 150, { title: "backdated" });
    });
    expect(expectProblem(r, "inserted", { index: 150 }).message).toMatch(/150 entries from index 151 on were renumbered \(up by 1\)/);
    expect(find(r, "bad_signature")).toBeUndefined();
    expect(r.problems.filter((p) => ["missing", "inserted", "reordered", "changed"].includes(p.kind))).toHaveLength(1);
    expect(r.entries).toBe(301);
  });

  it("an extra entry after the end of the tree: inserted", async () => {
    const r = await auditTampered((db) => void insertRecord(db, log, 300, { title: "late" }));
    expectProblem(r, "inserted", { index: 300 });
    expectProblem(r, "tree");
  });
});

describe("auditVault: harder entry tampering", () => {
  it("one record moved later, the ones between shifted: reordered at both ends, nothing missing", async () => {
    const r = await auditTampered((db) => moveEntry(db, 100, 105));
    expectProblem(r, "reordered", { index: 100 });
    expect(expectProblem(r, "reordered", { index: 105 }).message).toMatch(/at index 100 /);
    expect(find(r, "missing")).toBeUndefined();
    expect(find(r, "inserted")).toBeUndefined();
    expect(find(r, "changed")).toBeUndefined();
  });

  it("two deletions with renumbering: two missing entries, each with its shift", async () => {
    const r = await auditTampered((db) => {
      deleteEntry(db, 20);
      renumber(db, 21, -1);
      deleteEntry(db, 200);
      renumber(db, 201, -1);
    });
    expectProblem(r, "missing", { index: 20 });
    // Entry 201 of the tree was renumbered to 200 by the first deletion, then deleted.
    expect(expectProblem(r, "missing", { index: 201 }).message).toMatch(/renumbered \(down by 1\)/);
    expect(r.problems.filter((p) => ["missing", "inserted", "reordered", "changed"].includes(p.kind))).toHaveLength(2);
  });

  it("indices shifted up with nothing lost: missing names the gap", async () => {
    const r = await auditTampered((db) => renumber(db, 150, 1));
    expect(expectProblem(r, "missing", { index: 150 }).message).toMatch(/gap in the indices, though no record of the tree is lost; the 150 entries from index 151 on were renumbered \(up by 1\)/);
    expect(r.problems.filter((p) => ["missing", "inserted", "reordered", "changed"].includes(p.kind))).toHaveLength(1);
  });

  it("an entry that is not a signed envelope: malformed and changed", async () => {
    const r = await auditTampered((db) => writeEntry(db, 12, new TextEncoder().encode('{"env":1}'), { leafHash: true }));
    expectProblem(r, "malformed", { index: 12 });
    expectProblem(r, "changed", { index: 12 });
  });

  it("an entry replaced by a copy of another: changed", async () => {
    const r = await auditTampered((db) => writeEntry(db, 13, entryAt(db, 14), { leafHash: true }));
    expect(expectProblem(r, "changed", { index: 13 }).message).toMatch(/a copy of the record at index 14/);
    expect(r.problems.filter((p) => ["missing", "inserted", "reordered", "changed"].includes(p.kind))).toHaveLength(1);
    expectProblem(r, "payload_changed", { index: 13 });
  });

  it("finds the same problems in pages of 7 entries", async () => {
    const r = await auditTampered(
      (db) => {
        deleteEntry(db, 77);
        renumber(db, 78, -1);
      },
      { pageSize: 7 },
    );
    expect(expectProblem(r, "missing", { index: 77 }).message).toMatch(/222 entries from index 77 on were renumbered/);
  });

  it("a deletion is still named missing when the tiles cannot be trusted", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE tiles SET hashes = ? WHERE vault = ? AND level = 0 AND idx = 0").run(randomBytes(256 * 32), VAULT);
      deleteEntry(db, 270);
    });
    expectProblem(r, "tile", { size: 1 });
    expect(expectProblem(r, "missing", { index: 270 }).message).toMatch(/gap in the indices/);
    expect(find(r, "changed")).toBeUndefined();
  });

  it("fewer entries than the checkpoints cover, when the tiles cannot be trusted: missing", async () => {
    const r = await auditTampered((db) => {
      db.prepare("DELETE FROM tiles WHERE vault = ? AND level = 0 AND idx = 0").run(VAULT);
      for (let i = 280; i < 300; i++) deleteEntry(db, i);
    });
    expect(expectProblem(r, "missing", { index: 280 }).message).toMatch(/store holds 280 entries .* cover 300/);
    expectProblem(r, "checkpoint", { size: 290 });
  });
});

describe("auditVault: signatures and keys", () => {
  it("a signature replaced by another valid-looking one: bad_signature", async () => {
    const r = await auditTampered((db) => {
      const other = signedOf(entryAt(db, 91)).sig;
      writeEntry(db, 90, edit(entryAt(db, 90), (s) => ({ ...s, sig: other })), { leafHash: true });
    });
    expectProblem(r, "bad_signature", { index: 90 });
    expectProblem(r, "changed", { index: 90 });
  });

  it("a record signed by a key revoked before it: revoked_key", async () => {
    const second = generateEd25519KeyPair();
    const copy = copyLog(log);
    dirs.push(copy.cleanup);
    // Register a key and revoke it through the ledger, then forge a later record signed by it.
    const ctx = await openContext({ data: copy.dir });
    try {
      const reg = buildKeyRecord({ vault: VAULT, author: log.org, seed: second.seed, action: "register", publicKey: second.publicKey, mode: "custodial" });
      const rev = buildKeyRecord({ vault: VAULT, author: log.org, seed: log.seed, action: "revoke", publicKey: second.publicKey, mode: "custodial" });
      await ctx.ledger.append(VAULT, [{ entry: reg.signed }, { entry: rev.signed }]);
    } finally {
      await ctx.close();
    }
    tamper(copy.dir, (db) => {
      const rec = buildRecord({ vault: VAULT, type: "test.risk", author: log.org, seed: second.seed, mode: "custodial" });
      const entry = canonicalBytes(rec.signed);
      db.prepare(
        "INSERT INTO entries (vault, idx, leaf_hash, entry, type, author, key_id, claimed_time, sequenced_at) VALUES (?, 302, ?, ?, 'test.risk', ?, ?, ?, 'x')",
      ).run(VAULT, hashLeaf(entry), entry, log.org, rec.signed.env.keyId, rec.signed.env.time);
    });
    const r = await auditDir(copy.dir);
    expectProblem(r, "revoked_key", { index: 302 });
    expectProblem(r, "inserted", { index: 302 });
    expect(find(r, "bad_signature")).toBeUndefined();
  });

  it("a record signed by a key no entry registers: unknown_key", async () => {
    const r = await auditTampered((db) => {
      const stranger = generateEd25519KeyPair();
      const rec = buildRecord({ vault: VAULT, type: "test.risk", author: log.org, seed: stranger.seed, mode: "custodial" });
      writeEntry(db, 30, canonicalBytes(rec.signed), { leafHash: true });
      db.prepare("DELETE FROM payloads WHERE vault = ? AND idx = 30").run(VAULT);
    });
    expectProblem(r, "unknown_key", { index: 30 });
    expectProblem(r, "changed", { index: 30 });
  });

  it("the keys table with a swapped public key: key_registry", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE keys SET public_key = ? WHERE vault = ? AND registered_idx = 0").run(otherPublicKey(), VAULT);
    });
    expect(expectProblem(r, "key_registry", { index: 0 }).message).toMatch(/public key/);
    expect(r.problems.every((p) => p.kind === "key_registry")).toBe(true);
  });

  it("the keys table with a revocation erased, or a key added: key_registry", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE keys SET revoked_idx = NULL WHERE vault = ? AND registered_idx = ?").run(VAULT, log.secondKey.registered);
      db.prepare("INSERT INTO keys (vault, key_id, org, public_key, registered_idx, revoked_idx) VALUES (?, ?, ?, ?, 5, NULL)").run(
        VAULT,
        "ab".repeat(16),
        log.org,
        otherPublicKey(),
      );
    });
    expect(expectProblem(r, "key_registry", { index: log.secondKey.registered }).message).toMatch(
      new RegExp(`not revoked, but in the log it is revoked at index ${log.secondKey.revoked}`),
    );
    expect(expectProblem(r, "key_registry", { index: 5 }).message).toMatch(/not registered by any entry/);
  });
});

describe("auditVault: payloads", () => {
  it("a changed payload: payload_changed", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE payloads SET payload = ? WHERE vault = ? AND idx = 44").run('{"n":44,"title":"harmless"}', VAULT);
    });
    expectProblem(r, "payload_changed", { index: 44 });
    expect(kinds(r)).toEqual(["payload_changed"]);
  });

  it("a changed salt: payload_changed", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE payloads SET salt = ? WHERE vault = ? AND idx = 45").run(randomBytes(32), VAULT);
    });
    expectProblem(r, "payload_changed", { index: 45 });
    expect(kinds(r)).toEqual(["payload_changed"]);
  });

  it("a payload that is not JSON, or a salt of the wrong size: payload_changed", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE payloads SET payload = '{' WHERE vault = ? AND idx = 46").run(VAULT);
      db.prepare("UPDATE payloads SET salt = ? WHERE vault = ? AND idx = 47").run(randomBytes(5), VAULT);
    });
    expectProblem(r, "payload_changed", { index: 46 });
    expectProblem(r, "payload_changed", { index: 47 });
  });

  it("a deleted payload: payload_missing", async () => {
    const r = await auditTampered((db) => void db.prepare("DELETE FROM payloads WHERE vault = ? AND idx = 48").run(VAULT));
    expectProblem(r, "payload_missing", { index: 48 });
    expect(kinds(r)).toEqual(["payload_missing"]);
  });
});

describe("auditVault: checkpoints, tree and tiles", () => {
  it("a checkpoint note signed by another key: checkpoint_signature", async () => {
    const r = await auditTampered((db) => {
      const forger = signerFromKey(formatSignerKey(log.origin, randomBytes(32)));
      const root = randomBytes(32);
      const note = signCheckpoint({ origin: log.origin, size: 200n, root }, forger);
      db.prepare("UPDATE checkpoints SET note = ?, root = ? WHERE vault = ? AND size = 200").run(note, root, VAULT);
    });
    expect(expectProblem(r, "checkpoint_signature", { size: 200 }).message).toMatch(/not signed by the vault's log key/);
    expect(kinds(r)).toEqual(["checkpoint_signature"]);
  });

  it("a checkpoint whose root column was changed: checkpoint", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE checkpoints SET root = ? WHERE vault = ? AND size = 120").run(randomBytes(32), VAULT);
    });
    expect(expectProblem(r, "checkpoint", { size: 120 }).message).toMatch(/root column differs/);
    expect(kinds(r)).toEqual(["checkpoint"]);
  });

  it("a checkpoint whose note's root line was edited: checkpoint_signature", async () => {
    const r = await auditTampered((db) => {
      const row = db.prepare("SELECT note FROM checkpoints WHERE vault = ? AND size = 257").get(VAULT) as { note: string };
      const lines = row.note.split("\n");
      lines[2] = toBase64(randomBytes(32));
      db.prepare("UPDATE checkpoints SET note = ? WHERE vault = ? AND size = 257").run(lines.join("\n"), VAULT);
    });
    expectProblem(r, "checkpoint_signature", { size: 257 });
  });

  it("checkpoints checked with another verifier key are all named", async () => {
    const r = await auditDir(log.dir, { vkey: generateSignerKey(log.origin).verifierKey });
    expect(r.problems.filter((p) => p.kind === "checkpoint_signature")).toHaveLength(6);
  });

  it("a changed level-0 tile: tile, with the leaf named, and no entry blamed", async () => {
    const r = await auditTampered((db) => {
      const row = db.prepare("SELECT hashes FROM tiles WHERE vault = ? AND level = 0 AND idx = 0").get(VAULT) as { hashes: Buffer };
      const hashes = new Uint8Array(row.hashes);
      hashes[33 * 32 + 7]! ^= 1;
      db.prepare("UPDATE tiles SET hashes = ? WHERE vault = ? AND level = 0 AND idx = 0").run(hashes, VAULT);
    });
    expect(expectProblem(r, "tile", { index: 33 }).message).toMatch(/tile 0\/0 differs/);
    expect(kinds(r)).toEqual(["tile"]);
  });

  it("a changed level-1 tile: tile", async () => {
    const r = await auditTampered((db) => {
      db.prepare("UPDATE tiles SET hashes = ? WHERE vault = ? AND level = 1 AND idx = 0").run(randomBytes(32), VAULT);
    });
    expect(expectProblem(r, "tile", { index: 0 }).message).toMatch(/tile 1\/0 differs/);
    expect(kinds(r)).toEqual(["tile"]);
  });

  it("a deleted tile: tile", async () => {
    const r = await auditTampered((db) => void db.prepare("DELETE FROM tiles WHERE vault = ? AND level = 0 AND idx = 1").run(VAULT));
    expect(expectProblem(r, "tile", { index: 256 }).message).toMatch(/tile 0\/1 is missing/);
    expect(find(r, "changed")).toBeUndefined();
  });

  it("a changed tree state: tree", async () => {
    const r = await auditTampered((db) => void db.prepare("UPDATE vaults SET root = ? WHERE name = ?").run(randomBytes(32), VAULT));
    expect(expectProblem(r, "tree").message).toMatch(/tree root at size 300/);
    expect(kinds(r)).toEqual(["tree"]);
  });

  it("a truncated tree state: tree, and no entry blamed", async () => {
    const r = await auditTampered((db) => void db.prepare("UPDATE vaults SET size = 250 WHERE name = ?").run(VAULT));
    expect(expectProblem(r, "tree", { size: 250 }).message).toMatch(/250 leaves, but the store holds 300 entries/);
    expect(kinds(r)).toEqual(["tree"]);
  });
});

describe("auditVault: forged sizes do not stall it", () => {
  it("a tree size forged to 2^62: tree, found in a few reads", async () => {
    const started = Date.now();
    const r = await auditTampered((db) => void db.prepare("UPDATE vaults SET size = ? WHERE name = ?").run(1n << 62n, VAULT));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(expectProblem(r, "tree", { size: 2 ** 62 }).message).toMatch(/4611686018427387904 leaves, but the store holds 300 entries/);
    expect(find(r, "changed")).toBeUndefined();
    expect(find(r, "inserted")).toBeUndefined();
  });

  it("entries renumbered far beyond the tree: found, and the gap named missing", async () => {
    const r = await auditTampered((db) => renumber(db, 250, 1_000_000_000_000));
    expect(expectProblem(r, "missing", { index: 250 }).message).toMatch(/gap in the indices, though no record of the tree is lost; the 50 entries from index 1000000000250 on were renumbered/);
    expect(r.entries).toBe(300);
  });
});

describe("sealtrail audit (CLI)", () => {
  function io() {
    const o = { out: "", err: "" };
    return {
      o,
      io: {
        out: (s: string) => void (o.out += s),
        outBytes: () => undefined,
        err: (s: string) => void (o.err += s),
        stdin: () => Buffer.alloc(0),
      },
    };
  }

  it("exits 0 on a clean log", async () => {
    const { o, io: cap } = io();
    const code = await main(["node", "sealtrail", "audit", "--data", log.dir, "--vault", VAULT], cap);
    expect(o.err).toBe("");
    expect(code).toBe(0);
    expect(o.out).toMatch(/300 entries, 6 checkpoints checked/);
    expect(o.out).toMatch(/OK: no discrepancy/);
  });

  it("exits 1 and names each discrepancy on a tampered log", async () => {
    const copy = copyLog(log);
    dirs.push(copy.cleanup);
    tamper(copy.dir, (db) => {
      deleteEntry(db, 10);
      db.prepare("UPDATE payloads SET salt = ? WHERE vault = ? AND idx = 45").run(randomBytes(32), VAULT);
    });
    const { o, io: cap } = io();
    const code = await main(["node", "sealtrail", "audit", "--data", copy.dir, "--vault", VAULT], cap);
    expect(code).toBe(1);
    expect(o.out).toMatch(/^missing: entry 10 of the tree is not in the store/m);
    expect(o.out).toMatch(/^payload_changed: entry 45/m);
    expect(o.out).toMatch(/\d+ discrepancies/);
  });

  it("prints JSON with --json", async () => {
    const { o, io: cap } = io();
    const code = await main(["node", "sealtrail", "audit", "--data", log.dir, "--vault", VAULT, "--json"], cap);
    expect(code).toBe(0);
    expect(JSON.parse(o.out)).toMatchObject({ vault: VAULT, entries: 300, checkpoints: 6, problems: [] });
  });
});
