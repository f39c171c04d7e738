/**
 * Transaction receipts as a block's receipts trie stores them: a legacy
 * receipt is the RLP list [status, cumulativeGasUsed, logsBloom, logs]; a
 * typed receipt (EIP-2718) is the transaction type byte followed by that
 * list. Status is EIP-658's (Byzantium): 1 success, 0 failure; the 32-byte
 * state root of older receipts is refused, since it says nothing of success.
 */
import { requireBytes } from "../args.js";
import { SealTrailError } from "../errors.js";
import { decodeRlp, readRlpUint, rlpBytes, rlpList } from "./rlp.js";

/** One log of a receipt. */
export interface EvmLog {
  readonly address: Uint8Array;
  readonly topics: readonly Uint8Array[];
  readonly data: Uint8Array;
}

/** A decoded receipt. */
export interface EvmReceipt {
  /** Transaction type (0 for legacy). */
  readonly type: number;
  /** 1 when the transaction succeeded, 0 when it reverted. */
  readonly status: 0 | 1;
  readonly cumulativeGasUsed: bigint;
  readonly logsBloom: Uint8Array;
  readonly logs: readonly EvmLog[];
}

/**
 * Decode a receipt from its bytes in the receipts trie.
 *
 * @example
 * ```ts
 * decodeReceipt(fromHex(record.receipt)).status // 1
 * ```
 */
export function decodeReceipt(raw: Uint8Array): EvmReceipt {
  requireBytes(raw, "receipt");
  if (raw.length === 0) throw new SealTrailError("malformed", "receipt: empty");
  const first = raw[0]!;
  // EIP-2718: a first byte of 0xc0 or more starts an RLP list (legacy); 0x00..0x7f is a type.
  let type = 0;
  let body = raw;
  if (first < 0x80) {
    type = first;
    body = raw.subarray(1);
  } else if (first < 0xc0) {
    throw new SealTrailError("malformed", "receipt: neither a typed receipt nor an RLP list");
  }
  const f = rlpList(decodeRlp(body, "receipt"), "receipt");
  if (f.length !== 4) throw new SealTrailError("malformed", `receipt: ${f.length} fields, 4 expected`);
  const s = rlpBytes(f[0], "receipt status");
  if (s.length === 32) throw new SealTrailError("invalid", "receipt: pre-Byzantium receipt (state root, no status)");
  const status = readRlpUint(s, "receipt status", 1);
  if (status > 1n) throw new SealTrailError("malformed", `receipt: status ${status}`);
  const logs = rlpList(f[3], "receipt logs").map((l, i) => {
    const lf = rlpList(l, `receipt log ${i}`);
    if (lf.length !== 3) throw new SealTrailError("malformed", `receipt log ${i}: ${lf.length} fields, 3 expected`);
    return {
      address: rlpBytes(lf[0], `receipt log ${i} address`, 20),
      topics: rlpList(lf[1], `receipt log ${i} topics`).map((t, j) => rlpBytes(t, `receipt log ${i} topic ${j}`, 32)),
      data: rlpBytes(lf[2], `receipt log ${i} data`),
    };
  });
  return {
    type,
    status: status === 1n ? 1 : 0,
    cumulativeGasUsed: readRlpUint(f[1], "receipt cumulativeGasUsed"),
    logsBloom: rlpBytes(f[2], "receipt logsBloom", 256),
    logs,
  };
}
