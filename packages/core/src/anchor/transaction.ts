/**
 * Signed EVM transactions as a block's transactions trie stores them:
 * legacy (an RLP list, EIP-155 replay protection) and the EIP-2718 typed
 * envelopes: 0x01 EIP-2930, 0x02 EIP-1559, 0x03 EIP-4844 (blob), 0x04
 * EIP-7702 (set code). Decoding recovers the sender from the secp256k1
 * signature; signing (EIP-1559 or EIP-155 legacy) is what the anchoring
 * server needs and is pure, so it lives here too.
 */
import { secp256k1 } from "@noble/curves/secp256k1";
import { concat } from "../bytes.js";
import { requireBytes, requireObject } from "../args.js";
import { SealTrailError } from "../errors.js";
import { keccak256 } from "./keccak.js";
import { decodeRlp, encodeRlp, readRlpUint, rlpBytes, rlpList, rlpUint, type RlpItem } from "./rlp.js";

/** A decoded signed transaction. */
export interface EvmTransaction {
  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702. */
  readonly type: number;
  /** keccak256 of the raw transaction: the transaction hash. */
  readonly hash: Uint8Array;
  /** The chain the signature binds to; undefined for a pre-EIP-155 legacy transaction (valid on any chain). */
  readonly chainId: bigint | undefined;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  /** Recipient; undefined for a contract creation. */
  readonly to: Uint8Array | undefined;
  readonly value: bigint;
  readonly data: Uint8Array;
  /** Sender recovered from the signature (20 bytes). */
  readonly from: Uint8Array;
}

/** Field layouts of the typed envelopes: where chain id, to, value, data sit and how many fields precede the signature. */
const TYPED: Record<number, { name: string; fields: number }> = {
  1: { name: "EIP-2930", fields: 8 },
  2: { name: "EIP-1559", fields: 9 },
  3: { name: "EIP-4844", fields: 11 },
  4: { name: "EIP-7702", fields: 10 },
};

const N = secp256k1.CURVE.n;

/** The 20-byte address of an uncompressed secp256k1 public key: the last 20 bytes of keccak256 of its 64 coordinate bytes. */
function addressOf(uncompressed: Uint8Array): Uint8Array {
  return keccak256(uncompressed.subarray(1)).slice(12);
}

function recoverSender(sigHash: Uint8Array, yParity: bigint, r: bigint, s: bigint, what: string): Uint8Array {
  // Yellow paper appendix F and EIP-2: 0 < r < n, 0 < s <= n/2.
  if (r <= 0n || r >= N || s <= 0n || s > N / 2n) throw new SealTrailError("bad_signature", `${what}: signature values out of range`);
  if (yParity !== 0n && yParity !== 1n) throw new SealTrailError("bad_signature", `${what}: y parity ${yParity}`);
  try {
    const pub = new secp256k1.Signature(r, s).addRecoveryBit(Number(yParity)).recoverPublicKey(sigHash);
    return addressOf(pub.toRawBytes(false));
  } catch (e) {
    throw new SealTrailError("bad_signature", `${what}: no public key recovers from the signature`, { cause: e });
  }
}

function toField(item: RlpItem | undefined, what: string): Uint8Array | undefined {
  const b = rlpBytes(item, what);
  if (b.length === 0) return undefined;
  if (b.length !== 20) throw new SealTrailError("malformed", `${what}: address of ${b.length} bytes`);
  return b;
}

/**
 * Decode a signed transaction (its bytes in the transactions trie), check
 * its signature and recover the sender. Unknown types are refused.
 *
 * @example
 * ```ts
 * const tx = decodeTransaction(fromHex(record.transaction));
 * tx.chainId // 137n
 * ```
 */
export function decodeTransaction(raw: Uint8Array): EvmTransaction {
  requireBytes(raw, "transaction");
  if (raw.length === 0) throw new SealTrailError("malformed", "transaction: empty");
  const first = raw[0]!;
  const hash = keccak256(raw);
  if (first >= 0xc0) {
    const f = rlpList(decodeRlp(raw, "legacy transaction"), "legacy transaction");
    if (f.length !== 9) throw new SealTrailError("malformed", `legacy transaction: ${f.length} fields, 9 expected`);
    const v = readRlpUint(f[6], "legacy transaction v");
    const r = readRlpUint(f[7], "legacy transaction r");
    const s = readRlpUint(f[8], "legacy transaction s");
    let chainId: bigint | undefined;
    let yParity: bigint;
    let signed: RlpItem[];
    if (v === 27n || v === 28n) {
      chainId = undefined;
      yParity = v - 27n;
      signed = f.slice(0, 6);
    } else if (v >= 35n) {
      // EIP-155: v = chainId * 2 + 35 + yParity, and the signed list ends with chainId, 0, 0.
      chainId = (v - 35n) / 2n;
      yParity = (v - 35n) % 2n;
      signed = [...f.slice(0, 6), rlpUint(chainId), new Uint8Array(), new Uint8Array()];
    } else {
      throw new SealTrailError("malformed", `legacy transaction: v ${v}`);
    }
    return {
      type: 0,
      hash,
      chainId,
      nonce: readRlpUint(f[0], "legacy transaction nonce", 8),
      gasLimit: readRlpUint(f[2], "legacy transaction gasLimit"),
      to: toField(f[3], "legacy transaction to"),
      value: readRlpUint(f[4], "legacy transaction value"),
      data: rlpBytes(f[5], "legacy transaction data"),
      from: recoverSender(keccak256(encodeRlp(signed)), yParity, r, s, "legacy transaction"),
    };
  }
  const layout = TYPED[first];
  if (layout === undefined) throw new SealTrailError("invalid", `transaction: unsupported type 0x${first.toString(16).padStart(2, "0")}`);
  const what = `${layout.name} transaction`;
  const f = rlpList(decodeRlp(raw.subarray(1), what), what);
  if (f.length !== layout.fields + 3) throw new SealTrailError("malformed", `${what}: ${f.length} fields, ${layout.fields + 3} expected`);
  // Every typed layout starts chainId, nonce; then one (2930) or two (1559 and later) fee fields.
  const fees = first === 1 ? 1 : 2;
  const at = 2 + fees;
  const to = toField(f[at + 1], `${what} to`);
  if (first >= 3 && to === undefined) throw new SealTrailError("malformed", `${what}: no recipient`);
  const sigHash = keccak256(concat(new Uint8Array([first]), encodeRlp(f.slice(0, layout.fields))));
  return {
    type: first,
    hash,
    chainId: readRlpUint(f[0], `${what} chainId`),
    nonce: readRlpUint(f[1], `${what} nonce`, 8),
    gasLimit: readRlpUint(f[at], `${what} gasLimit`),
    to,
    value: readRlpUint(f[at + 2], `${what} value`),
    data: rlpBytes(f[at + 3], `${what} data`),
    from: recoverSender(
      sigHash,
      readRlpUint(f[layout.fields], `${what} yParity`),
      readRlpUint(f[layout.fields + 1], `${what} r`),
      readRlpUint(f[layout.fields + 2], `${what} s`),
      what,
    ),
  };
}

/** What to sign: an EIP-1559 transaction (type 2), or a legacy one with EIP-155 replay protection (type 0). */
export type EvmTransactionRequest = {
  readonly chainId: bigint;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  /** Recipient, 20 bytes. */
  readonly to: Uint8Array;
  readonly value: bigint;
  readonly data: Uint8Array;
} & (
  | { readonly type: 2; readonly maxPriorityFeePerGas: bigint; readonly maxFeePerGas: bigint }
  | { readonly type: 0; readonly gasPrice: bigint }
);

/**
 * Sign a transaction with a secp256k1 private key (32 bytes) and return its
 * raw bytes, ready for eth_sendRawTransaction. Signatures are RFC 6979
 * deterministic with low s (EIP-2).
 *
 * @example
 * ```ts
 * const raw = signTransaction({ type: 2, chainId: 137n, nonce: 0n, gasLimit: 30000n, to, value: 0n, data, maxPriorityFeePerGas: 30n * 10n ** 9n, maxFeePerGas: 100n * 10n ** 9n }, key);
 * ```
 */
export function signTransaction(req: EvmTransactionRequest, privateKey: Uint8Array): Uint8Array {
  requireBytes(requireObject(req, "transaction request").to, "transaction request.to");
  requireBytes(req.data, "transaction request.data");
  requireBytes(privateKey, "transaction: private key");
  if (privateKey.length !== 32) throw new SealTrailError("invalid", "transaction: private key must be 32 bytes");
  if (req.to.length !== 20) throw new SealTrailError("invalid", "transaction: recipient must be 20 bytes");
  const u = rlpUint;
  if (req.type === 2) {
    const fields: RlpItem[] = [u(req.chainId), u(req.nonce), u(req.maxPriorityFeePerGas), u(req.maxFeePerGas), u(req.gasLimit), req.to, u(req.value), req.data, []];
    const sig = secp256k1.sign(keccak256(concat(new Uint8Array([2]), encodeRlp(fields))), privateKey, { lowS: true });
    return concat(new Uint8Array([2]), encodeRlp([...fields, u(sig.recovery), u(sig.r), u(sig.s)]));
  }
  const fields: RlpItem[] = [u(req.nonce), u(req.gasPrice), u(req.gasLimit), req.to, u(req.value), req.data];
  const sig = secp256k1.sign(keccak256(encodeRlp([...fields, u(req.chainId), new Uint8Array(), new Uint8Array()])), privateKey, { lowS: true });
  return encodeRlp([...fields, u(req.chainId * 2n + 35n + BigInt(sig.recovery)), u(sig.r), u(sig.s)]);
}

/**
 * The 20-byte address of a secp256k1 private key.
 *
 * @example
 * ```ts
 * toHex(evmAddress(key)) // "f39fd6e51aad88f6f4ce6ab8827279cfffb92266" for Hardhat's first test key
 * ```
 */
export function evmAddress(privateKey: Uint8Array): Uint8Array {
  requireBytes(privateKey, "evm address: private key");
  if (privateKey.length !== 32) throw new SealTrailError("invalid", "evm address: private key must be 32 bytes");
  return addressOf(secp256k1.getPublicKey(privateKey, false));
}
