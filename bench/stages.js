/**
 * Where an appended record's CPU goes: each stage the server runs for a
 * record, timed on one thread on the same pre-signed records, beside the
 * Ed25519 verification of those records. The sum is a bound: on N cores,
 * ingest cannot beat N / (sum of stage costs) records per second, whatever
 * the HTTP layer, the load generator and the scheduling add on top.
 *
 * Stages: JSON.parse of a 100-record request body; checkSubmission (envelope
 * validation, canonical entry and signing message, payload canonicalisation
 * and commitment, leaf hash); Ed25519 verification; store.sequence on a real
 * SQLite file (durable commit, integration into tiles), 800 records per
 * transaction as group commit forms them under load.
 */
import { availableParallelism } from "node:os";
import { buildKeyRecord, ed25519Verify, integrate } from "@sealtrail/core";
import { NO_RECORD_RULES, checkSubmission, initialize, openContext } from "@sealtrail/server";
import { makeAuthors, signRecords } from "./records.js";
import { cleanup, log, tempDir } from "./util.js";

// CPU of the whole process (ms), so that garbage collection on V8's helper
// threads counts; no worker runs while a stage is timed.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const VAULT = "default";

/** CPU µs per record of `fn` over `n` records (best of `rounds`: the machine is shared). */
function perRecord(n, rounds, fn) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = cpuMs();
    fn();
    best = Math.min(best, ((cpuMs() - c0) * 1000) / n);
  }
  return best;
}

/** @param {{ records?: number }} opts */
export async function benchStages(opts = {}) {
  const n = opts.records ?? 20_000;
  const authors = makeAuthors(8);
  log(`stages: signing ${n} records (clients' work, untimed)`);
  const subs = await signRecords(VAULT, authors, n);
  const bodies = [];
  for (let i = 0; i < n; i += 100) bodies.push(JSON.stringify({ records: subs.slice(i, i + 100) }));
  const keyOf = new Map(authors.map((a) => [a.org, a.publicKey]));

  let parsed = [];
  const parse = perRecord(n, 3, () => {
    parsed = bodies.map((b) => JSON.parse(b));
  });
  let checked = [];
  const check = perRecord(n, 3, () => {
    checked = parsed.flatMap((b) => b.records.map((s) => checkSubmission(VAULT, s, NO_RECORD_RULES)));
  });
  let bad = 0;
  const verify = perRecord(n, 2, () => {
    for (const c of checked) if (!ed25519Verify(keyOf.get(c.pending.author), c.message, c.signature)) bad++;
  });
  if (bad > 0) throw new Error(`stages: ${bad} signatures failed`);

  // A fresh SQLite log per round: sequencing appends, so each round starts alike.
  let sequence = Infinity;
  let sequenceWall = Infinity;
  for (let r = 0; r < 2; r++) {
    const dir = tempDir("stages");
    const ctx = await openContext({ data: dir });
    try {
      await initialize(ctx.store, ctx.ledger, {});
      for (const a of authors) {
        const k = buildKeyRecord({ vault: VAULT, author: a.org, seed: a.seed, action: "register", publicKey: a.publicKey });
        await ctx.ledger.append(VAULT, [{ entry: k.signed }]);
      }
      const c0 = cpuMs();
      const t0 = performance.now();
      for (let i = 0; i < n; i += 800) {
        await ctx.store.sequence(VAULT, checked.slice(i, i + 800).map((c) => c.pending), integrate);
      }
      sequence = Math.min(sequence, ((cpuMs() - c0) * 1000) / n);
      sequenceWall = Math.min(sequenceWall, ((performance.now() - t0) * 1000) / n);
    } finally {
      await ctx.close();
      cleanup(dir);
    }
  }
  const cores = availableParallelism();
  const sum = parse + check + verify + sequence;
  return { records: n, cores, parse, check, verify, sequence, sequenceWall, sum, bound: (cores * 1e6) / sum, verifyOnly: (cores * 1e6) / verify };
}

/** Table rows for bench/run.js. */
export function stagesRows(r, { fmtRate, fmtPct }) {
  const us = (x) => `${x.toFixed(1)} µs`;
  const rows = [
    ["stages", "JSON.parse of a 100-record request, per record", us(r.parse), us(r.verify) + " verify", fmtPct(r.parse / r.verify)],
    ["stages", "checkSubmission (envelope, canonical forms, commitment, leaf)", us(r.check), us(r.verify) + " verify", fmtPct(r.check / r.verify)],
    ["stages", "Ed25519 verify (the record's signature)", us(r.verify), "", ""],
    ["stages", "store.sequence, SQLite, 800/transaction (CPU; wall)", `${us(r.sequence)}; ${us(r.sequenceWall)}`, us(r.verify) + " verify", fmtPct(r.sequence / r.verify)],
  ];
  rows.push([
    "stages",
    `bound on ${r.cores} cores: cores / sum of stages (${us(r.sum)})`,
    `${fmtRate(r.bound)} rec/s`,
    `${fmtRate(r.verifyOnly)} rec/s if verify were all`,
    `before HTTP, auth, responses and the load generator`,
  ]);
  return rows;
}
