/**
 * The SMS part of the client: typed records of the ISO 28000 SMS, checked
 * here against the same schema the server applies, and signed here, so a
 * partner's key never reaches the server; or signed by the server with the
 * caller's custodial key. Reads of the latest versions and of one record's
 * history go through the SMS routes.
 */
import { requireFunction, requireObject } from "../args.js";
import { SealTrailError } from "../errors.js";
import type { SmsRecordType } from "../sms/record-types.js";
import { validateSmsPayload, type SmsPayload } from "../sms/schemas/index.js";
import type { Appended, RecordDraft, Signer } from "./client.js";

/** A record as the SMS routes show it. */
export interface SmsRecordView {
  readonly id: string | null;
  readonly index: number;
  readonly leafHash: string;
  readonly author: string;
  readonly claimedTime: string;
  readonly sequencedAt: string;
  readonly payload: Record<string, unknown> | null;
  readonly redacted: unknown;
}

/** One record with every version, oldest first, and the workflow statuses it may take next. */
export interface SmsRecordDetail extends SmsRecordView {
  readonly nextStatuses: readonly string[] | null;
  readonly versions: readonly (SmsRecordView & { readonly supersedes: number | null })[];
}

/** The SMS operations of the client. */
export interface SmsClient {
  /** Check a new record here, sign it with `signer` here, and append it. */
  create<T extends SmsRecordType>(vault: string, signer: Signer, type: T, payload: SmsPayload<T>): Promise<Appended>;
  /** A new version of the record with `payload.id`, superseding its latest version, signed here. */
  update<T extends SmsRecordType>(vault: string, signer: Signer, type: T, payload: SmsPayload<T>): Promise<Appended & { readonly supersedes: number }>;
  /** A new record signed by the server with the caller's custodial key. */
  createCustodial<T extends SmsRecordType>(vault: string, type: T, payload: SmsPayload<T>): Promise<Appended & { readonly id: string }>;
  /** A new version signed by the server; `ifMatch`: the index of the version that was edited. */
  updateCustodial<T extends SmsRecordType>(vault: string, type: T, payload: SmsPayload<T>, ifMatch?: number): Promise<Appended & { readonly supersedes: number }>;
  /** A page of the latest versions of a type's records, filtered on top-level fields. */
  list(vault: string, type: SmsRecordType, opts?: { filters?: Readonly<Record<string, string>>; limit?: number; cursor?: string }): Promise<{ records: SmsRecordView[]; nextCursor: string | null }>;
  /** One record with its history. */
  get(vault: string, type: SmsRecordType, id: string): Promise<SmsRecordDetail>;
  /**
   * A figure the server computed from the vault's records (readiness, gaps,
   * kpis, maturity, due, summary), with the query it takes (asOf, period...).
   */
  figures(vault: string, name: SmsFigure, query?: Readonly<Record<string, string>>): Promise<Record<string, unknown>>;
}

/** The SMS figures the server computes. */
export type SmsFigure = "readiness" | "gaps" | "kpis" | "maturity" | "due" | "summary";

/** How the SMS client reaches the server: the base client's JSON call and append. */
export interface SmsTransport {
  json<T>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  append(vault: string, signer: Signer, drafts: readonly RecordDraft[]): Promise<Appended[]>;
  vaultUrl(vault: string): string;
}

const kind = (type: SmsRecordType): string => type.slice("sms.".length);

// "?a=1&b=2", or "" for no parameter.
const queryOf = (params: readonly (readonly [string, string])[]): string =>
  params.length === 0 ? "" : "?" + params.map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`).join("&");

// The server would refuse it: say so before signing, naming each field.
function checked<T extends SmsRecordType>(type: T, payload: SmsPayload<T>): Record<string, unknown> {
  const problems = validateSmsPayload(type, payload).map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
  if (problems.length > 0) {
    throw new SealTrailError("invalid", `not a valid ${type}: ${problems.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, { detail: { problems } });
  }
  return payload as Record<string, unknown>;
}

/**
 * The SMS client over a transport (createClient builds it as `client.sms`).
 *
 * @example
 * ```ts
 * await client.sms.create("default", { org: "carrier", seed }, "sms.incident", incident);
 * ```
 */
export function createSmsClient(t: SmsTransport): SmsClient {
  for (const f of ["json", "append", "vaultUrl"] as const) requireFunction(requireObject(t, "createSmsClient: transport")[f], `createSmsClient: transport.${f}`);
  const path = (vault: string, type: SmsRecordType, id?: string) =>
    `${t.vaultUrl(vault)}/sms/${kind(type)}${id === undefined ? "" : `/${encodeURIComponent(id)}`}`;
  return {
    async create(vault, signer, type, payload) {
      return (await t.append(vault, signer, [{ type, payload: checked(type, payload) }]))[0]!;
    },
    async update(vault, signer, type, payload) {
      const body = checked(type, payload);
      const latest = await this.get(vault, type, String(body.id));
      const [r] = await t.append(vault, signer, [{ type, payload: body, supersedes: { index: latest.index, leafHash: latest.leafHash } }]);
      return { ...r!, supersedes: latest.index };
    },
    createCustodial: (vault, type, payload) => t.json("POST", path(vault, type), checked(type, payload)),
    updateCustodial(vault, type, payload, ifMatch) {
      const body = checked(type, payload);
      return t.json("PUT", path(vault, type, String(body.id)), body, ifMatch === undefined ? {} : { "if-match": String(ifMatch) });
    },
    list(vault, type, opts = {}) {
      const params: [string, string][] = Object.entries(opts.filters ?? {});
      if (opts.limit !== undefined) params.push(["limit", String(opts.limit)]);
      if (opts.cursor !== undefined) params.push(["cursor", opts.cursor]);
      return t.json("GET", `${path(vault, type)}${queryOf(params)}`);
    },
    get: (vault, type, id) => t.json("GET", path(vault, type, id)),
    figures: (vault, name, query = {}) => t.json("GET", `${t.vaultUrl(vault)}/sms/${name}${queryOf(Object.entries(query))}`),
  };
}
