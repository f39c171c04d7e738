/**
 * Ingest: author-signed records through ledger.append on a real SQLite file
 * (signature checks included, acknowledged once committed durably), with
 * several requests in flight, beside the all-core Ed25519 ceiling.
 */
import { openContext, initialize } from "@sealtrail/server";
import { ed25519Ceiling } from "./ceiling.js";
import { registerAuthors, signRecords, verifyTasksOf } from "./records.js";
import { cleanup, cpuPerItem, log, now, tempDir, threadCpu } from "./util.js";

const VAULT = "default";

/**
 * @param {{ records?: number, requestSize?: number, concurrency?: number, authors?: number, verifier?: object, db?: string }} opts
 *   `verifier`: a signature verification pool to use instead of the ledger's own (A/B runs).
 *   `db`: a PostgreSQL URL (an empty database) to ingest into instead of SQLite.
 */
export async function benchIngest(opts = {}) {
  const total = opts.records ?? 100_000;
  const requestSize = opts.requestSize ?? 1000;
  const concurrency = opts.concurrency ?? 6;
  const dir = tempDir("ingest");
  const ctx = await openContext({ data: dir, db: opts.db, ...(opts.verifier !== undefined ? { verifier: opts.verifier } : {}) });
  try {
    await initialize(ctx.store, ctx.ledger, {});
    const authors = await registerAuthors(ctx.ledger, VAULT, opts.authors ?? 8);
    log(`ingest: signing ${total} records by ${authors.length} authors (clients' work, untimed)`);
    let t = now();
    const subs = await signRecords(VAULT, authors, total);
    log(`ingest: signed in ${((now() - t) / 1000).toFixed(1)} s`);

    // The all-core ceiling just before and just after the run, on the same
    // signatures: the machine is shared and its speed drifts.
    const tasks = verifyTasksOf(subs.slice(0, 4096), authors);
    log("ingest: all-core Ed25519 ceiling (before)");
    const ceilingBefore = await ed25519Ceiling(tasks, 2000, { single: false });

    const before = (await ctx.store.tree(VAULT)).size;
    const requests = [];
    for (let i = 0; i < subs.length; i += requestSize) requests.push(subs.slice(i, i + requestSize));
    log(`ingest: ${requests.length} requests of ${requestSize}, ${concurrency} in flight`);
    let next = 0;
    let acked = 0;
    const client = async () => {
      while (next < requests.length) {
        const req = requests[next++];
        const res = await ctx.ledger.append(VAULT, req);
        if (res.length !== req.length) throw new Error("ingest: short acknowledgement");
        acked += res.length;
      }
    };
    const cpu0 = threadCpu();
    t = now();
    await Promise.all(Array.from({ length: concurrency }, client));
    const ms = now() - t;
    const cpu1 = threadCpu();
    const after = (await ctx.store.tree(VAULT)).size;
    if (after - before !== BigInt(total) || acked !== total) throw new Error(`ingest: ${after - before} sequenced, ${acked} acked, ${total} sent`);
    const rate = (total * 1000) / ms;
    log(`ingest: ${total} records in ${(ms / 1000).toFixed(2)} s; all-core Ed25519 ceiling (after)`);
    const ceilingAfter = await ed25519Ceiling(tasks, 2000, { single: false });
    const ceiling = {
      cores: ceilingBefore.cores,
      all: (ceilingBefore.all + ceilingAfter.all) / 2,
      before: ceilingBefore.all,
      after: ceilingAfter.all,
      cpuUsPerVerify: (ceilingBefore.cpuUsPerVerify + ceilingAfter.cpuUsPerVerify) / 2,
    };
    // CPU per record: the main thread (checks, SQLite, the event loop) and
    // every other thread (verification workers, libuv), from /proc.
    const cpu = cpuPerItem(cpu0, cpu1, total);
    return { total, requestSize, concurrency, ms, rate, ceiling, cpu };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
}
