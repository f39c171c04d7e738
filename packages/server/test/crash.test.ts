/**
 * Crash safety (docs/DESIGN.md, "Storage": "A crash at any moment loses no
 * acknowledged record and never leaves a checkpoint that the stored tree does
 * not match"). A real child process (fixtures/crash-writer.mjs, built code)
 * appends concurrent batches and publishes checkpoints; it is killed with
 * SIGKILL at a random moment, many times over the SAME data directory, and
 * after every kill the store is reopened here and checked against everything
 * the child printed as acknowledged.
 *
 * SIGKILL ends the process, not the machine: what the kernel had accepted
 * still reaches the disk, so this tests the transaction boundaries (commit
 * before acknowledging, checkpoints over committed trees only), not fsync.
 *
 * Needs `npm run build` (the child runs packages/*\/dist).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditVault } from "../src/ledger/audit.js";
import { createVerifierPool, type VerifierPool } from "../src/ledger/verifier-pool.js";
import { DB_FILE } from "../src/main.js";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { checkStore } from "./helpers/check-store.js";
import { mulberry32 } from "./fixtures/prng.mjs";

const WRITER = join(import.meta.dirname, "fixtures", "crash-writer.mjs");
const BUILT = join(import.meta.dirname, "..", "dist", "index.js");
const VAULT = "default";
const CYCLES = 24;
const MIN_DELAY_MS = 30;
const MAX_DELAY_MS = 400;
// A child that prints no ack by then is stuck: kill it and fail the cycle.
const STUCK_MS = 20_000;
// The audit re-verifies every signature (linear in the log): run it on every
// AUDIT_EVERY-th cycle and the last; the checks of checkStore run on all.
const AUDIT_EVERY = 4;

interface Run {
  /** Complete stdout lines (a line cut by the kill is dropped: it was never fully printed). */
  readonly lines: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly killedAfterAck: boolean;
}

/** Start the writer, SIGKILL it `delayMs` after its first ack, collect its output. */
function runWriter(dir: string, seed: number, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let kill: NodeJS.Timeout | undefined;
    const stuck = setTimeout(() => child.kill("SIGKILL"), STUCK_MS);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      if (kill === undefined && /^ack /m.test(out)) kill = setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.stderr.on("data", (d: string) => (err += d));
    child.on("error", reject);
    // "close": the process is gone and its stdout is drained.
    child.on("close", (code, signal) => {
      clearTimeout(stuck);
      clearTimeout(kill);
      const complete = out.slice(0, out.lastIndexOf("\n") + 1);
      resolve({ lines: complete.split("\n").filter((l) => l !== ""), code, signal, stderr: err, killedAfterAck: kill !== undefined });
    });
  });
}

describe("crash safety: SIGKILL during appends", () => {
  let dir = "";
  let verifier: VerifierPool | undefined;

  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error("the crash test runs the built server: run `npm run build` first");
    dir = mkdtempSync(join(tmpdir(), "sealtrail-crash-"));
    verifier = createVerifierPool();
  });
  afterAll(async () => {
    await verifier?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged record and publishes no contradicted checkpoint over ${CYCLES} kills`, async () => {
    const random = mulberry32(28000);
    const acked = new Map<bigint, string>();
    const printed = new Map<bigint, string>();
    let lastSize = 0n;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const delay = MIN_DELAY_MS + Math.floor(random() * (MAX_DELAY_MS - MIN_DELAY_MS + 1));
      const run = await runWriter(dir, 1 + Math.floor(random() * 2 ** 31), delay);
      const where = `cycle ${cycle} (kill ${delay} ms after the first ack)`;
      expect(run.signal, `${where}: the writer ended by itself: ${run.stderr}`).toBe("SIGKILL");
      expect(run.killedAfterAck, `${where}: the writer acknowledged nothing in ${STUCK_MS} ms: ${run.stderr}`).toBe(true);

      let acks = 0;
      for (const line of run.lines) {
        const [kind, a, b] = line.split(" ");
        if (kind === "ack") {
          const index = BigInt(a!);
          expect(acked.has(index), `${where}: index ${index} acknowledged twice`).toBe(false);
          acked.set(index, b!);
          acks++;
        } else if (kind === "cp") {
          const size = BigInt(a!);
          expect(printed.get(size) ?? b, `${where}: checkpoint ${size} published with two roots`).toBe(b);
          printed.set(size, b!);
        }
      }
      expect(acks, where).toBeGreaterThan(0);

      const store = openSqliteStore({ path: join(dir, DB_FILE) });
      try {
        const r = await checkStore(store, acked, printed, {
          verifier: verifier!,
          audit: cycle % AUDIT_EVERY === AUDIT_EVERY - 1 || cycle === CYCLES - 1,
          checkedPayloads: lastSize,
        });
        expect(r.problems, where).toEqual([]);
        expect(r.size, `${where}: the tree shrank`).toBeGreaterThanOrEqual(lastSize);
        lastSize = r.size;
      } finally {
        await store.close();
      }
    }
    // The run is only meaningful if the kills landed amid real work (kept
    // loose: a loaded machine commits fewer batches before each kill).
    expect(acked.size).toBeGreaterThan(CYCLES * 10);
    expect(printed.size).toBeGreaterThanOrEqual(CYCLES / 2);
  });

  // A first start killed anywhere inside initialize() must leave a data
  // directory that the next start completes (bootstrap steps are resumable).
  it("a data directory killed during its first start is initialised by the next one", async () => {
    const { openContext } = await import("../src/main.js");
    const { initialize } = await import("../src/ledger/bootstrap.js");
    let killedMidway = 0;
    for (let delay = 0; delay <= 60; delay += 4) {
      const d = mkdtempSync(join(tmpdir(), "sealtrail-init-crash-"));
      try {
        const stdout = await new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, [WRITER, d, "1"], { stdio: ["ignore", "pipe", "ignore"] });
          let out = "";
          child.stdout.setEncoding("utf8");
          child.stdout.on("data", (x: string) => (out += x));
          const poll = setInterval(() => {
            if (existsSync(join(d, DB_FILE))) {
              clearInterval(poll);
              setTimeout(() => child.kill("SIGKILL"), delay);
            }
          }, 1);
          child.on("error", reject);
          child.on("close", () => {
            clearInterval(poll);
            resolve(out);
          });
        });
        if (!/^ack /m.test(stdout)) killedMidway++;
        const ctx = await openContext({ data: d });
        try {
          const r = await initialize(ctx.store, ctx.ledger);
          expect(r.operator).toBe("operator");
          expect((await ctx.store.key(VAULT, r.keyId))?.org).toBe("operator");
          expect((await ctx.store.latestCheckpoint(VAULT))?.size).toBeGreaterThanOrEqual(1n);
          expect((await auditVault(ctx.store, VAULT)).problems).toEqual([]);
        } finally {
          await ctx.close();
        }
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    }
    // At least some kills must have landed before the first append finished.
    expect(killedMidway).toBeGreaterThan(0);
  });
});
