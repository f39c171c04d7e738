/**
 * kill -9 during an upload: a real `sealtrail serve` (built code, a child
 * process) receives a file over a socket and is killed with SIGKILL halfway
 * through its body. Opened again, the vault has at most the upload's claim,
 * which no record can name (the record is refused naming the attachment),
 * no bytes under the file's name, and the sweep removes the claim; the same
 * file uploaded whole afterwards is named normally.
 *
 * Needs `npm run build` (the child runs packages/server/dist).
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { buildRecord, toBase64 } from "@sealtrail/core";
import { openContext } from "../src/main.js";
import { operatorKey } from "../src/ledger/bootstrap.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { receiveFile } from "../src/files/receive.js";
import { sweepFiles } from "../src/files/sweep.js";
import { openSocket } from "./helpers/raw-http.js";
import { tempDir } from "./helpers/temp-log.js";

const BIN = join(import.meta.dirname, "..", "bin", "sealtrail.js");
const VAULT = "default";
const SIZE = 4 * 1024 * 1024;

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

describe("kill -9 during an upload", () => {
  let child: ChildProcess | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    cleanup?.();
  });

  it("leaves nothing a record can name, and the sweep clears the claim", async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const proc = spawn(process.execPath, [BIN, "serve", "--data", tmp.dir, "--port", "0", "--rate-limit", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    let err = "";
    proc.stderr!.setEncoding("utf8");
    const started = new Promise<{ port: number; token: string }>((resolve, reject) => {
      proc.stderr!.on("data", (d: string) => {
        err += d;
        const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1];
        const token = /operator API key \(shown once, keep it safe\): (\S+)/.exec(err)?.[1];
        if (port !== undefined && token !== undefined) resolve({ port: Number(port), token });
      });
      proc.once("exit", () => reject(new Error(`serve exited: ${err}`)));
    });
    const { port, token } = await started;

    const bytes = new Uint8Array(SIZE).fill(0x61);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const s = await openSocket(port);
    s.on("error", () => {});
    s.write(`PUT /v1/vaults/${VAULT}/files/sha256:${sha256} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/plain\r\nContent-Length: ${SIZE}\r\n\r\n`);
    s.write(Buffer.from(bytes.subarray(0, SIZE / 2)));
    // Wait until the server has claimed the upload (it is writing the bytes), then kill it.
    const peek = openSqliteStore({ path: join(tmp.dir, "sealtrail.db") });
    try {
      for (let i = 0; i < 500 && (await peek.file(VAULT, sha256)) === null; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await peek.file(VAULT, sha256))?.state).toBe("receiving");
    } finally {
      await peek.close();
    }
    const gone = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await gone;
    s.destroy();

    const ctx = await openContext({ data: tmp.dir });
    try {
      expect((await ctx.store.file(VAULT, sha256))?.state).toBe("receiving");
      expect(await ctx.files.stat(VAULT, sha256)).toBeNull();
      const { org, seed } = await operatorKey(ctx.store);
      const naming = () => {
        const payload = { attachments: [{ sha256, length: SIZE, mediaType: "text/plain", name: "half.txt" }] };
        const rec = buildRecord({ vault: VAULT, type: "doc.evidence", author: org, seed, payload });
        return ctx.ledger.append(VAULT, [{ entry: rec.signed, payload, salt: toBase64(rec.salt!) }]);
      };
      await expect(naming()).rejects.toMatchObject({ code: "invalid", detail: { problems: [{ pointer: "/payload/attachments/0" }] } });

      const report = await sweepFiles({ store: ctx.store, files: ctx.files }, { olderThanMs: 60_000, now: () => new Date(Date.now() + 3_600_000) });
      expect(report[0]!.unreferenced.map((f) => f.sha256)).toEqual([sha256]);
      expect(await ctx.store.file(VAULT, sha256)).toBeNull();

      const again = await receiveFile(
        { store: ctx.store, files: ctx.files, limits: ctx.fileLimits },
        { vault: VAULT, sha256, length: SIZE, mediaType: "text/plain", uploadedBy: null, body: once(bytes) },
      );
      expect(again).toEqual({ created: true });
      const [r] = await naming();
      expect(r!.index).toBeGreaterThan(0n);
    } finally {
      await ctx.close();
    }
  });
});
