#!/usr/bin/env node
/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by function
 * and by file, heaviest first.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/run.js ingest
 *   node bench/profile.js /tmp/prof/CPU.*.cpuprofile [--top=30]
 */
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const top = Number(args.find((a) => a.startsWith("--top="))?.slice(6) ?? 30);
for (const file of args.filter((a) => !a.startsWith("--"))) {
  const p = JSON.parse(readFileSync(file, "utf8"));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byFn = new Map();
  const byFile = new Map();
  let total = 0;
  for (const n of p.nodes) {
    const us = dt.get(n.id) ?? 0;
    total += us;
    const cf = n.callFrame;
    const where = cf.url ? cf.url.replace(/^.*\/(node_modules|packages)\//, "$1/") : "(native)";
    const fn = `${cf.functionName || "(anonymous)"} ${where}:${cf.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
  }
  // Inclusive time: a function's own samples and its callees', counted once
  // per stack even when it recurses.
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  for (const n of p.nodes) {
    const us = dt.get(n.id) ?? 0;
    if (us === 0 || n.callFrame.functionName === "(idle)") continue;
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id).callFrame;
      const where = cf.url ? cf.url.replace(/^.*\/(node_modules|packages)\//, "$1/") : "(native)";
      const fn = `${cf.functionName || "(anonymous)"} ${where}:${cf.lineNumber + 1}`;
      if (seen.has(fn)) continue;
      seen.add(fn);
      incl.set(fn, (incl.get(fn) ?? 0) + us);
    }
  }
  const show = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
      .join("\n");
  console.log(`\n== ${file}: ${(total / 1000).toFixed(0)} ms sampled\n-- by function (self)\n${show(byFn)}\n-- by file (self)\n${show(byFile)}\n-- by function (inclusive)\n${show(incl)}`);
}
