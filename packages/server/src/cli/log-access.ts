/**
 * What the log commands need, from a local data directory or database, or
 * from a remote server through the HTTP API (`--server URL`, API key in
 * SEALTRAIL_API_KEY): the same commands work either way.
 */
import {
  SealTrailError,
  buildRecord,
  createClient,
  openCheckpoint,
  toBase64,
  toHex,
  type SealTrailClient,
} from "@sealtrail/core";
import type { Context } from "../main.js";
import { operatorKey } from "../ledger/bootstrap.js";

/** An author's own key, for client-side signing. */
export interface OwnKey {
  readonly org: string;
  readonly seed: Uint8Array;
}

/** What to append. */
export interface AppendRequest {
  readonly vault: string;
  readonly type: string;
  readonly payloads: readonly Record<string, unknown>[];
  /** Sign with this key; without one, the server signs with a key it holds (custodial). */
  readonly key?: OwnKey;
  readonly subjects?: readonly string[];
  readonly supersedes?: bigint;
}

/** The log operations of the CLI. */
export interface LogAccess {
  append(r: AppendRequest): Promise<{ index: number; leafHash: string }[]>;
  checkpoint(vault: string): Promise<string>;
  verifierKey(vault: string): Promise<string>;
  entry(vault: string, index: bigint): Promise<Uint8Array>;
  proof(vault: string, index: bigint, size?: bigint): Promise<string>;
  consistency(vault: string, from: bigint, to: bigint): Promise<Uint8Array[]>;
}

const BATCH = 4096;
const COVER_TIMEOUT_MS = 30_000;

/**
 * The log of a local data directory or database.
 *
 * @example
 * ```ts
 * const log = localLog(ctx);
 * ```
 */
export function localLog(ctx: Context): LogAccess {
  const entryAt = async (vault: string, index: bigint) => {
    await ctx.store.tree(vault);
    const [row] = await ctx.store.entries(vault, index, index + 1n);
    if (row === undefined) throw new SealTrailError("not_found", `no entry at index ${index}`);
    return row;
  };
  return {
    async append(r) {
      const { org, seed, mode } =
        r.key !== undefined ? { ...r.key, mode: "author" as const } : { ...(await operatorKey(ctx.store)), mode: "custodial" as const };
      let supersedes: { index: number; leafHash: string } | undefined;
      if (r.supersedes !== undefined) {
        const old = await entryAt(r.vault, r.supersedes);
        supersedes = { index: Number(old.index), leafHash: toHex(old.leafHash) };
      }
      const subs = r.payloads.map((p) => {
        const rec = buildRecord({
          vault: r.vault,
          type: r.type,
          author: org,
          seed,
          mode,
          payload: p,
          ...(r.subjects !== undefined ? { subjects: r.subjects } : {}),
          ...(supersedes !== undefined ? { supersedes } : {}),
        });
        return { entry: rec.signed, payload: p, salt: toBase64(rec.salt!) };
      });
      const out = [];
      for (let i = 0; i < subs.length; i += BATCH) {
        for (const x of await ctx.ledger.append(r.vault, subs.slice(i, i + BATCH))) out.push({ index: Number(x.index), leafHash: toHex(x.leafHash) });
      }
      // A checkpoint covering the new records before the command exits.
      await ctx.ledger.publish(r.vault);
      return out;
    },
    async checkpoint(vault) {
      await ctx.ledger.publish(vault);
      const cp = await ctx.store.latestCheckpoint(vault);
      if (cp === null) throw new SealTrailError("not_found", "no checkpoint published yet");
      return cp.note;
    },
    verifierKey: (vault) => ctx.ledger.verifierKey(vault),
    async entry(vault, index) {
      return (await entryAt(vault, index)).entry;
    },
    async proof(vault, index, size) {
      await ctx.ledger.publish(vault);
      return ctx.ledger.tlogProof(vault, index, size);
    },
    consistency: (vault, from, to) => ctx.ledger.consistencyProof(vault, from, to),
  };
}

/**
 * The log of a remote server.
 *
 * @example
 * ```ts
 * const log = remoteLog("https://sealtrail.example.org", process.env.SEALTRAIL_API_KEY!);
 * ```
 */
export function remoteLog(server: string, apiKey: string | undefined): LogAccess {
  if (apiKey === undefined || apiKey === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
  const client: SealTrailClient = createClient({ baseUrl: server, apiKey });
  return {
    async append(r) {
      let supersedes: { index: number; leafHash: string } | undefined;
      if (r.supersedes !== undefined) {
        const old = await client.record(r.vault, Number(r.supersedes));
        supersedes = { index: old.index, leafHash: old.leafHash };
      }
      const drafts = r.payloads.map((p) => ({
        type: r.type,
        payload: p,
        ...(r.subjects !== undefined ? { subjects: r.subjects } : {}),
        ...(supersedes !== undefined ? { supersedes } : {}),
      }));
      const out = [];
      if (r.key !== undefined) {
        for (let i = 0; i < drafts.length; i += BATCH) out.push(...(await client.append(r.vault, r.key, drafts.slice(i, i + BATCH))));
      } else {
        if (supersedes !== undefined) throw new SealTrailError("invalid", "--supersedes with custodial signing over --server: sign with --key");
        for (const d of drafts) out.push(await client.appendCustodial(r.vault, d));
      }
      // Like the local command: return once a published checkpoint covers the records.
      const last = Math.max(...out.map((x) => x.index));
      const vkey = await client.verifierKey(r.vault);
      const deadline = Date.now() + COVER_TIMEOUT_MS;
      while (openCheckpoint(await client.checkpoint(r.vault), vkey).size <= BigInt(last)) {
        if (Date.now() > deadline) throw new SealTrailError("unavailable", `no checkpoint covers index ${last} after ${COVER_TIMEOUT_MS / 1000} s`);
        await new Promise((res) => setTimeout(res, 200));
      }
      return out;
    },
    checkpoint: (vault) => client.checkpoint(vault),
    verifierKey: (vault) => client.verifierKey(vault),
    entry: (vault, index) => client.entry(vault, Number(index)),
    proof: (vault, index, size) => client.inclusionProof(vault, Number(index), size === undefined ? undefined : Number(size)),
    consistency: (vault, from, to) => client.consistencyProof(vault, Number(from), Number(to)),
  };
}
