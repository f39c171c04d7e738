/**
 * SMS ingest: durable ingest through ledger.append of author-signed SMS
 * records (controls, risks naming controls, incidents naming risks,
 * residual-risk acceptances, new versions of earlier records), each checked
 * by the SMS rules (schema, series, references, workflow steps, who accepts
 * a risk), beside the same records under a plain type (`bench.note`): the
 * same authors, subjects, supersessions and payloads (so of the same sizes),
 * which no rules check. The difference is the SMS layer alone: schemas,
 * series, references, workflow steps, acceptances. Both rates come from the
 * same run, beside the all-core Ed25519 ceiling measured just before and
 * after.
 *
 * A new version names the index of the version it supersedes, known only
 * once that one is stored; so each run has two timed waves: first versions
 * (each request names only records of its own), then new records naming
 * stored ones and new versions of them. Signing (the clients' work) happens
 * before each wave, untimed. Requests run several in flight, as in `ingest`.
 *
 * This file is also its own signing worker (one per core).
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { buildKeyRecord, buildRecord, toBase64, toHex, validateSmsPayload } from "@sealtrail/core";
import { ed25519Ceiling } from "./ceiling.js";
import { registerAuthors, verifyTasksOf } from "./records.js";
import { plainTwin, smsPlan } from "./sms-plan.js";
import { cleanup, cpuPerItem, log, now, tempDir, threadCpu } from "./util.js";

if (!isMainThread && workerData?.smsIngestSign !== undefined) {
  // Worker: sign the specs it was given, with the authors' own keys.
  const { vault, authors, specs } = workerData.smsIngestSign;
  parentPort.postMessage(
    specs.map((s) => {
      const a = authors[s.author];
      const rec = buildRecord({
        vault,
        type: s.type,
        author: a.org,
        seed: a.seed,
        subjects: s.subjects,
        payload: s.payload,
        ...(s.supersedes !== undefined ? { supersedes: s.supersedes } : {}),
      });
      return { entry: rec.signed, payload: s.payload, salt: toBase64(rec.salt) };
    }),
  );
}

/** Sign `specs` for `vault`, spread over one worker per core. */
export async function signSpecs(vault, authors, specs) {
  const threads = Math.max(1, availableParallelism());
  const per = Math.ceil(specs.length / threads);
  const parts = [];
  for (let from = 0; from < specs.length; from += per) {
    const part = specs.slice(from, from + per);
    parts.push(
      new Promise((resolve, reject) => {
        const w = new Worker(new URL(import.meta.url), {
          workerData: { smsIngestSign: { vault, authors: authors.map(({ org, seed }) => ({ org, seed })), specs: part } },
        });
        w.once("message", (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once("error", reject);
      }),
    );
  }
  return (await Promise.all(parts)).flat();
}

async function appendWave(ledger, vault, subs, requestSize, concurrency) {
  const requests = [];
  for (let i = 0; i < subs.length; i += requestSize) requests.push({ from: i, subs: subs.slice(i, i + requestSize) });
  const stored = new Array(subs.length);
  let next = 0;
  const client = async () => {
    while (next < requests.length) {
      const req = requests[next++];
      const res = await ledger.append(vault, req.subs);
      if (res.length !== req.subs.length) throw new Error("sms-ingest: short acknowledgement");
      res.forEach((r, i) => (stored[req.from + i] = r));
    }
  };
  // Garbage left by the signing (or the other variant) is collected before
  // timing, not during it (`node --expose-gc`, as `npm run bench` runs).
  globalThis.gc?.();
  const cpu0 = threadCpu();
  const t = now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const ms = now() - t;
  const cpu = cpuPerItem(cpu0, threadCpu(), subs.length);
  return { ms, cpu, stored };
}

// One variant (plain or SMS) of one run into its own vault: two timed waves.
async function ingestVariant(server, ctx, vault, authors, plan, o) {
  await server.addVault(ctx.store, ctx.ledger, vault);
  const keyed = await registerKeys(ctx.ledger, vault, authors);
  const wave1 = await signSpecs(vault, keyed, plan.wave1);
  const one = await appendWave(ctx.ledger, vault, wave1, o.requestSize, o.concurrency);
  const specs2 = plan.wave2.map((s) => {
    if (s.supersedes === undefined) return s;
    const r = one.stored[s.supersedes];
    return { ...s, supersedes: { index: Number(r.index), leafHash: toHex(r.leafHash) } };
  });
  const wave2 = await signSpecs(vault, keyed, specs2);
  const two = await appendWave(ctx.ledger, vault, wave2, o.requestSize, o.concurrency);
  const n1 = wave1.length;
  const n2 = wave2.length;
  const total = n1 + n2;
  // CPU per record of both waves together (NaN where /proc is not available).
  const blend = (k) => (one.cpu === null || two.cpu === null ? NaN : (one.cpu[k] * n1 + two.cpu[k] * n2) / total);
  return { total, ms: one.ms + two.ms, rate: (total * 1000) / (one.ms + two.ms), cpu: { mainUs: blend("mainUs"), otherUs: blend("otherUs") } };
}

// The authors' keys registered in one more vault (the same keys in each).
async function registerKeys(ledger, vault, authors) {
  for (const { org, seed, publicKey } of authors) {
    const rec = buildKeyRecord({ vault, author: org, seed, action: "register", publicKey });
    await ledger.append(vault, [{ entry: rec.signed }]);
  }
  return authors;
}

/**
 * @param {{ records?: number, requestSize?: number, concurrency?: number, runs?: number, authors?: number, db?: string }} opts
 *   `db`: a PostgreSQL URL (an empty database) to ingest into instead of SQLite.
 *   `runs`: rounds of (plain, SMS), alternating which goes first; the ratio
 *   is the median of the rounds' ratios (each pair ran side by side in time).
 */
export async function benchSmsIngest(opts = {}) {
  const server = await import("@sealtrail/server");
  const total = opts.records ?? 20_000;
  const requestSize = opts.requestSize ?? 1000;
  const concurrency = opts.concurrency ?? 6;
  const runs = opts.runs ?? 3;
  const dir = tempDir("sms-ingest");
  const ctx = await server.openContext({ data: dir, db: opts.db });
  try {
    await server.initialize(ctx.store, ctx.ledger, {});
    const authors = await registerAuthors(ctx.ledger, "default", opts.authors ?? 8);
    const plans = Array.from({ length: runs }, (_, r) => smsPlan(total, requestSize, authors, 1 + r));

    // Zod validation alone (core's validateSmsPayload, one thread, one pass
    // as at append) over the SMS payloads: its share of an SMS record's CPU.
    const payloads = plans[0].wave1.concat(plans[0].wave2);
    for (const s of payloads.slice(0, 2000)) validateSmsPayload(s.type, s.payload);
    const t = now();
    for (const s of payloads) if (validateSmsPayload(s.type, s.payload).length > 0) throw new Error(`sms-ingest: ${s.type} ${s.payload.id} is not valid`);
    const validateUs = ((now() - t) * 1000) / payloads.length;

    // A small untimed run of each first: the verification workers, the
    // JIT and the store's statements warm up before any timing.
    const warm = smsPlan(Math.min(total, 4 * requestSize), requestSize, authors, 0);
    await ingestVariant(server, ctx, "warm-plain", authors, { wave1: warm.wave1.map(plainTwin), wave2: warm.wave2.map(plainTwin) }, { requestSize, concurrency });
    await ingestVariant(server, ctx, "warm-sms", authors, warm, { requestSize, concurrency });

    // The all-core ceiling on signatures of these records (signed for the
    // default vault, untimed), just before and just after the runs.
    const ceilingTasks = verifyTasksOf(await signSpecs("default", authors, plans[0].wave1.slice(0, 4096)), authors);
    log("sms-ingest: all-core Ed25519 ceiling (before)");
    const ceilingBefore = await ed25519Ceiling(ceilingTasks, 2000, { single: false });

    log(`sms-ingest: ${runs} runs of ${total} plain and ${total} SMS records, ${requestSize}/request, ${concurrency} in flight`);
    const results = { plain: [], sms: [] };
    const ratios = [];
    for (let r = 0; r < runs; r++) {
      const plan = plans[r];
      const twin = { wave1: plan.wave1.map(plainTwin), wave2: plan.wave2.map(plainTwin) };
      const order = r % 2 === 0 ? ["plain", "sms"] : ["sms", "plain"];
      const rate = {};
      for (const which of order) {
        const res = await ingestVariant(server, ctx, `${which}-${r + 1}`, authors, which === "plain" ? twin : plan, { requestSize, concurrency });
        log(`sms-ingest: run ${r + 1} ${which}: ${res.total} records in ${(res.ms / 1000).toFixed(2)} s (${Math.round(res.rate)} rec/s)`);
        results[which].push(res);
        rate[which] = res.rate;
      }
      ratios.push(rate.sms / rate.plain);
    }
    log("sms-ingest: all-core Ed25519 ceiling (after)");
    const ceilingAfter = await ed25519Ceiling(ceilingTasks, 2000, { single: false });
    const summary = (list) => {
      const n = list.reduce((a, x) => a + x.total, 0);
      const ms = list.reduce((a, x) => a + x.ms, 0);
      const cpu = (k) => list.reduce((a, x) => a + x.cpu[k] * x.total, 0) / n;
      return { rate: (n * 1000) / ms, ms, rates: list.map((x) => x.rate), cpu: { mainUs: cpu("mainUs"), otherUs: cpu("otherUs") } };
    };
    return {
      engine: opts.db === undefined ? "SQLite" : "PostgreSQL",
      total,
      runs,
      requestSize,
      concurrency,
      plain: summary(results.plain),
      sms: summary(results.sms),
      ratio: median(ratios),
      ratios,
      validateUs,
      ceiling: {
        cores: ceilingBefore.cores,
        all: (ceilingBefore.all + ceilingAfter.all) / 2,
        before: ceilingBefore.all,
        after: ceilingAfter.all,
        cpuUsPerVerify: (ceilingBefore.cpuUsPerVerify + ceilingAfter.cpuUsPerVerify) / 2,
      },
    };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The closing table's rows for a {@link benchSmsIngest} result. */
export function smsIngestRows(r, { fmtPct, fmtRate }) {
  const n = r.total.toLocaleString("en-US");
  const ceiling = `${fmtRate(r.ceiling.all)} verify/s, ${r.ceiling.cores} cores (before ${fmtRate(r.ceiling.before)}, after ${fmtRate(r.ceiling.after)})`;
  const rows = [
    [
      "sms-ingest",
      `${n} plain records (bench.note, no rules), ${r.requestSize}/request, ${r.concurrency} in flight, durable, ${r.engine}`,
      `${fmtRate(r.plain.rate)} rec/s`,
      ceiling,
      fmtPct(r.plain.rate / r.ceiling.all),
    ],
    [
      "sms-ingest",
      `the same ${n} as SMS records (controls, risks, incidents, acceptances, new versions), every rule checked`,
      `${fmtRate(r.sms.rate)} rec/s`,
      ceiling,
      fmtPct(r.sms.rate / r.ceiling.all),
    ],
    [
      "sms-ingest",
      `SMS / plain, median of ${r.runs} runs (each pair side by side)`,
      fmtPct(r.ratio),
      `runs: ${r.ratios.map(fmtPct).join(", ")}`,
      `goal >= 90%: ${r.ratio >= 0.9 ? "met" : "not met"}`,
    ],
  ];
  const per = (x) => x.cpu.mainUs + x.cpu.otherUs;
  if (Number.isFinite(per(r.sms)) && Number.isFinite(per(r.plain))) {
    // Noise-proof view: the SMS layer's CPU per record, and zod's part of it
    // (run on the verifier's worker threads, beside each signature check).
    rows.push([
      "sms-ingest",
      `CPU per record, main thread + other threads: SMS ${r.sms.cpu.mainUs.toFixed(0)} + ${r.sms.cpu.otherUs.toFixed(0)} us, plain ${r.plain.cpu.mainUs.toFixed(0)} + ${r.plain.cpu.otherUs.toFixed(0)} us`,
      `${per(r.sms).toFixed(0)} / ${per(r.plain).toFixed(0)} us/rec`,
      `${r.ceiling.cpuUsPerVerify.toFixed(0)} us per bare verify`,
      `plain / SMS ${fmtPct(per(r.plain) / per(r.sms))}; zod validation ${r.validateUs.toFixed(1)} us/rec (one thread; at append on the verifier's workers)`,
    ]);
  }
  return rows;
}
