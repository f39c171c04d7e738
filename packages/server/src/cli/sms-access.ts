/**
 * What the `sms` commands need, from a local data directory or database, or
 * from a remote server (`--server URL`, API key in SEALTRAIL_API_KEY).
 * Locally, records are signed with `--key` or the operator's held key;
 * remotely with `--key` on this machine, or by the server with the caller's
 * custodial key.
 */
import { SealTrailError, buildRecord, createClient, toBase64, toHex, type SmsPayload, type SmsRecordType } from "@sealtrail/core";
import type { Context } from "../main.js";
import { operatorKey } from "../ledger/bootstrap.js";
import { latestRecords, latestVersionOf, smsRecord } from "../sms/queries.js";
import type { OwnKey } from "./log-access.js";

/** A record written: its id, index and leaf hash, and the version it superseded. */
export interface Written {
  readonly id: string;
  readonly index: number;
  readonly leafHash: string;
  readonly supersedes?: number;
}

/** The SMS operations of the CLI. */
export interface SmsAccess {
  write(vault: string, type: SmsRecordType, payload: Record<string, unknown>, opts: { key?: OwnKey; update: boolean }): Promise<Written>;
  list(vault: string, type: SmsRecordType, q: { filters: [string, string][]; limit: number; cursor?: string }): Promise<{ records: unknown[]; nextCursor: string | null }>;
  show(vault: string, type: SmsRecordType, id: string): Promise<unknown>;
}

const idOf = (payload: Record<string, unknown>): string => {
  if (typeof payload.id !== "string") throw new SealTrailError("invalid", "/id: an SMS record names its record id", { detail: { problems: [{ pointer: "/payload/id", message: "required" }] } });
  return payload.id;
};

/**
 * The SMS records of a local data directory or database.
 *
 * @example
 * ```ts
 * const sms = localSms(ctx);
 * ```
 */
export function localSms(ctx: Context): SmsAccess {
  return {
    async write(vault, type, payload, o) {
      const id = idOf(payload);
      const { org, seed, mode } = o.key !== undefined ? { ...o.key, mode: "author" as const } : { ...(await operatorKey(ctx.store)), mode: "custodial" as const };
      const latest = o.update ? await latestVersionOf(ctx.store, vault, type, id) : null;
      const rec = buildRecord({ vault, type, author: org, seed, mode, payload, ...(latest !== null ? { supersedes: { index: Number(latest.index), leafHash: latest.leafHash } } : {}) });
      const [r] = await ctx.ledger.append(vault, [{ entry: rec.signed, payload, salt: toBase64(rec.salt!) }]);
      // A checkpoint covering the record before the command exits.
      await ctx.ledger.publish(vault);
      return { id, index: Number(r!.index), leafHash: toHex(r!.leafHash), ...(latest !== null ? { supersedes: Number(latest.index) } : {}) };
    },
    async list(vault, type, q) {
      const page = await latestRecords(ctx.store, vault, type, { filters: q.filters, limit: q.limit, ...(q.cursor !== undefined ? { after: q.cursor } : {}) });
      return { records: page.records, nextCursor: page.next };
    },
    show: (vault, type, id) => smsRecord(ctx.store, vault, type, id),
  };
}

/**
 * The SMS records of a remote server.
 *
 * @example
 * ```ts
 * const sms = remoteSms("https://sealtrail.example.org", process.env.SEALTRAIL_API_KEY);
 * ```
 */
export function remoteSms(server: string, apiKey: string | undefined): SmsAccess {
  if (apiKey === undefined || apiKey === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
  const client = createClient({ baseUrl: server, apiKey });
  return {
    async write(vault, type, payload, o) {
      const id = idOf(payload);
      const p = payload as SmsPayload<typeof type>;
      if (o.key !== undefined) {
        const r = o.update ? await client.sms.update(vault, o.key, type, p) : await client.sms.create(vault, o.key, type, p);
        return { id, ...r };
      }
      return { id, ...(o.update ? await client.sms.updateCustodial(vault, type, p) : await client.sms.createCustodial(vault, type, p)) };
    },
    list: (vault, type, q) => client.sms.list(vault, type, { filters: Object.fromEntries(q.filters), limit: q.limit, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) }),
    show: (vault, type, id) => client.sms.get(vault, type, id),
  };
}
