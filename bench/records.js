/**
 * Client side of the benchmarks: author keys registered in a vault, and
 * records pre-signed by those authors on every core before timing starts.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { buildKeyRecord, envelopeSigningMessage, fromBase64, generateEd25519KeyPair } from "@sealtrail/core";

const SIGN_WORKER = new URL("./sign-worker.js", import.meta.url);

/** `n` author organisations, each with its own fresh Ed25519 key. */
export function makeAuthors(n) {
  return Array.from({ length: n }, (_, i) => ({ org: `carrier-${i + 1}`, ...generateEd25519KeyPair() }));
}

/**
 * Create `n` authors and register each key in `vault` (a registration is
 * signed by the key it registers).
 */
export async function registerAuthors(ledger, vault, n) {
  const authors = makeAuthors(n);
  for (const { org, seed, publicKey } of authors) {
    const rec = buildKeyRecord({ vault, author: org, seed, action: "register", publicKey });
    await ledger.append(vault, [{ entry: rec.signed }]);
  }
  return authors;
}

/** Sign `count` records for `vault`, spread over one worker per core. */
export async function signRecords(vault, authors, count) {
  const threads = Math.max(1, availableParallelism());
  const per = Math.ceil(count / threads);
  const parts = [];
  for (let t = 0; t < threads; t++) {
    const from = t * per;
    const n = Math.min(per, count - from);
    if (n <= 0) break;
    parts.push(
      new Promise((resolve, reject) => {
        const w = new Worker(SIGN_WORKER, { workerData: { vault, authors: authors.map(({ org, seed }) => ({ org, seed })), from, count: n } });
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

/** The (publicKey, message, signature) triples the server will check for these submissions. */
export function verifyTasksOf(subs, authors) {
  const keyOf = new Map(authors.map((a) => [a.org, a.publicKey]));
  return subs.map((s) => ({
    publicKey: keyOf.get(s.entry.env.author),
    message: envelopeSigningMessage(s.entry.env),
    signature: fromBase64(s.entry.sig),
  }));
}
