/**
 * Worker thread body of the verifier pool: verifies a packed batch and
 * answers 1/0 per task; with `checks`, also runs the record rules' schema
 * check (a RecordRules.validator) on each task's canonical payload, and on
 * each payload without problems the rules' facts export, so the appending
 * thread pays for neither.
 */
import { parentPort } from "node:worker_threads";
import { verifyPackedSignatures } from "@sealtrail/core";
import type { PayloadProblem } from "./record-rules.js";

/** The schema checks of a batch: the validator's module and export, each task's type and canonical payload (null: none to check). */
interface Checks {
  readonly url: string;
  readonly name: string;
  /** The export whose answer on each payload without problems goes back with it. */
  readonly facts?: string;
  readonly types: readonly string[];
  readonly payloads: readonly (string | null)[];
}

interface Request {
  readonly id: number;
  readonly packed: Uint8Array;
  readonly count: number;
  readonly checks?: Checks;
}

type Export = (type: string, payload: Readonly<Record<string, unknown>>) => unknown;

// Each export is imported once per worker.
const exported = new Map<string, Promise<Export>>();

function exportOf(url: string, name: string): Promise<Export> {
  const key = `${url}#${name}`;
  let v = exported.get(key);
  if (v === undefined) {
    v = import(url).then((m: Record<string, unknown>) => {
      const f = m[name];
      if (typeof f !== "function") throw new Error(`${url} exports no function ${name}`);
      return f as Export;
    });
    exported.set(key, v);
  }
  return v;
}

async function answer(m: Request): Promise<void> {
  try {
    const results = verifyPackedSignatures(m.packed, m.count);
    let problems: [number, PayloadProblem[]][] | undefined;
    let facts: [number, unknown][] | undefined;
    const checks = m.checks;
    if (checks !== undefined) {
      const validate = (await exportOf(checks.url, checks.name)) as (type: string, payload: Readonly<Record<string, unknown>>) => PayloadProblem[];
      const factsOf = checks.facts === undefined ? undefined : await exportOf(checks.url, checks.facts);
      problems = [];
      facts = [];
      checks.payloads.forEach((text, i) => {
        if (text === null) return;
        // The canonical text the appending thread wrote: plain JSON.parse.
        const payload = JSON.parse(text) as Record<string, unknown>;
        const found = validate(checks.types[i]!, payload);
        if (found.length > 0) problems!.push([i, found]);
        else if (factsOf !== undefined) facts!.push([i, factsOf(checks.types[i]!, payload)]);
      });
    }
    parentPort?.postMessage({ id: m.id, results, ...(problems !== undefined ? { problems, facts } : {}) }, [results.buffer as ArrayBuffer]);
  } catch (e) {
    // Answered as a failure of this request alone; the worker stays.
    parentPort?.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
}

parentPort?.on("message", (m: Request) => void answer(m));
