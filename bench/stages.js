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
 *
 * SMS stages (the same sms-ingest records, 1,000 per request): the schema
 * check as the verifier's workers run it (JSON.parse of the canonical
 * payload, then zod); the SMS rules' request check (checkRequest, given
 * the facts the workers find) of first versions naming records of their own
 * request, then of records naming stored ones, new versions and acceptances; store.sequence of the SMS
 * records against their plain twins (the difference is the series table).
 */
import { availableParallelism } from "node:os";
import { buildKeyRecord, ed25519Verify, integrate } from "@sealtrail/core";
import { toHex } from "@sealtrail/core";
import { NO_RECORD_RULES, checkSubmission, createSmsRules, initialize, openContext } from "@sealtrail/server";
import { makeAuthors, registerAuthors, signRecords } from "./records.js";
import { signSpecs } from "./sms-ingest.js";
import { plainTwin, smsPlan } from "./sms-plan.js";
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
  const sms = await smsStages(n);
  return { records: n, cores, parse, check, verify, sequence, sequenceWall, sum, bound: (cores * 1e6) / sum, verifyOnly: (cores * 1e6) / verify, sms };
}

/** CPU µs per record of the async `fn` over `n` records, once (it changes the store). */
async function perRecordOnce(n, fn) {
  const c0 = cpuMs();
  await fn();
  return ((cpuMs() - c0) * 1000) / n;
}

// The SMS layer's stages on the sms-ingest records, in a fresh SQLite log.
async function smsStages(n) {
  const dir = tempDir("stages-sms");
  const ctx = await openContext({ data: dir });
  try {
    await initialize(ctx.store, ctx.ledger, {});
    const authors = await registerAuthors(ctx.ledger, VAULT, 8);
    const rules = createSmsRules(ctx.store);
    const plan = smsPlan(n, 1000, authors, 1);
    log(`stages: signing ${n} SMS records and their plain twins (untimed)`);
    // As the ledger checks them: the schema left to the verifier's workers.
    const check = (subs) => subs.map((s) => checkSubmission(VAULT, s, rules, undefined, { deferValidation: true }));
    const sms1 = check(await signSpecs(VAULT, authors, plan.wave1));
    const plain1 = check(await signSpecs(VAULT, authors, plan.wave1.map(plainTwin)));
    // The facts a verifier worker hands over with each valid payload (untimed: the workers' work).
    const worker = await import(rules.validator.url);
    const withFacts = (checked) => checked.map((c) => ({ ...c, facts: worker[rules.validator.facts](c.pending.type, JSON.parse(c.pending.payload)) }));
    // A fresh rules object each round: no series known from an earlier round.
    const requests = async (checked) => {
      const fresh = createSmsRules(ctx.store);
      for (let i = 0; i < checked.length; i += 1000) await fresh.checkRequest(VAULT, checked.slice(i, i + 1000));
    };
    const sequenced = async (checked) => {
      const out = [];
      for (let i = 0; i < checked.length; i += 1000) {
        const r = await ctx.store.sequence(VAULT, checked.slice(i, i + 1000).map((c) => c.pending), integrate);
        out.push(...r.outcomes);
      }
      if (out.some((o) => !o.ok)) throw new Error("stages: an SMS record was refused in sequencing");
      return out;
    };
    const validate = perRecord(sms1.length, 3, () => {
      for (const c of sms1) if (rules.validate(c.pending.type, JSON.parse(c.pending.payload)).length > 0) throw new Error("stages: invalid SMS payload");
    });
    let requestFirst = Infinity;
    const facts1 = withFacts(sms1);
    for (let r = 0; r < 3; r++) requestFirst = Math.min(requestFirst, await perRecordOnce(sms1.length, () => requests(facts1)));
    let plainOut = [];
    let smsOut = [];
    const sequencePlain1 = await perRecordOnce(plain1.length, async () => (plainOut = await sequenced(plain1)));
    const sequenceSms1 = await perRecordOnce(sms1.length, async () => (smsOut = await sequenced(sms1)));
    // Wave 2 names the wave-1 records as stored (each twin its own twin).
    const superseding = (outs, checked) => (s) =>
      s.supersedes === undefined ? s : { ...s, supersedes: { index: Number(outs[s.supersedes].index), leafHash: toHex(checked[s.supersedes].pending.leafHash) } };
    const sms2 = check(await signSpecs(VAULT, authors, plan.wave2.map(superseding(smsOut, sms1))));
    const plain2 = check(await signSpecs(VAULT, authors, plan.wave2.map(plainTwin).map(superseding(plainOut, plain1))));
    let requestStored = Infinity;
    const facts2 = withFacts(sms2);
    for (let r = 0; r < 3; r++) requestStored = Math.min(requestStored, await perRecordOnce(sms2.length, () => requests(facts2)));
    const sequencePlain2 = await perRecordOnce(plain2.length, () => sequenced(plain2));
    const sequenceSms2 = await perRecordOnce(sms2.length, () => sequenced(sms2));
    const w = (a, b) => (a * sms1.length + b * sms2.length) / (sms1.length + sms2.length);
    return { validate, requestFirst, requestStored, sequencePlain: w(sequencePlain1, sequencePlain2), sequenceSms: w(sequenceSms1, sequenceSms2) };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
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
  const m = r.sms;
  rows.push(
    ["stages", "SMS: schema check (JSON.parse + zod), as the verifier's workers run it", us(m.validate), us(r.verify) + " verify", fmtPct(m.validate / r.verify)],
    ["stages", "SMS: checkRequest, first versions naming records of their request", us(m.requestFirst), "", "appending thread"],
    ["stages", "SMS: checkRequest, records naming stored ones, new versions, acceptances", us(m.requestStored), "", "appending thread"],
    ["stages", "SMS: store.sequence, SQLite, 1000/transaction, SMS records; plain twins", `${us(m.sequenceSms)}; ${us(m.sequencePlain)}`, "", `series table: ${us(m.sequenceSms - m.sequencePlain)}`],
  );
  rows.push([
    "stages",
    `bound on ${r.cores} cores: cores / sum of stages (${us(r.sum)})`,
    `${fmtRate(r.bound)} rec/s`,
    `${fmtRate(r.verifyOnly)} rec/s if verify were all`,
    `before HTTP, auth, responses and the load generator`,
  ]);
  return rows;
}
