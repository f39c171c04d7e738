/**
 * The append pipeline: check each submission, authorize it, apply the record
 * rules, verify every signature against the vault's key registry (keys
 * registered earlier in the same request included), then queue the records
 * for sequencing and answer with their durable indices.
 */
import { SealTrailError, canonicalize } from "@sealtrail/core";
import type { SequenceOutcome, Store } from "../store/types.js";
import type { AppendOptions, AppendResult } from "./api.js";
import type { Backlog } from "./backlog.js";
import type { SequencingQueue } from "./queue.js";
import type { PayloadProblem, RecordRules } from "./record-rules.js";
import { checkSubmission, payloadProblemsError, type CheckedSubmission, type RecordSubmission } from "./submission.js";
import type { VaultSigners } from "./vault-signers.js";
import type { VerifierPool } from "./verifier-pool.js";

/** What {@link createAppend} works with. */
export interface AppendDeps {
  readonly store: Store;
  readonly rules: RecordRules;
  /** Most records per append (and per sequenced batch). */
  readonly maxBatch: number;
  /** Most entries waiting to be sequenced before appends are refused. */
  readonly maxQueue: number;
  /** Most entries not covered by a published checkpoint before appends are refused (null: no limit). */
  readonly maxUnpublished: number | null;
  /** Checkpoint interval in ms: how long a refused client is told to wait. */
  readonly intervalMs: number;
  readonly queue: SequencingQueue;
  readonly backlog: Backlog;
  readonly vaultSigner: VaultSigners;
  /** The signature verification pool, created on first use. */
  readonly verifier: () => VerifierPool;
}

/** Check, verify and durably append records (see Ledger.append). */
export type Append = (vault: string, subs: readonly RecordSubmission[], opts?: AppendOptions) => Promise<AppendResult[]>;

/**
 * Create the append pipeline.
 *
 * @example
 * ```ts
 * const append = createAppend({ store, rules, maxBatch, maxQueue, maxUnpublished, intervalMs, queue, backlog, vaultSigner, verifier: () => pool });
 * const [r] = await append("default", [submission]);
 * ```
 */
export function createAppend(d: AppendDeps): Append {
  const { store, rules, maxBatch, maxQueue, maxUnpublished, intervalMs, queue, backlog, vaultSigner } = d;
  const keyCache = new Map<string, Uint8Array>();

  async function publicKeyOf(vault: string, keyId: string): Promise<Uint8Array | null> {
    const k = `${vault}/${keyId}`;
    let pub = keyCache.get(k);
    if (pub === undefined) {
      const row = await store.key(vault, keyId);
      if (row === null) return null;
      pub = row.publicKey;
      keyCache.set(k, pub);
    }
    return pub;
  }

  return async function append(vault, subs, opts = {}) {
    const { authorize, idempotency, submittedBy } = opts;
    if (subs.length === 0) return [];
    if (subs.length > maxBatch) throw new SealTrailError("too_large", `at most ${maxBatch} records per append`);
    if (queue.queued(vault) + subs.length > maxQueue) {
      throw new SealTrailError("unavailable", "append queue is full, retry later", { detail: { retryAfter: 1 } });
    }
    if (maxUnpublished !== null) {
      const s = await backlog.of(vault);
      if (s.tree - s.published + BigInt(queue.queued(vault) + subs.length) > BigInt(maxUnpublished)) {
        throw new SealTrailError(
          "unavailable",
          `${s.tree - s.published} entries of vault ${vault} wait for a published checkpoint (at most ${maxUnpublished}): appends resume once one is published`,
          { detail: { retryAfter: Math.max(1, Math.ceil(intervalMs / 1000)) } },
        );
      }
    }
    await vaultSigner(vault);
    const prefix = (i: number): string => (subs.length > 1 ? `record ${i}: ` : "");
    // The payloads' schema check runs beside the signature check, on the
    // verifier's threads (verifyChecked), when the rules say where it is.
    // Refusals keep their order all the same: the schema's problems first,
    // then the request's rules (checkRequest), then keys and signatures.
    const validator = opts.signedHere === true ? undefined : rules.validator;
    const checked: CheckedSubmission[] = [];
    for (const [i, s] of subs.entries()) {
      try {
        checked.push(checkSubmission(vault, s, rules, undefined, { deferValidation: validator !== undefined }));
      } catch (e) {
        if (validator !== undefined) refuseSchemaHere(i);
        throw prefixed(e, prefix(i));
      }
    }
    if (authorize !== undefined) {
      checked.forEach((c, i) => {
        try {
          authorize(c.signed.env, i);
        } catch (e) {
          if (validator !== undefined) refuseSchemaHere(checked.length);
          throw prefixed(e, prefix(i));
        }
      });
    }
    if (validator === undefined) await rules.checkRequest(vault, checked);
    // Keys registered earlier in the same request may sign later records of it.
    const newKeys = new Map<string, Uint8Array>();
    const tasks = [];
    for (const [i, c] of checked.entries()) {
      const kc = c.pending.keyChange;
      let pub: Uint8Array | null | undefined;
      if (kc?.action === "register") {
        pub = kc.publicKey;
        newKeys.set(kc.keyId, kc.publicKey);
      } else {
        pub = newKeys.get(c.pending.keyId) ?? (await publicKeyOf(vault, c.pending.keyId));
      }
      if (pub === null || pub === undefined) {
        if (validator !== undefined) {
          refuseSchemaHere(checked.length);
          await rules.checkRequest(vault, checked);
        }
        throw new SealTrailError("unknown_key", `${prefix(i)}key ${c.pending.keyId} is not registered in vault ${vault}`);
      }
      tasks.push({ publicKey: pub, message: c.message, signature: c.signature });
    }
    const verifier = d.verifier();
    let ok: boolean[];
    if (opts.signedHere === true) ok = tasks.map(() => true);
    else if (validator === undefined || !checked.some((c) => c.pending.payload !== null && validator.appliesTo(c.pending.type))) ok = await verifier.verifyAll(tasks);
    else {
      const v = await verifier.verifyChecked(tasks, {
        validate: (type, payload) => rules.validate(type, payload),
        validator,
        types: checked.map((c) => c.pending.type),
        payloads: checked.map((c) => (validator.appliesTo(c.pending.type) ? c.pending.payload : null)),
      });
      ok = v.ok;
      if (v.problems.size > 0) {
        const first = Math.min(...v.problems.keys());
        const here = schemaProblemsHere(first);
        throw prefixed(payloadProblemsError(checked[first]!.pending.type, here.length > 0 ? here : v.problems.get(first)!), prefix(first));
      }
      for (const [i, facts] of v.facts) checked[i] = { ...checked[i]!, facts };
    }
    if (validator !== undefined) await rules.checkRequest(vault, checked);
    const bad = ok.indexOf(false);
    if (bad >= 0) {
      throw new SealTrailError("bad_signature", `${prefix(bad)}signature does not verify with key ${checked[bad]!.pending.keyId}`);
    }
    if (submittedBy !== undefined) {
      for (const [i, c] of checked.entries()) checked[i] = { ...c, pending: { ...c.pending, submittedBy } };
    }
    if (idempotency !== undefined) {
      const first = checked[0]!;
      checked[0] = {
        ...first,
        pending: { ...first.pending, request: { scope: idempotency.scope, key: idempotency.key, hash: idempotency.requestHash, count: checked.length } },
      };
    }
    const outcomes = await queue.enqueue(vault, checked);
    for (const c of checked) {
      if (c.pending.keyChange?.action === "revoke") keyCache.delete(`${vault}/${c.pending.keyChange.keyId}`);
    }
    const failed = outcomes.findIndex((o) => !o.ok);
    if (failed >= 0) {
      const f = outcomes[failed] as Extract<SequenceOutcome, { ok: false }>;
      const stored = outcomes.filter((o) => o.ok).length;
      throw new SealTrailError(f.code, `${subs.length > 1 ? `record ${failed}: ` : ""}${f.message}`, {
        detail: {
          stored,
          results: outcomes.map((o) => (o.ok ? { index: o.index.toString() } : { error: o.message })),
        },
      });
    }
    const results: AppendResult[] = [];
    for (const [i, o] of outcomes.entries()) {
      const { index, replayed, existing } = o as { index: bigint; replayed?: true; existing?: true };
      if (existing === true) results.push({ index, leafHash: checked[i]!.pending.leafHash, existing: true });
      else if (replayed === true) {
        // The original request's record (a retried custodial request is signed anew).
        const [row] = await store.entries(vault, index, index + 1n);
        results.push({ index, leafHash: row!.leafHash, replayed: true });
      } else results.push({ index, leafHash: checked[i]!.pending.leafHash });
    }
    return results;

    // The schema's problems with record i's payload, found on this thread
    // (the paths that refuse before or without the workers' answer): of the
    // object as sent while it still is what was canonicalised, so that the
    // problems come in the order the check names them there (an unknown
    // field's place among the others), else of the canonical payload.
    function schemaProblemsHere(i: number): readonly PayloadProblem[] {
      const text = checked[i]!.pending.payload;
      if (text === null) return [];
      const sent = subs[i]!.payload as Readonly<Record<string, unknown>>;
      let same = false;
      try {
        same = canonicalize(sent) === text;
      } catch {
        // Changed since into something that is not I-JSON: the canonical payload is checked.
      }
      return rules.validate(checked[i]!.pending.type, same ? sent : (JSON.parse(text) as Record<string, unknown>));
    }

    // Refuse the first of the records before `upTo` whose payload breaks its
    // schema, as checkSubmission would have before anything that follows it.
    function refuseSchemaHere(upTo: number): void {
      for (let i = 0; i < upTo; i++) {
        const problems = schemaProblemsHere(i);
        if (problems.length > 0) throw prefixed(payloadProblemsError(checked[i]!.pending.type, problems), prefix(i));
      }
    }
  };
}

function prefixed(e: unknown, prefix: string): unknown {
  if (prefix === "" || !(e instanceof SealTrailError)) return e;
  return new SealTrailError(e.code, prefix + e.message, { cause: e, ...(e.detail ? { detail: { ...e.detail } } : {}) });
}
