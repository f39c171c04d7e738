/**
 * EVM anchors (docs/formats.md §13): a transaction on an EVM chain whose
 * calldata is `sealtrail/anchor/v1` followed by the SHA-256 of a checkpoint
 * note. The record keeps the signed transaction, its receipt, the block
 * header and the two Merkle-Patricia proofs, so that a verifier checks
 * offline that the block committed to the checkpoint; whether that block is
 * on the chain's canonical history is a fact only a pinned block hash (the
 * policy) or a live node can add.
 */
import { bytesEqual, concat, fromHex, toHex, utf8 } from "../bytes.js";
import { sha256 } from "../crypto.js";
import { requireBytes, requireObject, requireText } from "../args.js";
import { SealTrailError, type ErrorCode } from "../errors.js";
import { parseCheckpoint } from "../note/checkpoint.js";
import { parseNote } from "../note/note.js";
import { decodeBlockHeader } from "./header.js";
import { keccak256 } from "./keccak.js";
import { decodeReceipt } from "./receipt.js";
import { decodeTransaction } from "./transaction.js";
import { trieIndexKey, verifyTrieProof } from "./trie.js";

/** Anchor type tag of EVM anchors. */
export const EVM_ANCHOR_TYPE = "evm";

/** ASCII tag that starts an anchor transaction's calldata (19 bytes), followed by the 32-byte SHA-256 of the checkpoint note. */
export const EVM_ANCHOR_MAGIC: Uint8Array = utf8("sealtrail/anchor/v1");

/**
 * Default recipient of anchor transactions: the last 20 bytes of
 * keccak256("sealtrail/anchor/v1"), an address nobody holds a key for, so
 * that every SealTrail anchor on a chain can be listed by recipient.
 */
export const EVM_ANCHOR_ADDRESS: string = "0x" + toHex(keccak256(EVM_ANCHOR_MAGIC).slice(12));

/**
 * An EVM anchor as stored and exported (JSON). Byte fields are lower-case
 * hex with a `0x` prefix, as Ethereum tools print them; `checkpointHash`
 * is bare hex, as in RFC 3161 anchors (§12).
 *
 * @example
 * ```ts
 * const a: EvmAnchorRecord = { type: "evm", checkpointSize: 42, checkpointHash: "9f…", chainId: 137, blockNumber: 1, blockHash: "0x…", blockTime: "2026-05-01T10:00:00.000Z", txHash: "0x…", txIndex: 0, transaction: "0x02…", receipt: "0x02…", header: "0xf9…", txProof: ["0xf8…"], receiptProof: ["0xf9…"] };
 * ```
 */
export interface EvmAnchorRecord {
  readonly type: typeof EVM_ANCHOR_TYPE;
  /** Tree size of the anchored checkpoint. */
  readonly checkpointSize: number;
  /** Lower-case hex SHA-256 of the checkpoint note's bytes. */
  readonly checkpointHash: string;
  /** EIP-155 chain id of the transaction. */
  readonly chainId: number;
  readonly blockNumber: number;
  /** keccak256 of `header`. */
  readonly blockHash: string;
  /** The header's timestamp, RFC 3339 UTC with milliseconds (informative: verification reads the header). */
  readonly blockTime: string;
  /** keccak256 of `transaction`. */
  readonly txHash: string;
  /** Position of the transaction in its block. */
  readonly txIndex: number;
  /** The signed transaction as the transactions trie holds it. */
  readonly transaction: string;
  /** The receipt as the receipts trie holds it. */
  readonly receipt: string;
  /** The RLP block header. */
  readonly header: string;
  /** Nodes of the transactions trie from its root to `transaction`, key RLP(txIndex). */
  readonly txProof: readonly string[];
  /** Nodes of the receipts trie from its root to `receipt`, key RLP(txIndex). */
  readonly receiptProof: readonly string[];
}

/** Which chain a verifier trusts, and the block hashes it already knows to be canonical there. */
export interface EvmChainPolicy {
  readonly chainId: number;
  /** Decimal block number → block hash (hex, `0x` optional) known to be on the chain (from a trusted node or explorer). */
  readonly blocks?: Readonly<Record<string, string>>;
  /** The same pins as a list (the shape of an evidence-bundle policy's `pinnedBlocks`); both may be given. */
  readonly pinnedBlocks?: readonly { readonly number: number; readonly hash: string }[];
}

/** What {@link verifyEvmAnchor} proves. */
export interface VerifiedEvmAnchor {
  /** The block's timestamp: the checkpoint existed no later than this, if the block is on the chain. */
  readonly time: Date;
  readonly chainId: number;
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly txHash: string;
  /** Sender of the anchor transaction (0x hex). */
  readonly from: string;
  readonly checkpointSize: bigint;
  /**
   * True only when the policy pins this block number to this hash. When
   * false, everything in the record is consistent but nothing offline says
   * the block is on the chain: check it live (confirmEvmAnchor) or pin it.
   */
  readonly confirmed: boolean;
}

/**
 * Calldata of an anchor transaction for a checkpoint hash.
 *
 * @example
 * ```ts
 * evmAnchorCalldata(sha256(utf8(note))) // "sealtrail/anchor/v1" || 32 bytes
 * ```
 */
export function evmAnchorCalldata(checkpointHash: Uint8Array): Uint8Array {
  requireBytes(checkpointHash, "evm anchor: checkpoint hash");
  if (checkpointHash.length !== 32) throw new SealTrailError("invalid", "evm anchor: checkpoint hash must be 32 bytes");
  return concat(EVM_ANCHOR_MAGIC, checkpointHash);
}

const FIELDS = [
  "type",
  "checkpointSize",
  "checkpointHash",
  "chainId",
  "blockNumber",
  "blockHash",
  "blockTime",
  "txHash",
  "txIndex",
  "transaction",
  "receipt",
  "header",
  "txProof",
  "receiptProof",
] as const;

// Bounds on what a record may carry: a trie proof is at most ~10 nodes deep for
// any real block, and no node of a transactions/receipts trie is larger than
// the biggest transaction a node relays (128 KiB in geth).
const MAX_PROOF_NODES = 64;
const MAX_HEX_CHARS = 2 * 1024 * 1024;

const HEX0X = /^0x(?:[0-9a-f]{2})*$/;
const HASH0X = /^0x[0-9a-f]{64}$/;

/**
 * Check the JSON shape of an EVM anchor record (untrusted input): exactly
 * the fields of §13, each of its type. Errors are `malformed` and name the
 * field.
 *
 * @example
 * ```ts
 * const rec = parseEvmAnchorRecord(JSON.parse(text));
 * ```
 */
export function parseEvmAnchorRecord(x: unknown): EvmAnchorRecord {
  const bad = (m: string) => new SealTrailError("malformed", `evm anchor: record: ${m}`);
  if (typeof x !== "object" || x === null || Array.isArray(x)) throw bad("not an object");
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(k)) throw bad(`unknown field ${JSON.stringify(k.slice(0, 40))}`);
  for (const k of FIELDS) if (!(k in o)) throw bad(`missing field ${k}`);
  if (o.type !== EVM_ANCHOR_TYPE) throw bad(`type must be "${EVM_ANCHOR_TYPE}"`);
  for (const k of ["checkpointSize", "chainId", "blockNumber", "txIndex"] as const) {
    const v = o[k];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw bad(`${k} must be a non-negative integer`);
  }
  if ((o.chainId as number) === 0) throw bad("chainId must be positive");
  if (typeof o.checkpointHash !== "string" || !/^[0-9a-f]{64}$/.test(o.checkpointHash)) throw bad("checkpointHash must be 64 lower-case hex digits");
  for (const k of ["blockHash", "txHash"] as const) {
    if (typeof o[k] !== "string" || !HASH0X.test(o[k])) throw bad(`${k} must be 0x and 64 lower-case hex digits`);
  }
  if (typeof o.blockTime !== "string") throw bad("blockTime must be an RFC 3339 string");
  for (const k of ["transaction", "receipt", "header"] as const) {
    const v = o[k];
    if (typeof v !== "string" || v.length > MAX_HEX_CHARS || v.length < 4 || !HEX0X.test(v)) throw bad(`${k} must be 0x-prefixed lower-case hex bytes`);
  }
  for (const k of ["txProof", "receiptProof"] as const) {
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_PROOF_NODES) throw bad(`${k} must be a list of 1 to ${MAX_PROOF_NODES} nodes`);
    for (const n of v) if (typeof n !== "string" || n.length > MAX_HEX_CHARS || n.length < 4 || !HEX0X.test(n)) throw bad(`${k} nodes must be 0x-prefixed lower-case hex bytes`);
  }
  return o as unknown as EvmAnchorRecord;
}

function hex0x(s: string): Uint8Array {
  return fromHex(s.slice(2));
}

/** Run one verification step, prefixing any SealTrailError with the step's name (same code). */
function step<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SealTrailError) throw new SealTrailError(e.code, `evm anchor: ${name}: ${e.message}`, { cause: e, ...(e.detail ? { detail: { ...e.detail } } : {}) });
    throw e;
  }
}

function fail(code: ErrorCode, name: string, m: string): SealTrailError {
  return new SealTrailError(code, `evm anchor: ${name}: ${m}`, { detail: { step: name } });
}

/**
 * Verify an EVM anchor offline (§13): the record's fields; `checkpointHash`
 * is SHA-256 of `noteBytes` and `checkpointSize` its size line; the header
 * hashes to `blockHash` and carries `blockNumber` and `blockTime`; the
 * transaction sits at `txIndex` under the header's transactionsRoot, hashes
 * to `txHash`, is signed for the policy's chain, and its calldata is the
 * anchor magic and this checkpoint hash; its receipt sits at the same index
 * under receiptsRoot with status 1. `confirmed` is true only when the policy
 * pins this block; a pin with another hash is an `inconsistent` error. The
 * note's own signatures are not checked here (open it with openCheckpoint).
 * Every failure is a SealTrailError whose message names the step.
 *
 * @example
 * ```ts
 * const v = verifyEvmAnchor(JSON.parse(text), noteBytes, { chainId: 137, blocks: { "61234567": "0xab…" } });
 * if (v.confirmed) console.log("existed no later than", v.time.toISOString());
 * ```
 */
export function verifyEvmAnchor(record: unknown, noteBytes: Uint8Array | string, chainPolicy: EvmChainPolicy): VerifiedEvmAnchor {
  requireText(noteBytes, "evm anchor: note");
  requireObject(chainPolicy, "evm anchor: chain policy");
  const r = step("record", () => parseEvmAnchorRecord(record));
  const note = typeof noteBytes === "string" ? utf8(noteBytes) : noteBytes;
  const hash = sha256(note);
  if (r.checkpointHash !== toHex(hash)) throw fail("invalid", "checkpoint hash", "checkpointHash is not the SHA-256 of this checkpoint note");
  const size = step("checkpoint size", () => parseCheckpoint(parseNote(note).text).size);
  if (BigInt(r.checkpointSize) !== size) throw fail("invalid", "checkpoint size", `checkpointSize ${r.checkpointSize} is not the note's size ${size}`);
  if (r.chainId !== chainPolicy.chainId) throw fail("invalid", "chain id", `the record is for chain ${r.chainId}, the policy trusts chain ${chainPolicy.chainId}`);

  const headerBytes = hex0x(r.header);
  const header = step("header", () => decodeBlockHeader(headerBytes));
  if ("0x" + toHex(header.hash) !== r.blockHash) throw fail("invalid", "block hash", "the header does not hash to blockHash");
  if (header.number !== BigInt(r.blockNumber)) throw fail("invalid", "header", `the header is block ${header.number}, not ${r.blockNumber}`);
  if (header.timestamp > 8_640_000_000_000n) throw fail("invalid", "header", "timestamp out of range");
  const time = new Date(Number(header.timestamp) * 1000);
  if (r.blockTime !== time.toISOString()) throw fail("invalid", "header", `blockTime ${r.blockTime} is not the header's ${time.toISOString()}`);

  // Both proofs first, signature recovery (the costly step) last.
  const key = trieIndexKey(r.txIndex);
  const txBytes = hex0x(r.transaction);
  const inTrie = step("transaction proof", () => verifyTrieProof(header.transactionsRoot, key, r.txProof.map(hex0x), "transactions trie"));
  if (!bytesEqual(inTrie, txBytes)) throw fail("bad_proof", "transaction proof", `the transactions trie holds another transaction at index ${r.txIndex}`);
  const receiptBytes = hex0x(r.receipt);
  const rInTrie = step("receipt proof", () => verifyTrieProof(header.receiptsRoot, key, r.receiptProof.map(hex0x), "receipts trie"));
  if (!bytesEqual(rInTrie, receiptBytes)) throw fail("bad_proof", "receipt proof", `the receipts trie holds another receipt at index ${r.txIndex}`);

  if ("0x" + toHex(keccak256(txBytes)) !== r.txHash) throw fail("invalid", "transaction", "the transaction does not hash to txHash");
  const tx = step("transaction", () => decodeTransaction(txBytes));
  if (tx.chainId === undefined) throw fail("invalid", "chain id", "the transaction has no chain id (pre-EIP-155): it could be replayed on any chain");
  if (tx.chainId !== BigInt(r.chainId)) throw fail("invalid", "chain id", `the transaction is signed for chain ${tx.chainId}, the record says ${r.chainId}`);
  if (tx.to === undefined) throw fail("invalid", "calldata", "the transaction creates a contract: an anchor is a call");
  if (!bytesEqual(tx.data, evmAnchorCalldata(hash))) throw fail("invalid", "calldata", "the calldata is not the anchor tag and this checkpoint's hash");

  const receipt = step("receipt", () => decodeReceipt(receiptBytes));
  if (receipt.type !== tx.type) throw fail("invalid", "receipt", `receipt type ${receipt.type} is not the transaction's ${tx.type}`);
  if (receipt.status !== 1) throw fail("invalid", "receipt status", "the transaction failed (status 0)");

  let confirmed = false;
  const pins = [
    ...(chainPolicy.blocks !== undefined && Object.hasOwn(chainPolicy.blocks, String(r.blockNumber)) ? [chainPolicy.blocks[String(r.blockNumber)]!] : []),
    ...(chainPolicy.pinnedBlocks ?? []).filter((b) => b.number === r.blockNumber).map((b) => b.hash),
  ];
  for (const pinned of pins) {
    if (typeof pinned !== "string") throw fail("malformed", "block pin", `the policy's pin for block ${r.blockNumber} is not a hex string`);
    const p = pinned.toLowerCase();
    if ((p.startsWith("0x") ? p : "0x" + p) !== r.blockHash) {
      throw new SealTrailError("inconsistent", `evm anchor: block pin: the policy pins block ${r.blockNumber} of chain ${r.chainId} to ${pinned}, not ${r.blockHash}`, {
        detail: { step: "block pin", blockNumber: r.blockNumber, pinned, blockHash: r.blockHash },
      });
    }
    confirmed = true;
  }
  return {
    time,
    chainId: r.chainId,
    blockNumber: r.blockNumber,
    blockHash: r.blockHash,
    txHash: r.txHash,
    from: "0x" + toHex(tx.from),
    checkpointSize: size,
    confirmed,
  };
}
