/**
 * EVM anchors (docs/formats.md §13, ADR 8): send a transaction whose
 * calldata commits to a checkpoint note, wait for it to be mined, and keep
 * everything a verifier needs offline: the signed transaction, its receipt,
 * the block header and the two Merkle-Patricia proofs, rebuilt here from
 * all of the block's transactions and receipts. Signing is local (core's
 * signTransaction); the node only relays.
 */
import {
  EVM_ANCHOR_ADDRESS,
  EVM_ANCHOR_TYPE,
  SealTrailError,
  buildTrie,
  bytesEqual,
  decodeBlockHeader,
  evmAddress,
  evmAnchorCalldata,
  fromHex,
  keccak256,
  parseCheckpoint,
  parseEvmAnchorRecord,
  parseNote,
  sha256,
  signTransaction,
  toHex,
  trieIndexKey,
  utf8,
  verifyEvmAnchor,
  type EvmAnchorRecord,
} from "@sealtrail/core";
import { EvmRpcError, createEvmRpc, data, headerFromJson, quantity, receiptFromJson, transactionFromJson, type EvmRpc } from "./evm-rpc.js";

/** Options of {@link createEvmAnchor}. */
export interface EvmAnchorOptions {
  /** JSON-RPC endpoint of a node of the chain. */
  readonly rpcUrl: string;
  /** secp256k1 private key of the paying account, 32 bytes. */
  readonly privateKey: Uint8Array;
  /** Expected chain id: refused if the node serves another chain. Defaults to the node's. */
  readonly chainId?: number;
  /** Recipient (0x hex, 20 bytes); defaults to EVM_ANCHOR_ADDRESS. */
  readonly to?: string;
  /** Blocks to wait for, counting the one that includes the transaction (default 1). */
  readonly confirmations?: number;
  /** fetch to use (tests inject one). */
  readonly fetch?: typeof fetch;
  /** Force a legacy EIP-155 transaction even on a chain with EIP-1559 fees. */
  readonly legacy?: boolean;
  /** How often to poll for the receipt and new blocks, milliseconds (default 1,000). */
  readonly pollMs?: number;
  /** Give up waiting after this long, milliseconds (default 600,000). */
  readonly timeoutMs?: number;
  /** Called once the node accepted the transaction, before waiting for it: store the hash, so that evmAnchorRecordFor can finish after a crash. */
  readonly onSent?: (txHash: string) => void | Promise<void>;
}

type Json = Record<string, unknown>;

function hexQ(n: bigint | number): string {
  return "0x" + BigInt(n).toString(16);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function address(s: string, what: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(s)) throw new SealTrailError("invalid", `evm anchor: ${what} must be a 0x address of 20 bytes`);
  return fromHex(s.slice(2));
}

/** The node's chain id, checked against an expected one. */
async function chainIdOf(rpc: EvmRpc, expected: number | undefined): Promise<bigint> {
  const id = quantity(await rpc.call("eth_chainId"), "eth_chainId");
  if (expected !== undefined && id !== BigInt(expected)) {
    throw new SealTrailError("invalid", `evm anchor: the node at ${rpc.url} serves chain ${id}, not ${expected}`);
  }
  return id;
}

/** Raw bytes of one transaction of a block: re-encoded from its JSON, or asked for raw when that encoding is unknown here. */
async function rawTransaction(rpc: EvmRpc, t: Json): Promise<Uint8Array> {
  const raw = transactionFromJson(t);
  if (raw !== undefined) return raw;
  const asked = data(await rpc.call("eth_getRawTransactionByHash", [t.hash]), "eth_getRawTransactionByHash");
  if ("0x" + toHex(keccak256(asked)) !== String(t.hash).toLowerCase()) {
    throw new SealTrailError("invalid", `evm anchor: the node's raw transaction ${String(t.hash)} does not hash to its hash`);
  }
  return asked;
}

/** Receipts of every transaction of a block, in order: eth_getBlockReceipts when the node has it, else one by one. */
async function blockReceipts(rpc: EvmRpc, block: Json, txs: Json[]): Promise<Json[]> {
  try {
    const all = await rpc.call<Json[] | null>("eth_getBlockReceipts", [block.hash]);
    // Bor may list a state-sync receipt after the block's own: keep those of `txs`, in order.
    if (Array.isArray(all) && all.length >= txs.length && txs.every((t, i) => String(all[i]?.transactionHash).toLowerCase() === String(t.hash).toLowerCase())) {
      return all.slice(0, txs.length);
    }
  } catch (e) {
    if (!(e instanceof EvmRpcError)) throw e;
  }
  const out: Json[] = [];
  for (const t of txs) {
    const r = await rpc.call<Json | null>("eth_getTransactionReceipt", [t.hash]);
    if (r === null) throw new SealTrailError("unavailable", `evm anchor: no receipt for ${String(t.hash)} of block ${String(block.hash)}`);
    out.push(r);
  }
  return out;
}

/**
 * Everything about one mined transaction that an offline verifier needs:
 * header, the transaction and receipt bytes, and their proofs.
 */
async function collectBlockEvidence(rpc: EvmRpc, blockHash: string, txHash: string) {
  const block = await rpc.call<Json | null>("eth_getBlockByHash", [blockHash, true]);
  if (block === null) throw new SealTrailError("unavailable", `evm anchor: block ${blockHash} not found (reorganised?)`);
  let header = headerFromJson(block);
  if (header === undefined) {
    // A header field this code does not know: ask for the raw header (geth's debug API).
    header = data(await rpc.call("debug_getRawHeader", [block.hash]), "debug_getRawHeader");
    if ("0x" + toHex(keccak256(header)) !== blockHash) throw new SealTrailError("invalid", "evm anchor: the node's raw header does not hash to the block hash");
  }
  const h = decodeBlockHeader(header);
  let txs = block.transactions as Json[];
  // Polygon PoS (Bor) lists its state-sync transaction last, from the zero
  // address, although it is in neither trie (and has no raw encoding of its
  // own): such trailing entries are dropped when the full list does not
  // rebuild the header's root.
  const system = (t: Json) => /^0x0{40}$/.test(String(t.from));
  let n = txs.length;
  const rawTxs: Uint8Array[] = [];
  for (const [i, t] of txs.entries()) {
    try {
      rawTxs.push(await rawTransaction(rpc, t));
    } catch (e) {
      if (!txs.slice(i).every(system)) throw e;
      n = i;
      break;
    }
  }
  let txTrie = buildTrie(rawTxs.slice(0, n).map((raw, i) => [trieIndexKey(i), raw] as const));
  while (!bytesEqual(txTrie.root, h.transactionsRoot) && n > 0 && system(txs[n - 1]!)) {
    n--;
    txTrie = buildTrie(rawTxs.slice(0, n).map((raw, i) => [trieIndexKey(i), raw] as const));
  }
  if (!bytesEqual(txTrie.root, h.transactionsRoot)) throw new SealTrailError("invalid", `evm anchor: the block's transactions do not rebuild its transactionsRoot`);
  txs = txs.slice(0, n);
  const index = txs.findIndex((t) => String(t.hash).toLowerCase() === txHash);
  if (index < 0) throw new SealTrailError("not_found", `evm anchor: transaction ${txHash} is not in block ${blockHash}`);
  const receipts = (await blockReceipts(rpc, block, txs)).map(receiptFromJson);
  const receiptTrie = buildTrie(receipts.map((raw, i) => [trieIndexKey(i), raw] as const));
  if (!bytesEqual(receiptTrie.root, h.receiptsRoot)) throw new SealTrailError("invalid", "evm anchor: the block's receipts do not rebuild its receiptsRoot");
  const key = trieIndexKey(index);
  const hex = (b: Uint8Array) => "0x" + toHex(b);
  return {
    header: hex(header),
    h,
    index,
    transaction: hex(rawTxs[index]!),
    receipt: hex(receipts[index]!),
    txProof: txTrie.prove(key).map(hex),
    receiptProof: receiptTrie.prove(key).map(hex),
  };
}

async function recordFromNode(rpc: EvmRpc, blockHash: string, txHash: string, note: Uint8Array): Promise<EvmAnchorRecord> {
  const size = parseCheckpoint(parseNote(note).text).size;
  const chainId = await chainIdOf(rpc, undefined);
  const ev = await collectBlockEvidence(rpc, blockHash, txHash);
  return {
    type: EVM_ANCHOR_TYPE,
    checkpointSize: Number(size),
    checkpointHash: toHex(sha256(note)),
    chainId: Number(chainId),
    blockNumber: Number(ev.h.number),
    blockHash,
    blockTime: new Date(Number(ev.h.timestamp) * 1000).toISOString(),
    txHash,
    txIndex: ev.index,
    transaction: ev.transaction,
    receipt: ev.receipt,
    header: ev.header,
    txProof: ev.txProof,
    receiptProof: ev.receiptProof,
  };
}

/**
 * The anchor record of an already mined transaction `txHash` over a
 * checkpoint note, rebuilt from a node: for a publisher that crashed between
 * sending and storing, or to inspect a transaction. It is NOT verified (a
 * failed or foreign transaction gives a record that verifyEvmAnchor
 * refuses); not mined yet is a `not_found` error.
 *
 * @example
 * ```ts
 * const record = await evmAnchorRecordFor({ rpcUrl }, "0x5c…", cp.note);
 * verifyEvmAnchor(record, cp.note, { chainId: 137 });
 * ```
 */
export async function evmAnchorRecordFor(opts: { rpcUrl: string; fetch?: typeof fetch }, txHash: string, checkpointNote: string | Uint8Array): Promise<EvmAnchorRecord> {
  const rpc = createEvmRpc(opts.rpcUrl, opts.fetch ? { fetch: opts.fetch } : {});
  const h = txHash.toLowerCase();
  const receipt = await rpc.call<Json | null>("eth_getTransactionReceipt", [h]);
  if (receipt === null || !receipt.blockHash) throw new SealTrailError("not_found", `evm anchor: transaction ${h} is not mined`);
  return recordFromNode(rpc, String(receipt.blockHash).toLowerCase(), h, typeof checkpointNote === "string" ? utf8(checkpointNote) : checkpointNote);
}

/**
 * Anchor a checkpoint note on an EVM chain: sign locally a transaction to
 * `to` (default {@link EVM_ANCHOR_ADDRESS}) whose calldata is the anchor tag
 * and SHA-256 of the note (EIP-1559 where the chain has a base fee, else
 * EIP-155 legacy), send it with eth_sendRawTransaction, wait for its receipt
 * and `confirmations` blocks, rebuild the block's two tries for the proofs,
 * and return the record after verifying it with core's verifyEvmAnchor. A
 * reverted transaction is an error (nothing is returned to store).
 *
 * @example
 * ```ts
 * const record = await createEvmAnchor({ rpcUrl, privateKey, chainId: 137, confirmations: 5 }, cp.note);
 * ```
 */
export async function createEvmAnchor(opts: EvmAnchorOptions, checkpointNote: string | Uint8Array): Promise<EvmAnchorRecord> {
  const note = typeof checkpointNote === "string" ? utf8(checkpointNote) : checkpointNote;
  const size = parseCheckpoint(parseNote(note).text).size;
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new SealTrailError("invalid", "evm anchor: checkpoint size beyond 2^53-1");
  const confirmations = opts.confirmations ?? 1;
  if (!Number.isSafeInteger(confirmations) || confirmations < 1) throw new SealTrailError("invalid", "evm anchor: confirmations must be at least 1");
  const pollMs = opts.pollMs ?? 1000;
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const rpc = createEvmRpc(opts.rpcUrl, opts.fetch ? { fetch: opts.fetch } : {});
  const chainId = await chainIdOf(rpc, opts.chainId);
  const from = "0x" + toHex(evmAddress(opts.privateKey));
  const to = address(opts.to ?? EVM_ANCHOR_ADDRESS, "to");
  const calldata = evmAnchorCalldata(sha256(note));
  const hex = "0x" + toHex(calldata);

  const nonce = quantity(await rpc.call("eth_getTransactionCount", [from, "pending"]), "nonce");
  const gasLimit = quantity(await rpc.call("eth_estimateGas", [{ from, to: "0x" + toHex(to), data: hex, value: "0x0" }]), "gas estimate");
  const latest = await rpc.call<Json>("eth_getBlockByNumber", ["latest", false]);
  let raw: Uint8Array;
  if (latest.baseFeePerGas !== undefined && latest.baseFeePerGas !== null && opts.legacy !== true) {
    const baseFee = quantity(latest.baseFeePerGas, "baseFeePerGas");
    let tip: bigint;
    try {
      tip = quantity(await rpc.call("eth_maxPriorityFeePerGas"), "eth_maxPriorityFeePerGas");
    } catch (e) {
      if (!(e instanceof EvmRpcError)) throw e;
      tip = 1_000_000_000n;
    }
    // Room for the base fee to double before inclusion (it rises at most 12.5% a block, EIP-1559).
    raw = signTransaction({ type: 2, chainId, nonce, gasLimit, to, value: 0n, data: calldata, maxPriorityFeePerGas: tip, maxFeePerGas: 2n * baseFee + tip }, opts.privateKey);
  } else {
    const gasPrice = quantity(await rpc.call("eth_gasPrice"), "eth_gasPrice");
    raw = signTransaction({ type: 0, chainId, nonce, gasLimit, to, value: 0n, data: calldata, gasPrice }, opts.privateKey);
  }
  const txHash = "0x" + toHex(keccak256(raw));
  const sent = String(await rpc.call("eth_sendRawTransaction", ["0x" + toHex(raw)])).toLowerCase();
  if (sent !== txHash) throw new SealTrailError("invalid", `evm anchor: the node reports transaction ${sent}, we signed ${txHash}`);
  await opts.onSent?.(txHash);

  // Wait for the receipt, then for the confirmations; read the receipt again
  // at the end, since a reorganisation may have moved the transaction.
  let receipt: Json | null = null;
  for (;;) {
    receipt = await rpc.call<Json | null>("eth_getTransactionReceipt", [txHash]);
    if (receipt !== null && receipt.blockHash) {
      const head = quantity(await rpc.call("eth_blockNumber"), "eth_blockNumber");
      const included = quantity(receipt.blockNumber, "receipt blockNumber");
      if (head - included + 1n >= BigInt(confirmations)) {
        const again = await rpc.call<Json | null>("eth_getTransactionReceipt", [txHash]);
        if (again !== null && again.blockHash === receipt.blockHash) break;
      }
    }
    if (Date.now() > deadline) throw new SealTrailError("unavailable", `evm anchor: transaction ${txHash} not confirmed in time`, { detail: { txHash } });
    await sleep(pollMs);
  }
  if (quantity(receipt.status, "receipt status") !== 1n) throw new SealTrailError("invalid", `evm anchor: transaction ${txHash} failed (status 0)`, { detail: { txHash } });
  const record = await recordFromNode(rpc, String(receipt.blockHash).toLowerCase(), txHash, note);
  // A record the server cannot verify is never returned (as with RFC 3161 anchors).
  verifyEvmAnchor(record, note, { chainId: Number(chainId) });
  return record;
}

/**
 * Live check of an EVM anchor through any JSON-RPC node of its chain: the
 * node serves the record's chain id (else an `invalid` error), and its block
 * at the record's number has the record's hash. False when the block is
 * another one (a reorganisation or a forged record) or not there yet. Run
 * verifyEvmAnchor for everything else: this adds only what offline data
 * cannot say, that the block is on the chain the node follows.
 *
 * @example
 * ```ts
 * if (await confirmEvmAnchor(record, "https://polygon-rpc.com")) console.log("on chain");
 * ```
 */
export async function confirmEvmAnchor(record: unknown, rpcUrl: string, opts: { fetch?: typeof fetch } = {}): Promise<boolean> {
  const r = parseEvmAnchorRecord(record);
  const rpc = createEvmRpc(rpcUrl, opts.fetch ? { fetch: opts.fetch } : {});
  await chainIdOf(rpc, r.chainId);
  const block = await rpc.call<Json | null>("eth_getBlockByNumber", [hexQ(r.blockNumber), false]);
  if (block === null) return false;
  return String(block.hash).toLowerCase() === r.blockHash;
}

/** What the publisher calls to anchor a checkpoint (one per configured anchor). */
export interface AnchorProvider {
  readonly type: string;
  /** Shown in status and logs. */
  readonly name?: string;
  anchor(note: string, size: bigint): Promise<object>;
}

/**
 * An {@link AnchorProvider} writing EVM anchors with fixed options.
 *
 * @example
 * ```ts
 * const evm = createEvmAnchorProvider({ rpcUrl, privateKey: readEvmKey(text), chainId: 137 });
 * const record = await evm.anchor(cp.note, cp.size);
 * ```
 */
export function createEvmAnchorProvider(opts: EvmAnchorOptions): AnchorProvider {
  let host = "?";
  try {
    // Only the host: an RPC URL often carries an API key in its path or query.
    host = new URL(opts.rpcUrl).host;
  } catch {
    throw new SealTrailError("invalid", "evm anchor: rpcUrl is not a URL");
  }
  return {
    type: EVM_ANCHOR_TYPE,
    name: `evm chain ${opts.chainId ?? "(the node's)"} via ${host}`,
    async anchor(note: string, size: bigint): Promise<EvmAnchorRecord> {
      const record = await createEvmAnchor(opts, note);
      if (BigInt(record.checkpointSize) !== size) throw new SealTrailError("invalid", `evm anchor: the note's size is ${record.checkpointSize}, not ${size}`);
      return record;
    },
  };
}

/**
 * Read an EVM private key file: 64 hex digits, `0x` optional, surrounding
 * whitespace ignored.
 *
 * @example
 * ```ts
 * const privateKey = readEvmKey(readFileSync("anchor.key", "utf8"));
 * ```
 */
export function readEvmKey(text: string): Uint8Array {
  const t = text.trim().replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new SealTrailError("invalid", "evm key: expected 64 hex digits (a secp256k1 private key)");
  const key = fromHex(t);
  evmAddress(key);
  return key;
}
