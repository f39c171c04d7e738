/**
 * The SMS figures after an append, from a projection as the server keeps
 * one (createSmsProjection): built once from N records with every payload
 * checked, then fed each appended batch (every payload of it checked), and
 * readiness, KPIs, gaps and maturity answered on the state after it, whose
 * lookups were kept as records were added instead of being rebuilt.
 */
import { computeKpis, computeMaturity, computeReadiness, createSmsProjection, detectGaps } from "@sealtrail/core";
import { KPI_PERIOD, SMS_D, median } from "./sms.js";
import { log, now } from "./util.js";

const gc = () => globalThis.gc?.();

/**
 * @param {object[]} all the records: the first `n` build the projection, then `runs` batches of `batch` are appended
 * @param {number} n
 * @param {number} runs
 * @param {number} batch
 */
export function benchSmsProjection(all, n, runs, batch) {
  const records = all.slice(0, n);
  log(`sms: projection built from ${n.toLocaleString("en-US")} records, then ${runs} batches of ${batch.toLocaleString("en-US")} appended, readiness + KPIs + gaps + maturity after each`);
  gc();
  let t = now();
  const projection = createSmsProjection();
  projection.add(records);
  const first = projection.state();
  const buildMs = now() - t;
  computeReadiness(first, SMS_D);
  computeKpis(first, KPI_PERIOD);
  detectGaps(first, SMS_D);
  computeMaturity(first, SMS_D);
  const appends = [];
  for (let r = 0; r < runs; r++) {
    gc();
    t = now();
    projection.add(all.slice(n + r * batch, n + (r + 1) * batch));
    const s = projection.state();
    const addMs = now() - t;
    const ms = {};
    for (const [k, f] of [
      ["readiness", () => computeReadiness(s, SMS_D)],
      ["kpis", () => computeKpis(s, KPI_PERIOD)],
      ["gaps", () => detectGaps(s, SMS_D)],
      ["maturity", () => computeMaturity(s, SMS_D)],
    ]) {
      const u = now();
      f();
      ms[k] = now() - u;
    }
    const figuresMs = ms.readiness + ms.kpis + ms.gaps + ms.maturity;
    appends.push({ addMs, figuresMs, totalMs: addMs + figuresMs, ms });
  }
  const mid = (k) => median(appends.map((a) => a[k]));
  return { buildMs, batch, addMs: mid("addMs"), figuresMs: mid("figuresMs"), totalMs: mid("totalMs"), ms: Object.fromEntries(["readiness", "kpis", "gaps", "maturity"].map((k) => [k, median(appends.map((a) => a.ms[k]))])), appends };
}
