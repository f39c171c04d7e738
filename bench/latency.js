/**
 * Append-to-checkpoint latency: an open-loop generator appends single
 * pre-signed records at a steady rate while the ledger's checkpoint publisher
 * runs; per record, the time from its scheduled send to its acknowledgement
 * and to the first stored checkpoint whose size covers its index.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { openContext, initialize } from "@sealtrail/server";
import { commitFloor } from "./ceiling.js";
import { registerAuthors, signRecords } from "./records.js";
import { cleanup, log, now, percentile, tempDir } from "./util.js";

const VAULT = "default";

/**
 * @param {{ intervalMs?: number, rate?: number, seconds?: number }} opts
 */
export async function benchLatency(opts = {}) {
  const intervalMs = opts.intervalMs ?? 1000;
  const rate = opts.rate ?? 1000;
  const seconds = opts.seconds ?? 10;
  const total = Math.round(rate * seconds);
  const dir = tempDir(`latency-${intervalMs}`);
  const ctx = await openContext({ data: dir, checkpointIntervalMs: intervalMs });
  try {
    await initialize(ctx.store, ctx.ledger, {});
    const authors = await registerAuthors(ctx.ledger, VAULT, 4);
    const subs = await signRecords(VAULT, authors, total + 1);
    const floor = await commitFloor(ctx.store);

    // Observe every stored checkpoint: the ledger calls store.putCheckpoint
    // through the store object, so wrapping it sees each publication once
    // it is committed.
    const published = [];
    const put = ctx.store.putCheckpoint;
    ctx.store.putCheckpoint = async (vault, cp) => {
      await put(vault, cp);
      published.push({ size: cp.size, t: now() });
    };

    // And every sequencing transaction (group commit): its duration and size.
    const commits = [];
    const sequence = ctx.store.sequence;
    ctx.store.sequence = async (vault, entries, integrate) => {
      const t = now();
      const r = await sequence(vault, entries, integrate);
      commits.push({ ms: now() - t, n: entries.length });
      return r;
    };

    await ctx.ledger.append(VAULT, [subs[total]]); // warm-up, untimed
    commits.length = 0;
    ctx.ledger.start();
    // Stalls of this process's event loop (GC, synchronous commits) versus
    // the machine taking the CPU away: both show as send lag.
    const eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
    log(`latency: ${total} single-record appends at ${rate}/s, checkpoint every ${intervalMs} ms`);

    const scheduled = new Float64Array(total);
    const lag = new Float64Array(total);
    const acked = new Float64Array(total);
    const index = new Array(total);
    const inflight = [];
    const period = 1000 / rate;
    const t0 = now() + 10;
    let i = 0;
    while (i < total) {
      const due = t0 + i * period;
      const wait = due - now();
      if (wait > 1) await sleep(wait - 0.5);
      // Open loop: send everything that is due, however late, and charge the
      // lateness to the record (no coordinated omission).
      const t = now();
      while (i < total && t0 + i * period <= t + 0.05) {
        const k = i++;
        scheduled[k] = t0 + k * period;
        lag[k] = t - scheduled[k];
        inflight.push(
          ctx.ledger.append(VAULT, [subs[k]]).then(([r]) => {
            acked[k] = now();
            index[k] = r.index;
          }),
        );
      }
      if (i < total && t0 + i * period <= now()) await new Promise((r) => setImmediate(r));
    }
    const sendMs = now() - t0;
    eld.disable();
    await Promise.all(inflight);
    const last = index.reduce((m, x) => (x > m ? x : m), 0n);
    const deadline = now() + 3 * intervalMs + 2000;
    while ((published.at(-1)?.size ?? 0n) <= last && now() < deadline) await sleep(5);
    if ((published.at(-1)?.size ?? 0n) <= last) throw new Error("latency: no checkpoint covered the last record");

    const ack = [];
    const covered = [];
    for (let k = 0; k < total; k++) {
      ack.push(acked[k] - scheduled[k]);
      // First checkpoint (in publication order, sizes only grow) covering the index.
      let lo = 0;
      let hi = published.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (published[mid].size > index[k]) hi = mid;
        else lo = mid + 1;
      }
      covered.push(published[lo].t - scheduled[k]);
    }
    return {
      intervalMs,
      rate,
      sent: total,
      achievedRate: (total * 1000) / sendMs,
      checkpoints: published.length,
      ackP50: percentile(ack, 50),
      ackP99: percentile(ack, 99),
      cpP50: percentile(covered, 50),
      cpP99: percentile(covered, 99),
      cpMax: Math.max(...covered),
      loopDelayMaxMs: eld.max / 1e6,
      loopDelayP99Ms: eld.percentile(99) / 1e6,
      lagP50: percentile(lag, 50),
      lagP99: percentile(lag, 99),
      batches: commits.length,
      batchMean: commits.reduce((a, c) => a + c.n, 0) / commits.length,
      batchMsP50: percentile(commits.map((c) => c.ms), 50),
      batchMsP99: percentile(commits.map((c) => c.ms), 99),
      commitP50: percentile(floor, 50),
      commitP99: percentile(floor, 99),
    };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
}
