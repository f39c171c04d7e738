import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex, utf8, verifyEvmAnchor } from "@sealtrail/core";
import { startEvmNode, type EvmNode } from "./helpers/evm-node.js";
import { tempDir } from "./helpers/temp-log.js";
import { cli } from "./helpers/cli.js";

const BIN = join(import.meta.dirname, "../bin/sealtrail.js");

// A real `sealtrail serve` process anchoring its checkpoints on a local EVM chain (in-process Hardhat 2, loopback only).
describe("sealtrail serve --evm-rpc", () => {
  let node: EvmNode;
  let child: ChildProcess;
  let url = "";
  let token = "";
  const t = tempDir();

  beforeAll(async () => {
    node = await startEvmNode();
    const keyFile = join(t.dir, "evm.key");
    writeFileSync(keyFile, toHex(node.keys[1]!) + "\n");
    child = spawn(
      process.execPath,
      [BIN, "serve", "--data", join(t.dir, "data"), "--port", "0", "--checkpoint-interval", "200", "--evm-rpc", node.url, "--evm-key", keyFile, "--evm-chain-id", String(node.chainId)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        const u = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
        const k = /operator API key \(shown once, keep it safe\): (\S+)/.exec(stderr)?.[1];
        if (u !== undefined && k !== undefined) {
          clearTimeout(timer);
          url = u;
          token = k;
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
  });
  afterAll(async () => {
    child?.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    await node?.close();
    t.cleanup();
  });

  it("anchors published checkpoints on the chain, and the stored anchor verifies offline against the note", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(`${url}/v1/vaults/default/records/custodial`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ type: "test.risk", payload: { title: "gate left open" } }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const index = ((await res.json()) as { results: { index: number }[] }).results[0]!.index;
    // Wait for a published checkpoint covering the record, then for its EVM anchor.
    let note = "";
    let size = -1;
    for (let i = 0; i < 100 && size <= index; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const cp = await fetch(`${url}/v1/vaults/default/checkpoint`, { headers: auth });
      if (cp.status !== 200) continue;
      note = await cp.text();
      size = Number(note.split("\n")[1]);
    }
    expect(size).toBeGreaterThan(index);
    type Anchor = { checkpointSize: number; type: string; record: Record<string, unknown> };
    let evm: Anchor | undefined;
    for (let i = 0; i < 150 && evm === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const body = (await (await fetch(`${url}/v1/vaults/default/anchors?size=${size}`, { headers: auth })).json()) as { anchors: Anchor[] };
      evm = body.anchors.find((a) => a.type === "evm");
    }
    expect(evm, "no EVM anchor of the latest checkpoint").toBeDefined();
    const r = verifyEvmAnchor(evm!.record, utf8(note), { chainId: node.chainId });
    expect(r.chainId).toBe(node.chainId);
    expect(r.checkpointSize).toBe(BigInt(size));
    // The same record against another note is refused.
    expect(() => verifyEvmAnchor(evm!.record, utf8(note.replace(/\n\n/, "\n\nx")), { chainId: node.chainId })).toThrow();
  });

  it("refuses --evm-rpc without --evm-key", async () => {
    const r = await cli(["serve", "--data", join(t.dir, "other"), "--evm-rpc", "http://127.0.0.1:1"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--evm-rpc and --evm-key go together/);
  });
});
