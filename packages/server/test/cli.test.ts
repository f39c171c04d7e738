import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromBase64, generateSignerKey, hashLeaf, toHex, verifyConsistency, openCheckpoint } from "@sealtrail/core";
import { cli } from "./helpers/cli.js";
import { tempDir } from "./helpers/temp-log.js";

const BIN = join(import.meta.dirname, "..", "bin", "sealtrail.js");

describe("sealtrail CLI", () => {
  const tmp = tempDir();
  const data = join(tmp.dir, "data");
  afterAll(() => tmp.cleanup());

  beforeAll(async () => {
    const r = await cli(["init", "--data", data, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ created: true, operator: "operator", vault: "default" });
  });

  it("init is idempotent", async () => {
    const r = await cli(["init", "--data", data]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/already initialised/);
  });

  it("appends a JSON array from stdin, one record per element, and publishes a checkpoint covering them", async () => {
    const r = await cli(["append", "--data", data, "--vault", "default", "--type", "test.risk", "-"], JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]));
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as { index: number; leafHash: string }[];
    expect(res.map((x) => x.index)).toEqual([1, 2, 3]);
    const cp = await cli(["checkpoint", "--data", data, "--vault", "default", "--json"]);
    expect(JSON.parse(cp.out).size).toBe(4);
    const entry = await cli(["entry", "--data", data, "--vault", "default", "--index", "2"]);
    expect(toHex(hashLeaf(entry.bytes))).toBe(res[1]!.leafHash);
  });

  it("appends a single object from a file", async () => {
    const f = join(tmp.dir, "incident.json");
    writeFileSync(f, JSON.stringify({ title: "Seal broken at gate 4" }));
    const r = await cli(["append", "--data", data, "--vault", "default", "--type", "test.incident", "--subject", "CONT-1", "--subject", "SITE-9", f]);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.out) as [{ index: number }];
    const entry = await cli(["entry", "--data", data, "--vault", "default", "--index", String(res.index)]);
    expect(JSON.parse(new TextDecoder().decode(entry.bytes)).env.subjects).toEqual(["CONT-1", "SITE-9"]);
  });

  it("prints a consistency proof that verifies between two checkpoints", async () => {
    const cps = (await cli(["checkpoint", "--data", data, "--vault", "default"])).out;
    const vkey = (await cli(["vkey", "--data", data, "--vault", "default"])).out.trim();
    const newer = openCheckpoint(cps, vkey);
    const r = await cli(["consistency", "--data", data, "--vault", "default", "--from", "1", "--to", String(newer.size)]);
    expect(r.code).toBe(0);
    const proof = r.out.trim().split("\n").map((l) => fromBase64(l));
    const { openSqliteStore } = await import("../src/store/sqlite/sqlite-store.js");
    const store = openSqliteStore({ path: join(data, "sealtrail.db") });
    const first = (await store.checkpoints("default"))[0]!;
    await store.close();
    expect(() => verifyConsistency(1n, newer.size, proof, first.root, newer.root)).not.toThrow();
  });

  it("names usage errors with exit code 2 and data errors with exit code 1", async () => {
    expect((await cli(["append", "--data", data, "--vault", "default", "-"])).code).toBe(2); // no --type
    expect((await cli(["proof", "--data", data, "--vault", "default", "--index", "x"])).code).toBe(2);
    expect((await cli(["frobnicate"])).code).toBe(2);
    const missing = await cli(["proof", "--data", data, "--vault", "default", "--index", "999"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/not_found/);
    const bad = await cli(["append", "--data", data, "--vault", "default", "--type", "test.risk", "-"], "{not json");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/malformed/);
    const noData = await cli(["checkpoint", "--data", join(tmp.dir, "nowhere"), "--vault", "default"]);
    expect(noData.code).toBe(1);
    expect(noData.err).toMatch(/sealtrail init/);
    expect((await cli(["--help"])).code).toBe(0);
  });

  it("audits a clean log with exit code 0", async () => {
    const r = await cli(["audit", "--data", data, "--vault", "default"]);
    expect(r.out).toMatch(/OK/);
    expect(r.code).toBe(0);
    // Against a key the auditor trusts: the right one passes, another one fails every checkpoint.
    const vkey = (await cli(["vkey", "--data", data, "--vault", "default"])).out.trim();
    expect((await cli(["audit", "--data", data, "--vault", "default", "--vkey", vkey])).code).toBe(0);
    const impostor = generateSignerKey(vkey.split("+")[0]!).verifierKey;
    const other = await cli(["audit", "--data", data, "--vault", "default", "--vkey", impostor]);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/checkpoint_signature/);
  });

  it("end to end through the real binary: proof and entry verify offline with only the vault key", () => {
    const run = (args: string[], input?: string) =>
      spawnSync(process.execPath, [BIN, ...args], { input, cwd: tmp.dir, timeout: 60_000 });
    const app = run(["append", "--data", data, "--vault", "default", "--type", "custody.handoff", "-"], JSON.stringify({ from: "acme", to: "carrier" }));
    expect(app.status).toBe(0);
    const [{ index }] = JSON.parse(app.stdout.toString()) as [{ index: number }];
    const vkey = run(["vkey", "--data", data, "--vault", "default"]).stdout.toString().trim();
    writeFileSync(join(tmp.dir, "vkey"), vkey + "\n");
    const proof = run(["proof", "--data", data, "--vault", "default", "--index", String(index)]);
    expect(proof.status).toBe(0);
    writeFileSync(join(tmp.dir, "p.tlog-proof"), proof.stdout);
    expect(run(["entry", "--data", data, "--vault", "default", "--index", String(index), "--out", "e.entry"]).status).toBe(0);
    // Verify with no data directory at all: only the key, the proof and the entry.
    const ok = run(["verify", "--vkey", "vkey", "--proof", "p.tlog-proof", "--entry", "e.entry"]);
    expect(ok.stdout.toString()).toMatch(/^valid/);
    expect(ok.status).toBe(0);
    const okJson = run(["verify", "--vkey", vkey, "--proof", "p.tlog-proof", "--entry", "e.entry", "--json"]);
    expect(JSON.parse(okJson.stdout.toString())).toMatchObject({ valid: true, index });
    // A changed entry, and a proof checked against another key: exit 1, naming what failed.
    const entry = readFileSync(join(tmp.dir, "e.entry"));
    entry[entry.length - 5]! ^= 1;
    writeFileSync(join(tmp.dir, "bad.entry"), entry);
    const bad = run(["verify", "--vkey", "vkey", "--proof", "p.tlog-proof", "--entry", "bad.entry"]);
    expect(bad.status).toBe(1);
    expect(bad.stdout.toString()).toMatch(/INVALID/);
    const other = tempDir();
    try {
      const init = run(["init", "--data", other.dir, "--json"]);
      const otherKey = JSON.parse(init.stdout.toString()).vkey as string;
      const wrong = run(["verify", "--vkey", otherKey, "--proof", "p.tlog-proof", "--entry", "e.entry"]);
      expect(wrong.status).toBe(1);
    } finally {
      other.cleanup();
    }
    expect(run(["verify", "--proof", "p.tlog-proof"]).status).toBe(2);
    expect(run(["--help"]).stdout.toString()).toMatch(/append/);
  });
});
