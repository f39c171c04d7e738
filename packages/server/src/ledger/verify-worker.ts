/**
 * Worker thread body of the verifier pool: verifies a packed batch and
 * answers 1/0 per task; with `checks`, also runs the record rules' schema
 * check (a RecordRules.validator) on each task's canonical payload, so the
 * appending thread does not pay for it.
 */
import { parentPort } from "node:worker_threads";
import { verifyPackedSignatures } from "@sealtrail/core";
import type { PayloadProblem } from "./record-rules.js";

/** The schema checks of a batch: the validator's module and export, each task's type and canonical payload (null: none to check). */
interface Checks {
  readonly url: string;
  readonly name: string;
  readonly types: readonly string[];
  readonly payloads: readonly (string | null)[];
}

interface Request {
  readonly id: number;
  readonly packed: Uint8Array;
  readonly count: number;
  readonly checks?: Checks;
}

type Validate = (type: string, payload: Readonly<Record<string, unknown>>) => PayloadProblem[];

// Each validator module is imported once per worker.
const validators = new Map<string, Promise<Validate>>();

function validatorOf(url: string, name: string): Promise<Validate> {
  const key = `${url}#${name}`;
  let v = validators.get(key);
  if (v === undefined) {
    v = import(url).then((m: Record<string, unknown>) => {
      const f = m[name];
      if (typeof f !== "function") throw new Error(`${url} exports no function ${name}`);
      return f as Validate;
    });
    validators.set(key, v);
  }
  return v;
}

async function answer(m: Request): Promise<void> {
  try {
    const results = verifyPackedSignatures(m.packed, m.count);
    let problems: [number, PayloadProblem[]][] | undefined;
    if (m.checks !== undefined) {
      const validate = await validatorOf(m.checks.url, m.checks.name);
      problems = [];
      m.checks.payloads.forEach((text, i) => {
        if (text === null) return;
        // The canonical text the appending thread wrote: plain JSON.parse.
        const found = validate(m.checks!.types[i]!, JSON.parse(text) as Record<string, unknown>);
        if (found.length > 0) problems!.push([i, found]);
      });
    }
    parentPort?.postMessage({ id: m.id, results, ...(problems !== undefined ? { problems } : {}) }, [results.buffer as ArrayBuffer]);
  } catch (e) {
    // Answered as a failure of this request alone; the worker stays.
    parentPort?.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
}

parentPort?.on("message", (m: Request) => void answer(m));
