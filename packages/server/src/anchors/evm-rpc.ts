/**
 * A minimal Ethereum JSON-RPC client over fetch, and the conversions from a
 * node's JSON blocks, transactions and receipts back to the exact bytes the
 * block's tries and hash are computed over. Every conversion is checked
 * against a hash the node states (block hash, transaction hash) or against
 * a root in the header (receipts), so a wrong encoding is caught here, not
 * by a verifier later.
 */
import { SealTrailError, encodeRlp, fromHex, keccak256, rlpUint, toHex, type RlpItem } from "@sealtrail/core";

/** A JSON-RPC endpoint. */
export interface EvmRpc {
  call<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
  readonly url: string;
}

/** Options of {@link createEvmRpc}. */
export interface EvmRpcOptions {
  /** fetch to use (tests inject one); defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per-request timeout, milliseconds (default 30,000). */
  readonly timeoutMs?: number;
}

/** A JSON-RPC error answer, kept apart from transport failures so callers can fall back on "method not found". */
export class EvmRpcError extends SealTrailError {
  readonly rpcCode: number;
  constructor(method: string, rpcCode: number, message: string) {
    super("unavailable", `evm rpc ${method}: error ${rpcCode}: ${message}`, { detail: { method, rpcCode } });
    this.rpcCode = rpcCode;
  }
}

/**
 * A JSON-RPC 2.0 client for `url` (HTTP POST, one request per call).
 * Transport failures and error answers are `unavailable` SealTrailErrors.
 *
 * @example
 * ```ts
 * const rpc = createEvmRpc("http://127.0.0.1:8545");
 * const chainId = BigInt(await rpc.call<string>("eth_chainId"));
 * ```
 */
export function createEvmRpc(url: string, opts: EvmRpcOptions = {}): EvmRpc {
  const f = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let id = 0;
  return {
    url,
    async call<T>(method: string, params: readonly unknown[] = []): Promise<T> {
      let res: Response;
      try {
        res = await f(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new SealTrailError("unavailable", `evm rpc ${method}: ${(e as Error).message}`, { cause: e });
      }
      const text = await res.text();
      let body: { result?: unknown; error?: { code?: number; message?: string } };
      try {
        body = JSON.parse(text) as typeof body;
      } catch (e) {
        throw new SealTrailError("unavailable", `evm rpc ${method}: HTTP ${res.status}, not JSON`, { cause: e });
      }
      if (body.error !== undefined && body.error !== null) throw new EvmRpcError(method, body.error.code ?? 0, String(body.error.message ?? "").slice(0, 300));
      if (!("result" in body)) throw new SealTrailError("unavailable", `evm rpc ${method}: HTTP ${res.status}, no result`);
      return body.result as T;
    },
  };
}

/** A JSON quantity ("0x1a") as bigint. */
export function quantity(x: unknown, what: string): bigint {
  if (typeof x !== "string" || !/^0x[0-9a-fA-F]+$/.test(x)) throw new SealTrailError("malformed", `evm rpc: ${what} is not a quantity`);
  return BigInt(x);
}

/** JSON data ("0x…") as bytes. */
export function data(x: unknown, what: string): Uint8Array {
  if (typeof x !== "string" || !x.startsWith("0x")) throw new SealTrailError("malformed", `evm rpc: ${what} is not 0x data`);
  return fromHex(x.slice(2), `evm rpc: ${what}`);
}

function q(o: Record<string, unknown>, k: string, what: string): Uint8Array {
  return rlpUint(quantity(o[k], `${what} ${k}`));
}

function d(o: Record<string, unknown>, k: string, what: string): Uint8Array {
  return data(o[k], `${what} ${k}`);
}

/** Header fields appended by forks, in order; a header has a prefix of this list. */
const LATER_HEADER_FIELDS: readonly [string, "q" | "d"][] = [
  ["baseFeePerGas", "q"],
  ["withdrawalsRoot", "d"],
  ["blobGasUsed", "q"],
  ["excessBlobGas", "q"],
  ["parentBeaconBlockRoot", "d"],
  ["requestsHash", "d"],
];

/**
 * The RLP header of a JSON block (eth_getBlockBy*), or undefined when its
 * encoding does not hash to the block's hash (a field unknown here).
 */
export function headerFromJson(b: Record<string, unknown>): Uint8Array | undefined {
  const w = "block";
  const f: RlpItem[] = [
    d(b, "parentHash", w),
    d(b, "sha3Uncles", w),
    d(b, "miner", w),
    d(b, "stateRoot", w),
    d(b, "transactionsRoot", w),
    d(b, "receiptsRoot", w),
    d(b, "logsBloom", w),
    q(b, "difficulty", w),
    q(b, "number", w),
    q(b, "gasLimit", w),
    q(b, "gasUsed", w),
    q(b, "timestamp", w),
    d(b, "extraData", w),
    d(b, "mixHash", w),
    d(b, "nonce", w),
  ];
  for (const [k, kind] of LATER_HEADER_FIELDS) {
    if (b[k] === undefined || b[k] === null) break;
    f.push(kind === "q" ? q(b, k, w) : d(b, k, w));
  }
  const raw = encodeRlp(f);
  return "0x" + toHex(keccak256(raw)) === String(b.hash).toLowerCase() ? raw : undefined;
}

function accessList(x: unknown): RlpItem {
  if (!Array.isArray(x)) return [];
  return x.map((e: { address: string; storageKeys: string[] }) => [data(e.address, "access list address"), e.storageKeys.map((k) => data(k, "storage key"))]);
}

function yParity(t: Record<string, unknown>, what: string): Uint8Array {
  return rlpUint(quantity(t.yParity ?? t.v, `${what} yParity`));
}

/**
 * The raw signed bytes of a JSON transaction (types 0 to 4), or undefined
 * when the type is unknown here or the encoding does not hash to the
 * transaction's hash.
 */
export function transactionFromJson(t: Record<string, unknown>): Uint8Array | undefined {
  const w = "transaction";
  const type = Number(quantity(t.type ?? "0x0", `${w} type`));
  const to = t.to === null || t.to === undefined ? new Uint8Array() : d(t, "to", w);
  const common = [q(t, "nonce", w)];
  let raw: Uint8Array;
  if (type === 0) {
    raw = encodeRlp([...common, q(t, "gasPrice", w), q(t, "gas", w), to, q(t, "value", w), d(t, "input", w), q(t, "v", w), q(t, "r", w), q(t, "s", w)]);
  } else {
    const head = [q(t, "chainId", w), ...common];
    const fees = type === 1 ? [q(t, "gasPrice", w)] : [q(t, "maxPriorityFeePerGas", w), q(t, "maxFeePerGas", w)];
    const body: RlpItem[] = [...head, ...fees, q(t, "gas", w), to, q(t, "value", w), d(t, "input", w), accessList(t.accessList)];
    if (type === 3) body.push(q(t, "maxFeePerBlobGas", w), ((t.blobVersionedHashes as string[]) ?? []).map((h) => data(h, "blob hash")));
    else if (type === 4) {
      const auths = (t.authorizationList as Record<string, unknown>[]) ?? [];
      body.push(auths.map((a) => [q(a, "chainId", "authorization"), d(a, "address", "authorization"), q(a, "nonce", "authorization"), yParity(a, "authorization"), q(a, "r", "authorization"), q(a, "s", "authorization")]));
    } else if (type !== 1 && type !== 2) return undefined;
    raw = new Uint8Array([type, ...encodeRlp([...body, yParity(t, w), q(t, "r", w), q(t, "s", w)])]);
  }
  return "0x" + toHex(keccak256(raw)) === String(t.hash).toLowerCase() ? raw : undefined;
}

/** The bytes of a JSON receipt (eth_getTransactionReceipt) as the receipts trie holds them (EIP-2718 typed or legacy). */
export function receiptFromJson(r: Record<string, unknown>): Uint8Array {
  const w = "receipt";
  const type = Number(quantity(r.type ?? "0x0", `${w} type`));
  const status = quantity(r.status, `${w} status`);
  const logs = ((r.logs as Record<string, unknown>[]) ?? []).map((l) => [
    d(l, "address", "log"),
    ((l.topics as string[]) ?? []).map((t) => data(t, "log topic")),
    d(l, "data", "log"),
  ]);
  const body = encodeRlp([rlpUint(status), q(r, "cumulativeGasUsed", w), d(r, "logsBloom", w), logs]);
  return type === 0 ? body : new Uint8Array([type, ...body]);
}
