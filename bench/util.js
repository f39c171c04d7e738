/**
 * Small helpers shared by the benchmarks: temp data directories that are
 * always removed, timing, percentiles and the closing table.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const tempDirs = new Set();

/** A fresh directory under the OS temp dir, removed by {@link cleanup} (and on exit). */
export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `sealtrail-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

/** Remove one temp dir now (or all of them). */
export function cleanup(dir) {
  const dirs = dir === undefined ? [...tempDirs] : [dir];
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    tempDirs.delete(d);
  }
}

process.on("exit", () => cleanup());
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const now = () => performance.now();

/** The p-th percentile (0..100) of numbers, nearest-rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Log a progress line to stderr, so stdout holds only the results. */
export function log(...args) {
  process.stderr.write(`[bench] ${args.join(" ")}\n`);
}

export const fmtRate = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "-");
export const fmtMs = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)} ms` : "-");
export const fmtPct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");

/**
 * Render rows of cells as a plain-text table with a header.
 * @param {string[]} header
 * @param {string[][]} rows
 */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => String(c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

// Clock ticks per second of /proc stat times (USER_HZ, 100 on Linux).
const USER_HZ = 100;

function statCpuMs(path) {
  const st = readFileSync(path, "utf8");
  const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
}

/**
 * CPU time (ms) of each thread of this process, by thread id (Linux
 * /proc; null elsewhere). Resolution 10 ms: use over runs of seconds.
 */
export function threadCpu() {
  if (process.platform !== "linux") return null;
  const out = new Map();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      out.set(Number(tid), statCpuMs(`/proc/self/task/${tid}/stat`));
    } catch {
      // The thread ended while listing.
    }
  }
  return out;
}

/**
 * CPU per item (µs) between two threadCpu() readings, split into the main
 * thread and every other thread (workers, libuv, GC helpers); null where
 * /proc is not available.
 */
export function cpuPerItem(cpu0, cpu1, items) {
  if (cpu0 === null || cpu1 === null) return null;
  let main = 0;
  let other = 0;
  for (const [tid, ms1] of cpu1) {
    const d = ms1 - (cpu0.get(tid) ?? 0);
    if (tid === process.pid) main += d;
    else other += d;
  }
  return { mainUs: (main * 1000) / items, otherUs: (other * 1000) / items };
}

/** CPU time (ms) of the calling thread (Linux; NaN elsewhere). */
export function ownThreadCpu() {
  return process.platform === "linux" ? statCpuMs("/proc/thread-self/stat") : NaN;
}

/**
 * CPU time (ms, user + system, every thread) of another process by pid, from
 * Linux /proc; NaN elsewhere or once it has gone.
 */
export function processCpu(pid) {
  if (process.platform !== "linux") return NaN;
  try {
    return statCpuMs(`/proc/${pid}/stat`);
  } catch {
    return NaN;
  }
}

/**
 * CPU time (ms) of a process and its direct children (a PostgreSQL
 * postmaster and its backends), Linux /proc; NaN elsewhere. Children that
 * ended between two readings are missed: use over long-lived connections.
 */
export function processTreeCpu(rootPid) {
  if (process.platform !== "linux") return NaN;
  let total = processCpu(rootPid);
  if (Number.isNaN(total)) return NaN;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === rootPid) continue;
    try {
      const st = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === rootPid) total += statCpuMs(`/proc/${name}/stat`);
    } catch {
      // The process ended while listing.
    }
  }
  return total;
}
