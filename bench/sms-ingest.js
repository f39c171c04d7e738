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
import { cleanup, cpuPerItem, log, now, tempDir, threadCpu } from "./util.js";

const PLAIN_TYPE = "bench.note";

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
async function signSpecs(vault, authors, specs) {
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

// A small deterministic generator (mulberry32), so every run sends the same records.
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SITES = ["Rotterdam yard", "Antwerp gate 4", "Duisburg rail hub", "Venlo cross-dock", "Hamburg CT Burchardkai"];

function control(id, n, org) {
  return {
    id,
    title: `Tamper-evident seals checked at ${SITES[n % SITES.length]}`,
    domain: ["cargo", "physical", "procedural", "transport"][n % 4],
    catalogueControl: "cargo.seal-register",
    description: "ISO 17712 H seals on every loaded container; seal numbers logged at loading and checked at each handoff.",
    owner: { name: "Site security officer", org },
    applicable: true,
    justification: "Container theft and tampering are the top risks of the site.",
    status: "operating",
    implementation: [{ date: "2026-03-01", description: `Seal register in use at gates 1-${(n % 6) + 1}` }],
  };
}

function risk(id, n, org, controls) {
  return {
    id,
    title: `Theft of high-value cargo at ${SITES[n % SITES.length]}`,
    subject: { kind: "node", name: SITES[n % SITES.length] },
    threat: "Organised cargo theft at night",
    vulnerability: `Unlit fence line on the ${["north", "east", "south", "west"][n % 4]} side`,
    domains: ["physical", "cargo"],
    inherent: { likelihood: (n % 5) + 1, consequence: ((n * 3) % 5) + 1 },
    treatment: "reduce",
    controls,
    residual: { likelihood: 2, consequence: (n % 3) + 2 },
    owner: { name: "Head of operations", org },
    assessed: "2026-03-10",
    status: "treated",
  };
}

function incident(id, n, risks, status = "open") {
  return {
    id,
    title: `Broken seal found on arrival at ${SITES[n % SITES.length]}`,
    category: ["tampering", "theft", "custody", "unauthorised-access"][n % 4],
    severity: ["low", "medium", "high"][n % 3],
    status,
    source: "manual",
    node: { name: SITES[n % SITES.length] },
    detected: `2026-03-${String((n % 28) + 1).padStart(2, "0")}T08:15:00.000Z`,
    risks,
  };
}

function acceptance(id, riskId, riskPayload) {
  return {
    id,
    risk: riskId,
    residual: riskPayload.residual,
    acceptedBy: { name: "Managing director", org: riskPayload.owner.org },
    justification: "Residual risk within appetite after the seal and lighting controls.",
    accepted: "2026-04-01",
    expires: "2027-04-01",
  };
}

/**
 * The SMS records of one run, as two waves of requests. Wave 1: blocks of
 * ten (2 controls, 6 risks naming them, 2 incidents naming a risk), each
 * request naming only its own records. Wave 2: blocks of ten (3 new
 * versions of wave-1 records, 4 risks naming 2 stored controls, 2 incidents
 * naming 2 stored risks, 1 acceptance of a stored risk by its owner).
 * `supersedes` holds the position of the wave-1 record it replaces.
 */
function smsPlan(total, requestSize, authors, seed) {
  const rnd = random(seed);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const requests = Math.ceil(total / requestSize);
  const wave1Requests = Math.ceil(requests / 2);
  const wave1Count = Math.min(total, wave1Requests * requestSize);
  const wave1 = [];
  const controls = [];
  const risks = [];
  const at = (author) => ({ author, subjects: [`site:${authors[author].org}-yard`] });
  for (let r = 0; wave1.length < wave1Count; r++) {
    const size = Math.min(requestSize, wave1Count - wave1.length);
    for (let k = 0; k < size; k++) {
      const pos = wave1.length;
      const author = pos % authors.length;
      const org = authors[author].org;
      const slot = k % 10;
      if (slot < 2) {
        wave1.push({ ...at(author), type: "sms.control", payload: control(`C-${pos}`, pos, org) });
        controls.push(pos);
      } else if (slot < 8) {
        // The block's two controls, stored just before it.
        const named = [`C-${pos - slot}`, `C-${pos - slot + 1}`];
        wave1.push({ ...at(author), type: "sms.risk", payload: risk(`R-${pos}`, pos, org, named) });
        risks.push(pos);
      } else {
        wave1.push({ ...at(author), type: "sms.incident", payload: incident(`I-${pos}`, pos, [`R-${pos - slot + 2}`]) });
      }
    }
  }
  // Wave-1 records in a shuffled order: each gets at most one new version.
  const versionable = wave1.map((_, i) => i);
  for (let i = versionable.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [versionable[i], versionable[j]] = [versionable[j], versionable[i]];
  }
  const wave2 = [];
  for (let k = 0; wave1.length + wave2.length < total; k++) {
    const pos = wave1.length + wave2.length;
    const slot = k % requestSize % 10;
    const author = pos % authors.length;
    const org = authors[author].org;
    if (slot < 3 && versionable.length > 0) {
      const old = versionable.pop();
      const prev = wave1[old];
      const p = prev.payload;
      const payload =
        prev.type === "sms.incident"
          ? { ...p, status: "investigating", responded: "2026-03-29T10:00:00.000Z" }
          : prev.type === "sms.risk"
            ? { ...p, assessed: "2026-04-15", reviewDue: "2026-10-15" }
            : { ...p, implementation: [...p.implementation, { date: "2026-04-02", description: "Seal checks extended to the rail gate" }] };
      // A new version comes from the author of the first (the risk's owner, for a risk).
      wave2.push({ author: prev.author, subjects: prev.subjects, type: prev.type, payload, supersedes: old });
    } else if (slot < 7) {
      const a = pick(controls);
      let b = pick(controls);
      while (b === a && controls.length > 1) b = pick(controls);
      wave2.push({ ...at(author), type: "sms.risk", payload: risk(`R-${pos}`, pos, org, a === b ? [`C-${a}`] : [`C-${a}`, `C-${b}`]) });
    } else if (slot < 9) {
      const a = pick(risks);
      let b = pick(risks);
      while (b === a && risks.length > 1) b = pick(risks);
      wave2.push({ ...at(author), type: "sms.incident", payload: incident(`I-${pos}`, pos, a === b ? [`R-${a}`] : [`R-${a}`, `R-${b}`]) });
    } else {
      // Accepted by the risk's owner, its author.
      const r = wave1[pick(risks)];
      wave2.push({ author: r.author, subjects: r.subjects, type: "sms.risk-acceptance", payload: acceptance(`A-${pos}`, r.payload.id, r.payload) });
    }
  }
  return { wave1, wave2 };
}

// The plain twin of an SMS record: the same author, subjects, supersession
// and payload (so of the same size and shape: canonicalising and committing
// to it cost the same), under a type no rules apply to.
function plainTwin(spec) {
  return { ...spec, type: PLAIN_TYPE };
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
    // Noise-proof view: the SMS layer's CPU per record, and zod's part of it.
    rows.push([
      "sms-ingest",
      `CPU per record, main thread + other threads: SMS ${r.sms.cpu.mainUs.toFixed(0)} + ${r.sms.cpu.otherUs.toFixed(0)} us, plain ${r.plain.cpu.mainUs.toFixed(0)} + ${r.plain.cpu.otherUs.toFixed(0)} us`,
      `${per(r.sms).toFixed(0)} / ${per(r.plain).toFixed(0)} us/rec`,
      `${r.ceiling.cpuUsPerVerify.toFixed(0)} us per bare verify`,
      `plain / SMS ${fmtPct(per(r.plain) / per(r.sms))}; zod validation ${r.validateUs.toFixed(1)} us/rec (one thread)`,
    ]);
  }
  return rows;
}
