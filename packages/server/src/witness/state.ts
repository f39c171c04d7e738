/**
 * Durable state of a witness in its data directory, as small JSON files:
 *
 * ```
 * DIR/witness.lock                 pid of the process using DIR
 * DIR/logs/<id>.json               latest cosigned checkpoint of one log
 * DIR/evidence/<kind>-<id>.json    signed checkpoints that contradict each other
 * ```
 *
 * Every write is atomic and durable: a temporary file is written and
 * fsynced, renamed over the target, and the directory fsynced, so a crash
 * leaves the old file or the new one, never a torn one. Calls are
 * synchronous on purpose: the witness checks and updates a log's state
 * with no `await` in between, which is the atomicity C2SP tlog-witness
 * requires ("checking the old size ... and persisting the new checkpoint
 * must be performed atomically"). A witness handles few, small requests.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SealTrailError, sha256, toHex, utf8 } from "@sealtrail/core";

/** The latest checkpoint a witness cosigned for one log. */
export interface LogState {
  readonly origin: string;
  readonly size: bigint;
  readonly root: Uint8Array;
  /** The checkpoint note as the log sent it, with this witness's cosignature added. */
  readonly note: string;
  /** Time of that cosignature, POSIX seconds. */
  readonly time: bigint;
}

/** Kinds of evidence a witness keeps. */
export type EvidenceKind =
  /** Two checkpoints signed by the log for the same size with different roots: proof of a split view. */
  | "split-view"
  /**
   * A log-signed checkpoint whose consistency proof from the witness's latest
   * one did not verify. Not proof of misbehaviour on its own (the proof may
   * just be wrong); kept so that an auditor can ask the log for a correct one.
   */
  | "bad-consistency-proof";

/** One piece of evidence: both signed checkpoints, as received. */
export interface Evidence {
  readonly kind: EvidenceKind;
  readonly origin: string;
  /** When the witness saw it (ISO 8601). */
  readonly detectedAt: string;
  /** The checkpoint the witness had cosigned (with its cosignature), then the one that contradicts it. */
  readonly checkpoints: readonly [string, string];
  /** The consistency proof that was sent (base64 lines), for bad-consistency-proof. */
  readonly proof?: readonly string[];
  /** The old size of the request. */
  readonly oldSize?: string;
}

/** The state files of one data directory. */
export interface WitnessState {
  get(origin: string): LogState | undefined;
  /** Durably replace the state of a log. */
  put(state: LogState): void;
  all(): LogState[];
  /** Durably keep a piece of evidence (the same evidence twice is kept once). */
  addEvidence(e: Evidence): void;
  evidence(): Evidence[];
  /** Release the directory. */
  close(): void;
}

interface LogFile {
  origin: string;
  size: string;
  root: string;
  note: string;
  time: string;
}

function fileId(text: string): string {
  return toHex(sha256(utf8(text)).slice(0, 16));
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Write `text` to `path` atomically and durably (temp file, fsync, rename, fsync of the directory).
 *
 * @example
 * ```ts
 * writeFileAtomic(join(dir, "logs", "x.json"), JSON.stringify(state));
 * ```
 */
export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  const dir = join(path, "..");
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", mode);
  try {
    const bytes = utf8(text);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function takeLock(dir: string): string {
  const lock = join(dir, "witness.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(lock, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pidAlive(pid)) {
        throw new SealTrailError("conflict", `witness data directory ${dir} is in use by process ${pid}`);
      }
      rmSync(lock, { force: true }); // left by a process that is gone
    }
  }
  throw new SealTrailError("conflict", `could not lock the witness data directory ${dir}`);
}

function parseLogFile(text: string, path: string): LogState {
  try {
    const f = JSON.parse(text) as LogFile;
    if (typeof f.origin !== "string" || typeof f.note !== "string") throw new Error("missing fields");
    return { origin: f.origin, size: BigInt(f.size), root: Uint8Array.from(Buffer.from(f.root, "base64")), note: f.note, time: BigInt(f.time) };
  } catch (e) {
    throw new SealTrailError("internal", `witness state file ${path} is unreadable: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Read the evidence kept in a witness data directory, oldest first, without
 * locking it (for `sealtrail witness evidence` beside a running witness).
 *
 * @example
 * ```ts
 * for (const e of readEvidence("./witness-data")) console.log(e.kind, e.origin);
 * ```
 */
export function readEvidence(dir: string): Evidence[] {
  const evDir = join(dir, "evidence");
  if (!existsSync(evDir)) return [];
  const out: Evidence[] = [];
  for (const name of readdirSync(evDir)) {
    if (!name.endsWith(".json")) continue;
    out.push(JSON.parse(readFileSync(join(evDir, name), "utf8")) as Evidence);
  }
  return out.sort((a, b) => (a.detectedAt < b.detectedAt ? -1 : a.detectedAt > b.detectedAt ? 1 : 0));
}

/**
 * Open (creating it if needed) and lock a witness data directory.
 * Raises `conflict` if another live process holds it.
 *
 * @example
 * ```ts
 * const state = openWitnessState("./witness-data");
 * ```
 */
export function openWitnessState(dir: string): WitnessState {
  mkdirSync(join(dir, "logs"), { recursive: true });
  mkdirSync(join(dir, "evidence"), { recursive: true });
  const lock = takeLock(dir);
  const logs = new Map<string, LogState>();
  for (const name of readdirSync(join(dir, "logs"))) {
    if (!name.endsWith(".json")) continue; // a temp file of an interrupted write
    const path = join(dir, "logs", name);
    const s = parseLogFile(readFileSync(path, "utf8"), path);
    logs.set(s.origin, s);
  }
  let closed = false;
  return {
    get: (origin) => logs.get(origin),
    put(s) {
      const f: LogFile = { origin: s.origin, size: s.size.toString(), root: Buffer.from(s.root).toString("base64"), note: s.note, time: s.time.toString() };
      writeFileAtomic(join(dir, "logs", `${fileId(s.origin)}.json`), JSON.stringify(f, null, 2) + "\n");
      logs.set(s.origin, s);
    },
    all: () => [...logs.values()],
    addEvidence(e) {
      const text = JSON.stringify(e, null, 2) + "\n";
      const path = join(dir, "evidence", `${e.kind}-${fileId(JSON.stringify([e.origin, e.checkpoints, e.proof ?? null]))}.json`);
      if (existsSync(path)) return;
      writeFileAtomic(path, text);
    },
    evidence: () => readEvidence(dir),
    close() {
      if (closed) return;
      closed = true;
      rmSync(lock, { force: true });
    },
  };
}
