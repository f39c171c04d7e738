/**
 * A small typed client of the SealTrail HTTP API that signs on the client
 * side: the organisation's key never leaves the caller. It uses the
 * platform's fetch (browsers, Node 18+) or one passed in.
 */
import { requireFunction, requireInteger, requireObject, requireString } from "../args.js";
import { fromBase64 } from "../bytes.js";
import type { CustodyChain } from "../custody/chain.js";
import { ERROR_CODES, SealTrailError, type ErrorCode } from "../errors.js";
import { buildKeyRecord, buildRecord, type BuiltRecord } from "../record/build.js";
import { ed25519PublicKey } from "../crypto.js";
import { toBase64 } from "../bytes.js";
import type { Supersedes } from "../record/envelope.js";
import { checkPayload } from "../record/payload.js";
import { createSmsClient, type SmsClient } from "./sms-client.js";
import { createFilesClient, type FileFetch, type FilesClient } from "./files-client.js";

/** The part of a fetch Response the client reads. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** The part of fetch the client calls. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<FetchResponse>;

/** Where the server is and how to authenticate. */
export interface ClientOptions {
  /** Server base URL, e.g. `https://sealtrail.example.org`. */
  readonly baseUrl: string;
  /** An API key (`stk_...`). */
  readonly apiKey: string;
  /** fetch to use (default: the platform's). */
  readonly fetch?: FetchLike;
}

/** The organisation that signs, with its 32-byte Ed25519 seed. */
export interface Signer {
  readonly org: string;
  readonly seed: Uint8Array;
}

/** A record to write: its type, payload and links. */
export interface RecordDraft {
  readonly type: string;
  readonly payload?: Record<string, unknown>;
  readonly subjects?: readonly string[];
  readonly supersedes?: Supersedes;
}

/** The server's answer for an appended record. */
export interface Appended {
  readonly index: number;
  readonly leafHash: string;
}

/** A record as the server returns it. */
export interface RecordView {
  readonly index: number;
  readonly leafHash: string;
  readonly entry: unknown;
  readonly entryBase64: string;
  readonly payload: unknown;
  readonly salt: string | null;
  readonly sequencedAt: string;
}

/** The client. */
export interface SealTrailClient {
  /** Sign drafts with `signer` here and append them in one request. */
  append(vault: string, signer: Signer, drafts: readonly RecordDraft[]): Promise<Appended[]>;
  /** Append records already built and signed (buildRecord). */
  appendBuilt(vault: string, records: readonly BuiltRecord[]): Promise<Appended[]>;
  /** Ask the server to sign with the caller's custodial key. */
  appendCustodial(vault: string, draft: RecordDraft): Promise<Appended>;
  /** Register the signer's public key in the vault's log (needs an admin API key). */
  registerKey(vault: string, signer: Signer): Promise<Appended>;
  record(vault: string, index: number): Promise<RecordView>;
  /** The raw entry bytes of a record. */
  entry(vault: string, index: number): Promise<Uint8Array>;
  checkpoint(vault: string): Promise<string>;
  verifierKey(vault: string): Promise<string>;
  /** A C2SP tlog-proof of a record, against the latest or a given checkpoint size. */
  inclusionProof(vault: string, index: number, size?: number): Promise<string>;
  consistencyProof(vault: string, from: number, to: number): Promise<Uint8Array[]>;
  /** Erase a record's payload and salt with a redaction record signed by the caller's custodial key. */
  redact(vault: string, index: number | bigint, reason?: string): Promise<{ index: number; leafHash: string; redacts: number }>;
  /** Open an `sms.incident` for the exceptions of an identifier's chain of custody; returns its index. */
  openCustodyIncident(vault: string, identifier: string): Promise<{ index: string; leafHash: string; exceptions: number }>;
  /** The chain of custody of an identifier (EPC URN or GS1 Digital Link), with its exceptions. */
  custody(vault: string, identifier: string, opts?: { maxGapHours?: number }): Promise<CustodyChain & { readonly vault: string }>;
  /** The ISO 28000 SMS records: typed, checked and signed here, or signed by the server. */
  readonly sms: SmsClient;
  /** Evidence files: upload, download, the records naming a file, and a file checked against the vault. */
  readonly files: FilesClient;
}

/**
 * Create a client.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.SEALTRAIL_API_KEY! });
 * const [r] = await client.append("default", { org: "carrier", seed }, [{ type: "custody.handoff", payload: { container: "MSCU1234565" } }]);
 * ```
 */
export function createClient(opts: ClientOptions): SealTrailClient {
  requireObject(opts, "createClient: client options");
  requireString(opts.baseUrl, "createClient: client options.baseUrl");
  requireString(opts.apiKey, "createClient: client options.apiKey");
  if (opts.fetch !== undefined) requireFunction(opts.fetch, "createClient: client options.fetch");
  const f = opts.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (f === undefined) throw new SealTrailError("invalid", "no fetch available: pass one in the client options");
  const base = opts.baseUrl.replace(/\/+$/, "");
  const v = (vault: string) => `${base}/v1/vaults/${encodeURIComponent(vault)}`;

  async function call(method: string, url: string, body?: unknown, extra: Record<string, string> = {}): Promise<string> {
    const headers: Record<string, string> = { ...extra, authorization: `Bearer ${opts.apiKey}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await f!(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw problemError(res.status, text);
    return text;
  }
  const json = async <T>(method: string, url: string, body?: unknown, extra?: Record<string, string>): Promise<T> => JSON.parse(await call(method, url, body, extra)) as T;

  const client: SealTrailClient = {
    async append(vault, signer, drafts) {
      const built = drafts.map((d) =>
        buildRecord({
          vault,
          type: d.type,
          author: signer.org,
          seed: signer.seed,
          ...(d.payload !== undefined ? { payload: d.payload } : {}),
          ...(d.subjects !== undefined ? { subjects: d.subjects } : {}),
          ...(d.supersedes !== undefined ? { supersedes: d.supersedes } : {}),
        }),
      );
      return client.appendBuilt(vault, built);
    },
    async appendBuilt(vault, records) {
      const body = {
        records: records.map((r) => ({
          entry: r.signed,
          ...(r.payload !== undefined && r.salt !== undefined ? { payload: JSON.parse(r.payload) as unknown, salt: toBase64(r.salt) } : {}),
        })),
      };
      return (await json<{ results: Appended[] }>("POST", `${v(vault)}/records`, body)).results;
    },
    async appendCustodial(vault, d) {
      // The server signs what it receives: refuse here what JSON.stringify would change.
      if (d.payload !== undefined) checkPayload(d.payload);
      const r = await json<{ results: Appended[] }>("POST", `${v(vault)}/records/custodial`, {
        type: d.type,
        ...(d.payload !== undefined ? { payload: d.payload } : {}),
        ...(d.subjects !== undefined ? { subjects: d.subjects } : {}),
      });
      return r.results[0]!;
    },
    async registerKey(vault, signer) {
      const rec = buildKeyRecord({ vault, author: signer.org, seed: signer.seed, action: "register", publicKey: ed25519PublicKey(signer.seed) });
      return (await client.appendBuilt(vault, [rec]))[0]!;
    },
    record: (vault, index) => json<RecordView>("GET", `${v(vault)}/records/${index}`),
    async entry(vault, index) {
      return fromBase64((await client.record(vault, index)).entryBase64, "entryBase64");
    },
    checkpoint: (vault) => call("GET", `${v(vault)}/checkpoint`),
    async verifierKey(vault) {
      return (await call("GET", `${v(vault)}/vkey`)).trim();
    },
    inclusionProof: (vault, index, size) =>
      call("GET", `${v(vault)}/proofs/inclusion?index=${index}${size !== undefined ? `&size=${size}` : ""}`),
    async consistencyProof(vault, from, to) {
      const text = await call("GET", `${v(vault)}/proofs/consistency?from=${from}&to=${to}`);
      return text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => fromBase64(l, "consistency proof"));
    },
    redact: (vault, index, reason) => json("POST", `${v(vault)}/records/${index}/redact`, reason !== undefined ? { reason } : {}),
    openCustodyIncident: (vault, identifier) => json("POST", `${v(vault)}/custody/${encodeURIComponent(identifier)}/incident`),
    sms: createSmsClient({ json, append: (vault, signer, drafts) => client.append(vault, signer, drafts), vaultUrl: v }),
    // The files calls stream bodies: they need the platform's full fetch (or one as capable).
    files: createFilesClient({
      fetch: f as unknown as FileFetch,
      apiKey: opts.apiKey,
      vaultUrl: v,
      problem: problemError,
      getJson: (url) => json("GET", url),
      record: (vault, index) => client.record(vault, index),
      inclusionProof: (vault, index) => client.inclusionProof(vault, index),
      verifierKey: (vault) => client.verifierKey(vault),
    }),
    custody: (vault, identifier, o = {}) =>
      json("GET", `${v(vault)}/custody/${encodeURIComponent(identifier)}${o.maxGapHours !== undefined ? `?maxGapHours=${o.maxGapHours}` : ""}`),
  };
  return client;
}

/**
 * The SealTrailError a server's answer names: the code and detail of its
 * RFC 9457 problem document, or, for any other body, a code chosen by the
 * HTTP status (429 rate_limited, 5xx internal, else invalid).
 *
 * @example
 * ```ts
 * if (!res.ok) throw problemError(res.status, await res.text());
 * ```
 */
export function problemError(status: number, body: string): SealTrailError {
  requireInteger(status, "problemError: status", 100, 599);
  requireString(body, "problemError: body");
  let code: ErrorCode = status === 429 ? "rate_limited" : status >= 500 ? "internal" : "invalid";
  let detail = `HTTP ${status}`;
  try {
    const p = JSON.parse(body) as { code?: string; detail?: string };
    if (typeof p.code === "string" && (ERROR_CODES as readonly string[]).includes(p.code)) code = p.code as ErrorCode;
    if (typeof p.detail === "string") detail = p.detail;
  } catch {
    // not a problem document: keep the status
  }
  return new SealTrailError(code, detail, { detail: { status } });
}
