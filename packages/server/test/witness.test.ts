/**
 * The witness (C2SP tlog-witness add-checkpoint) in-process, fed real
 * checkpoints and consistency proofs from a real ledger.
 */
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkWitnessPolicy,
  fromBase64,
  generateSignerKey,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  signCheckpoint,
  signerFromKey,
  toBase64,
  verifyCosignatures,
  verifyConsistency,
} from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { createWitnessApp } from "../src/witness/app.js";
import { followedLog, readLogsFile } from "../src/witness/config.js";
import { openWitnessService, type WitnessService } from "../src/witness/service.js";
import { MAX_PROOF_LINES, parseAddCheckpoint } from "../src/witness/witness.js";
import { main } from "../src/cli/run.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";

function body(old: bigint, proof: readonly Uint8Array[], note: string): string {
  return `old ${old}\n${proof.map((h) => toBase64(h) + "\n").join("")}\n${note}`;
}

async function grow(ctx: Context, log: TempLog, n: number, tag = "a") {
  await ctx.ledger.append(
    "default",
    Array.from({ length: n }, (_, i) => log.submission({ title: `${tag} ${i}` })),
  );
  return (await ctx.ledger.publish("default"))!;
}

describe("witness (C2SP tlog-witness add-checkpoint)", () => {
  let log: TempLog;
  let dir: { dir: string; cleanup: () => void };
  let svc: WitnessService;
  let app: FastifyInstance;

  async function start(now?: () => bigint) {
    svc = openWitnessService({ dir: dir.dir, logs: [followedLog(log.vkey)], name: "witness.test/w1", ...(now ? { now } : {}) });
    app = await createWitnessApp({ witness: svc.witness });
  }
  async function stop() {
    await app.close();
    svc.close();
  }
  const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url: "/add-checkpoint", payload, headers: { "content-type": "text/plain", ...headers } });

  beforeAll(async () => {
    log = await tempLog();
  });
  afterAll(async () => {
    await log.close();
  });
  beforeEach(async () => {
    dir = tempDir("sealtrail-witness-");
    await start();
  });
  afterEach(async () => {
    await stop();
    dir.cleanup();
  });

  async function latest() {
    return (await log.ctx.store.latestCheckpoint("default"))!;
  }

  it("cosigns a log's checkpoints fed in order; the cosignatures verify with core", async () => {
    const first = await latest();
    let res = await post(body(0n, [], first.note));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^— witness\.test\/w1 [A-Za-z0-9+/=]+\n$/);
    let prev = first;
    for (const n of [1, 5, 40, 2]) {
      const cp = await grow(log.ctx, log, n);
      const proof = await log.ctx.ledger.consistencyProof("default", prev.size, cp.size);
      res = await post(body(prev.size, proof, cp.note));
      expect(res.statusCode, res.body).toBe(200);
      // Spec: the client may concatenate the answer to the checkpoint and open it as a note.
      const cosigned = cp.note + res.body;
      const [c] = verifyCosignatures(cosigned, [svc.witness.verifierKey]);
      expect(c!.name).toBe("witness.test/w1");
      expect(Math.abs(Number(c!.time) - Date.now() / 1000)).toBeLessThan(60);
      const { checkpoint } = checkWitnessPolicy(cosigned, log.vkey, { witnesses: [svc.witness.verifierKey], threshold: 1 });
      expect(checkpoint.size).toBe(cp.size);
      prev = cp;
    }
    // The same checkpoint again (old = size, empty proof) is cosigned afresh.
    res = await post(body(prev.size, [], prev.note));
    expect(res.statusCode).toBe(200);
    const logs = (await app.inject({ method: "GET", url: "/logs" })).json();
    expect(logs.vkey).toBe(svc.witness.verifierKey);
    expect(logs.logs[0].latest.size).toBe(prev.size.toString());
    expect(verifyCosignatures(logs.logs[0].latest.checkpoint, [svc.witness.verifierKey])).toHaveLength(1);
  });

  it("accepts any Content-Type, or none, and a checkpoint carrying other cosignatures", async () => {
    const cp = await latest();
    const other = openWitnessService({ dir: tempDir().dir, logs: [followedLog(log.vkey)] });
    const otherLine = other.witness.addCheckpoint(body(0n, [], cp.note));
    other.close();
    const res = await app.inject({ method: "POST", url: "/add-checkpoint", payload: Buffer.from(body(0n, [], cp.note + otherLine)) });
    expect(res.statusCode, res.body).toBe(200);
    const again = await post(body(cp.size, [], cp.note), { "content-type": "application/octet-stream" });
    expect(again.statusCode, again.body).toBe(200);
  });

  it("answers 409 with the latest size as text/x.tlog.size when old is stale", async () => {
    const cp1 = await latest();
    let res = await post(body(5n, [], cp1.note));
    expect(res.statusCode).toBe(409);
    expect(res.headers["content-type"]).toMatch(/^text\/x\.tlog\.size/);
    expect(res.body).toBe("0\n");
    expect((await post(body(0n, [], cp1.note))).statusCode).toBe(200);
    const cp2 = await grow(log.ctx, log, 3);
    const proof = await log.ctx.ledger.consistencyProof("default", cp1.size, cp2.size);
    expect((await post(body(cp1.size, proof, cp2.note))).statusCode).toBe(200);
    // A log that believes the witness is still at cp1, or knows nothing of it.
    for (const old of [cp1.size, 0n]) {
      res = await post(body(old, old === 0n ? [] : proof, cp2.note));
      expect(res.statusCode).toBe(409);
      expect(res.body).toBe(`${cp2.size}\n`);
    }
  });

  it("answers 403 for a checkpoint not signed by the log's key, 404 for an unknown origin", async () => {
    const cp = await latest();
    const opened = openCheckpoint(cp.note, log.vkey);
    const impostor = generateSignerKey(opened.origin);
    const forged = signCheckpoint({ origin: opened.origin, size: opened.size, root: opened.root }, signerFromKey(impostor.signerKey));
    let res = await post(body(0n, [], forged));
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: "forbidden" });
    // The log's own line with a flipped signature bit.
    const lines = cp.note.split("\n");
    const sigLine = lines.findIndex((l) => l.startsWith("— "));
    const raw = fromBase64(lines[sigLine]!.split(" ")[2]!);
    raw[10] = raw[10]! ^ 1;
    lines[sigLine] = `${lines[sigLine]!.split(" ").slice(0, 2).join(" ")} ${toBase64(raw)}`;
    res = await post(body(0n, [], lines.join("\n")));
    expect(res.statusCode).toBe(403);
    // A changed root under the log's real signature.
    const changed = cp.note.replace(toBase64(opened.root), toBase64(new Uint8Array(32).fill(7)));
    expect((await post(body(0n, [], changed))).statusCode).toBe(403);
    // Unknown origin: C2SP tlog-witness says 404.
    const stranger = generateSignerKey("example.com/other-log");
    const foreign = signCheckpoint({ origin: "example.com/other-log", size: 1n, root: opened.root }, signerFromKey(stranger.signerKey));
    res = await post(body(0n, [], foreign));
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("not_found");
    // Nothing was cosigned.
    expect((await app.inject({ method: "GET", url: "/logs" })).json().logs[0].latest).toBeNull();
  });

  it("answers 422 for a consistency proof that does not verify, and keeps it", async () => {
    const cp1 = await latest();
    expect((await post(body(0n, [], cp1.note))).statusCode).toBe(200);
    const cp2 = await grow(log.ctx, log, 9);
    const proof = await log.ctx.ledger.consistencyProof("default", cp1.size, cp2.size);
    const bad = proof.map((h) => h.slice());
    bad[0]![0] = bad[0]![0]! ^ 1;
    let res = await post(body(cp1.size, bad, cp2.note));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: "bad_proof" });
    res = await post(body(cp1.size, [], cp2.note)); // missing proof
    expect(res.statusCode).toBe(422);
    res = await post(body(cp1.size, [...proof, proof[0]!], cp2.note)); // too long
    expect(res.statusCode).toBe(422);
    const ev = (await app.inject({ method: "GET", url: "/evidence" })).json().evidence;
    expect(ev.map((e: { kind: string }) => e.kind)).toEqual(["bad-consistency-proof", "bad-consistency-proof", "bad-consistency-proof"]);
    // The witness did not move: the good proof still works.
    expect((await post(body(cp1.size, proof, cp2.note))).statusCode).toBe(200);
  });

  it("answers 400 for malformed bodies and old > size, 413 for a huge one", async () => {
    const cp = await latest();
    const size = parseCheckpoint(parseNote(cp.note).text).size;
    const h = toBase64(new Uint8Array(32));
    const bad = [
      "",
      "old 0\n",
      `old 0\n${cp.note}`, // no empty line
      `old 00\n\n${cp.note}`,
      `old -1\n\n${cp.note}`,
      `old 1 \n\n${cp.note}`,
      `OLD 0\n\n${cp.note}`,
      `old 18446744073709551616\n\n${cp.note}`,
      `old 0\nnot base64!\n\n${cp.note}`,
      `old 0\n${toBase64(new Uint8Array(31))}\n\n${cp.note}`,
      `old 0\n${`${h}\n`.repeat(MAX_PROOF_LINES + 1)}\n${cp.note}`,
      "old 0\n\nnot a note\n",
      "old 0\n\nexample\n\n— nobody AAAAAAA=\n",
      `old 0\n${h}\n\n${cp.note}`, // a proof from old size 0 must be empty
      body(size + 1n, [], cp.note),
    ];
    for (const b of bad) {
      const res = await post(b);
      expect(res.statusCode, `${JSON.stringify(b.slice(0, 40))}: ${res.body}`).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
    const notUtf8 = Buffer.concat([Buffer.from("old 0\n\n"), Buffer.from([0xff, 0xfe]), Buffer.from(cp.note)]);
    expect((await post(notUtf8)).statusCode).toBe(400);
    const huge = await post(body(0n, [], cp.note) + "x".repeat(70_000));
    expect(huge.statusCode).toBe(413);
    expect(() => parseAddCheckpoint("old 0\n\n" + "y".repeat(70_000))).toThrow(/larger/);
    expect((await app.inject({ method: "GET", url: "/nope" })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/add-checkpoint" })).statusCode).toBe(404);
  });

  it("catches a split view (two roots for one size from a forked log), refuses it and keeps both as evidence", async () => {
    // Fork one real log: copy its data directory, then grow each copy differently.
    const fork = tempDir("sealtrail-fork-");
    const a = await tempLog();
    try {
      const base = (await a.ctx.store.latestCheckpoint("default"))!;
      await a.ctx.close();
      cpSync(a.dir, fork.dir, { recursive: true });
      const ctxA = await openContext({ data: a.dir });
      const ctxB = await openContext({ data: fork.dir });
      a.ctx = ctxA;
      try {
        const cpA = await grow(ctxA, a, 4, "honest");
        const cpB = await grow(ctxB, a, 4, "fork");
        expect(cpA.size).toBe(cpB.size);
        expect(toBase64(cpA.root)).not.toBe(toBase64(cpB.root));
        // Both are signed by the same log key.
        openCheckpoint(cpA.note, a.vkey);
        openCheckpoint(cpB.note, a.vkey);

        await stop();
        svc = openWitnessService({ dir: dir.dir, logs: [followedLog(a.vkey)] });
        app = await createWitnessApp({ witness: svc.witness });
        expect((await post(body(0n, [], base.note))).statusCode).toBe(200);
        const proofA = await ctxA.ledger.consistencyProof("default", base.size, cpA.size);
        expect((await post(body(base.size, proofA, cpA.note))).statusCode).toBe(200);

        // The other branch, whether the log claims the witness is at the same size or behind.
        const proofB = await ctxB.ledger.consistencyProof("default", base.size, cpB.size);
        for (const req of [body(cpB.size, [], cpB.note), body(base.size, proofB, cpB.note)]) {
          const res = await post(req);
          expect(res.statusCode).toBe(409);
          expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
          expect(res.json()).toMatchObject({ code: "inconsistent", title: "Split view" });
        }
        const ev = (await app.inject({ method: "GET", url: "/evidence" })).json().evidence as { kind: string; origin: string; checkpoints: string[] }[];
        // One split view (the same pair of checkpoints), kept once however often it is sent.
        expect(ev.map((e) => e.kind)).toEqual(["split-view"]);
        for (const e of ev) {
          const [x, y] = e.checkpoints.map((n) => openCheckpoint(n, a.vkey));
          expect(x!.size).toBe(y!.size);
          expect(toBase64(x!.root)).toBe(toBase64(cpA.root));
          expect(toBase64(y!.root)).toBe(toBase64(cpB.root));
          // The witness's own cosignature on the branch it saw first is part of the evidence.
          expect(verifyCosignatures(e.checkpoints[0]!, [svc.witness.verifierKey])).toHaveLength(1);
        }
        expect((await post(body(cpB.size, [], cpB.note))).statusCode).toBe(409);
        expect((await app.inject({ method: "GET", url: "/evidence" })).json().evidence).toHaveLength(1);
        // The witness still follows the branch it cosigned.
        const cpA2 = await grow(ctxA, a, 2, "honest");
        const p2 = await ctxA.ledger.consistencyProof("default", cpA.size, cpA2.size);
        expect((await post(body(cpA.size, p2, cpA2.note))).statusCode).toBe(200);

        // Exportable from the data directory by the CLI, even while the witness runs.
        let out = "";
        const code = await main(["node", "sealtrail", "witness", "evidence", "--data", dir.dir], {
          out: (s) => (out += s),
          outBytes: () => undefined,
          err: () => undefined,
          stdin: () => Buffer.alloc(0),
        });
        expect(code).toBe(0);
        expect(JSON.parse(out).evidence).toEqual(ev);
      } finally {
        await ctxB.close();
      }
    } finally {
      await a.close();
      fork.cleanup();
    }
  });

  it("keeps its state and key across a restart", async () => {
    const cp1 = await latest();
    expect((await post(body(0n, [], cp1.note))).statusCode).toBe(200);
    const cp2 = await grow(log.ctx, log, 6);
    const p = await log.ctx.ledger.consistencyProof("default", cp1.size, cp2.size);
    expect((await post(body(cp1.size, p, cp2.note))).statusCode).toBe(200);
    const vkey = svc.witness.verifierKey;
    await stop();
    await start();
    expect(svc.witness.verifierKey).toBe(vkey);
    expect(svc.keyCreated).toBe(false);
    const res = await post(body(0n, [], cp2.note));
    expect(res.statusCode).toBe(409);
    expect(res.body).toBe(`${cp2.size}\n`);
    const cp3 = await grow(log.ctx, log, 2);
    const p3 = await log.ctx.ledger.consistencyProof("default", cp2.size, cp3.size);
    const ok = await post(body(cp2.size, p3, cp3.note));
    expect(ok.statusCode).toBe(200);
    expect(verifyCosignatures(cp3.note + ok.body, [vkey])).toHaveLength(1);
    verifyConsistency(cp2.size, cp3.size, p3, cp2.root, cp3.root);
  });

  it("locks its data directory, and never lets cosignature times go back", async () => {
    expect(() => openWitnessService({ dir: dir.dir, logs: [followedLog(log.vkey)] })).toThrow(/in use/);
    await stop();
    let t = 2_000_000_000n;
    await start(() => t);
    const cp = await latest();
    const first = await post(body(0n, [], cp.note));
    t -= 3600n; // the clock steps back an hour
    const second = await post(body(cp.size, [], cp.note));
    const times = [first, second].map((r) => verifyCosignatures(cp.note + r.body, [svc.witness.verifierKey])[0]!.time);
    expect(times).toEqual([2_000_000_000n, 2_000_000_000n]);
  });

  it("reads followed logs from a JSON file and refuses witness (0x04) keys as log keys", async () => {
    const file = join(dir.dir, "logs.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, JSON.stringify({ logs: [{ vkey: log.vkey }, { origin: "go.sum database tree", vkeys: [readFileSync(new URL("../../../testdata/note/sum-golang-org.vkey", import.meta.url), "utf8").trim()] }] }));
    const logs = readLogsFile(file);
    expect(logs.map((l) => l.origin)).toEqual([openCheckpoint((await latest()).note, log.vkey).origin, "go.sum database tree"]);
    expect(() => followedLog(svc.witness.verifierKey)).toThrow(/type 0x01/);
    writeFileSync(file, JSON.stringify({ logs: [{ origin: "x" }] }));
    expect(() => readLogsFile(file)).toThrow(/vkey/);
  });
});
