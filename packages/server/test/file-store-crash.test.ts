/**
 * Crash safety of the directory file store: a real child process
 * (fixtures/file-upload-writer.mjs, built code) streaming a large file into
 * the store is killed with SIGKILL mid-upload. Afterwards nothing is under
 * the file's real name (stat says absent, no file in the vault's folder),
 * and a store opened again puts the same file and removes the dead
 * process's temporary. Then many kills at random moments: every file under
 * a real name is whole (its bytes hash to its name), every acknowledged put
 * is there.
 *
 * SIGKILL ends the process, not the machine: this tests that no name points
 * at a file before it is complete, not fsync (which the store also does).
 *
 * Needs `npm run build` (the child runs packages/server/dist).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDirectoryFileStore, TMP_DIR } from "../src/files/directory-store.js";
import { chunks, digest } from "./fixtures/file-body.mjs";
import { mulberry32 } from "./fixtures/prng.mjs";
import { tempDir } from "./helpers/temp-log.js";

const WRITER = join(import.meta.dirname, "fixtures", "file-upload-writer.mjs");
const BUILT = join(import.meta.dirname, "..", "dist", "files", "index.js");
const VAULT = "default";
const STUCK_MS = 60_000;

interface Run {
  readonly sha256: string;
  readonly done: boolean;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Start the writer; `kill()` is polled every few ms once the body streams, and a true answer kills it. */
function runWriter(root: string, seed: number, length: number, kill: () => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, root, VAULT, String(seed), String(length)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let poll: NodeJS.Timeout | undefined;
    const stuck = setTimeout(() => child.kill("SIGKILL"), STUCK_MS);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      if (poll === undefined && /^writing$/m.test(out)) {
        poll = setInterval(() => {
          if (kill()) child.kill("SIGKILL");
        }, 2);
      }
    });
    child.stderr.on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      clearTimeout(stuck);
      clearInterval(poll);
      resolve({ sha256: /^sha256 ([0-9a-f]{64})$/m.exec(out)?.[1] ?? "", done: /^done /m.test(out), signal, stderr: err });
    });
  });
}

function temporaries(root: string): { name: string; size: number }[] {
  const dir = join(root, TMP_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((name) => ({ name, size: statSync(join(dir, name)).size }));
}

/** Every file under a real name in the vault's folder, with its size. */
function named(root: string): { sha256: string; path: string; size: number }[] {
  const base = join(root, VAULT);
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((p) =>
    readdirSync(join(base, p)).map((sha256) => ({ sha256, path: join(base, p, sha256), size: statSync(join(base, p, sha256)).size })),
  );
}

async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest("hex");
}

async function* stream(seed: number, length: number): AsyncGenerator<Uint8Array> {
  yield* chunks(seed, length);
}

describe("crash safety: SIGKILL during a file upload (directory store)", () => {
  let cleanup: (() => void) | undefined;
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error("the file crash test runs the built server: run `npm run build` first");
  });
  afterEach(() => cleanup?.());

  it("a file killed mid-upload is absent, and the next store puts it and removes the temporary", async () => {
    const t = tempDir("sealtrail-files-crash-");
    cleanup = t.cleanup;
    const length = 256 * 1024 * 1024;
    // Killed once a quarter of the body is on disk under the temporary name.
    const run = await runWriter(t.dir, 7, length, () => temporaries(t.dir).some((f) => f.size >= length / 4));
    expect(run.signal, run.stderr).toBe("SIGKILL");
    expect(run.done).toBe(false);
    expect(run.sha256).toBe(digest(7, length));
    const left = temporaries(t.dir);
    expect(left).toHaveLength(1);
    expect(left[0]!.size).toBeLessThan(length);

    const store = createDirectoryFileStore(t.dir);
    try {
      expect(await store.stat(VAULT, run.sha256)).toBeNull();
      expect(named(t.dir)).toEqual([]);
      expect(await store.put(VAULT, run.sha256, length, stream(7, length))).toEqual({ created: true });
      expect(await store.stat(VAULT, run.sha256)).toEqual({ length });
      expect(await hashFile(named(t.dir)[0]!.path)).toBe(run.sha256);
      // The dead writer's temporary was removed when this store opened.
      expect(temporaries(t.dir)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("after kills at random moments, every named file is whole and every acknowledged put is there", async () => {
    const t = tempDir("sealtrail-files-crash-");
    cleanup = t.cleanup;
    const random = mulberry32(28_000);
    const length = 32 * 1024 * 1024;
    const expected = new Map<string, number>();
    const whole = new Set<string>();
    let midway = 0;
    for (let cycle = 0; cycle < 12; cycle++) {
      // Killed once the temporary holds a random share of the body; a share over 0.8 waits for all of
      // it, landing between the last write and the link (fsync, link, directory fsync) or after the put.
      const share = random();
      const at = share > 0.8 ? length : Math.floor(share * length);
      const run = await runWriter(t.dir, 100 + cycle, length, () => temporaries(t.dir).some((f) => f.size >= at));
      const where = `cycle ${cycle} (killed at ${at} bytes written)`;
      expect(run.sha256, `${where}: ${run.stderr}`).toMatch(/^[0-9a-f]{64}$/);
      expected.set(run.sha256, length);
      if (!run.done) midway++;
      const files = named(t.dir);
      for (const f of files) {
        expect(expected.get(f.sha256), `${where}: a file no writer put: ${f.sha256}`).toBe(f.size);
        // A named file is never written again (a put links a new name, never replaces one): hash each once.
        if (!whole.has(f.sha256)) expect(await hashFile(f.path), `${where}: ${f.sha256} is not whole`).toBe(f.sha256);
        whole.add(f.sha256);
      }
      // A put killed after its link but before it printed "done" may be there too (whole, as checked).
      if (run.done) expect(files.map((f) => f.sha256), where).toContain(run.sha256);
    }
    // Meaningful only if kills landed mid-upload.
    expect(midway).toBeGreaterThan(3);
    // A store opened afterwards removes every dead writer's temporary.
    const store = createDirectoryFileStore(t.dir);
    await store.close();
    expect(temporaries(t.dir)).toEqual([]);
  });
});
