/**
 * `sealtrail witness` as a real child process on loopback: first start
 * generates the key and prints its verifier key, checkpoints of a real log are
 * cosigned over HTTP, and a restart keeps the state.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWitnessPolicy, toBase64 } from "@sealtrail/core";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";

const BIN = join(import.meta.dirname, "../bin/sealtrail.js");

interface Running {
  child: ChildProcess;
  url: string;
  vkey: string;
  stderr: string;
}

function startWitness(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "witness", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`witness did not start: ${stderr}`)), 15_000);
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      const vkey = /witness verifier key: (\S+)\n/.exec(stderr)?.[1];
      if (url !== undefined && vkey !== undefined) {
        clearTimeout(timer);
        resolve({ child, url, vkey, stderr });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`witness exited with ${code}: ${stderr}`));
    });
  });
}

function stopWitness(r: Running): Promise<number | null> {
  return new Promise((resolve) => {
    r.child.removeAllListeners("exit");
    r.child.on("exit", (code) => resolve(code));
    r.child.kill("SIGTERM");
  });
}

// A raw POST with no Content-Type at all, as a minimal log client might send.
function post(url: string, body: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/add-checkpoint`, { method: "POST", headers: { "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const body = (old: bigint, proof: readonly Uint8Array[], note: string) => `old ${old}\n${proof.map((h) => toBase64(h) + "\n").join("")}\n${note}`;

describe("sealtrail witness (child process)", () => {
  let log: TempLog;
  let data: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    log = await tempLog();
    data = tempDir("sealtrail-witness-cli-");
  });
  afterAll(async () => {
    await log.close();
    data.cleanup();
  });

  it("generates its key, cosigns real checkpoints over HTTP, and keeps its state across a restart", async () => {
    const dir = join(data.dir, "w");
    const args = ["--data", dir, "--port", "0", "--log", log.vkey, "--name", "witness.test/cli"];
    let w = await startWitness(args);
    try {
      expect(w.stderr).toContain(`generated witness key in ${join(dir, "witness.key")}`);
      expect(w.vkey.startsWith("witness.test/cli+")).toBe(true);
      expect(statSync(join(dir, "witness.key")).mode & 0o777).toBe(0o600);

      const cp1 = (await log.ctx.store.latestCheckpoint("default"))!;
      let res = await post(w.url, body(0n, [], cp1.note));
      expect(res.status, res.body).toBe(200);
      checkWitnessPolicy(cp1.note + res.body, log.vkey, { witnesses: [w.vkey], threshold: 1 });

      await log.ctx.ledger.append("default", [log.submission({ title: "one" }), log.submission({ title: "two" })]);
      const cp2 = (await log.ctx.ledger.publish("default"))!;
      const proof = await log.ctx.ledger.consistencyProof("default", cp1.size, cp2.size);
      res = await post(w.url, body(cp1.size, proof, cp2.note));
      expect(res.status, res.body).toBe(200);
      checkWitnessPolicy(cp2.note + res.body, log.vkey, { witnesses: [w.vkey], threshold: 1 });
      res = await post(w.url, body(cp1.size, proof, cp2.note));
      expect(res.status).toBe(409);
      expect(res.type).toMatch(/^text\/x\.tlog\.size/);
      expect(res.body).toBe(`${cp2.size}\n`);
      expect(await stopWitness(w)).toBe(0);
      expect(existsSync(join(dir, "witness.lock"))).toBe(false);

      // Restart: same key, same latest size.
      w = await startWitness(args);
      expect(w.stderr).not.toContain("generated witness key");
      res = await post(w.url, body(0n, [], cp2.note));
      expect(res.status).toBe(409);
      expect(res.body).toBe(`${cp2.size}\n`);
      await log.ctx.ledger.append("default", [log.submission({ title: "three" })]);
      const cp3 = (await log.ctx.ledger.publish("default"))!;
      const p3 = await log.ctx.ledger.consistencyProof("default", cp2.size, cp3.size);
      res = await post(w.url, body(cp2.size, p3, cp3.note));
      expect(res.status, res.body).toBe(200);
      checkWitnessPolicy(cp3.note + res.body, log.vkey, { witnesses: [w.vkey], threshold: 1 });

      const ev = spawnSync(process.execPath, [BIN, "witness", "evidence", "--data", dir], { encoding: "utf8", timeout: 15_000 });
      expect(ev.status, ev.stderr).toBe(0);
      expect(JSON.parse(ev.stdout)).toEqual({ evidence: [] });
    } finally {
      if (w.child.exitCode === null) await stopWitness(w);
    }
  });

  it("refuses to start without a log to follow (exit 2)", () => {
    const r = spawnSync(process.execPath, [BIN, "witness", "--data", join(data.dir, "none"), "--port", "0"], { encoding: "utf8", timeout: 15_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--log");
  });
});
