/**
 * EVM anchors against a real EVM: Hardhat 2's EDR engine in-process, served
 * over JSON-RPC on 127.0.0.1 (helpers/evm-node.ts). The node is a peer
 * implementation: the block and transaction hashes it reports check our
 * header and transaction encodings, and its roots check our tries. One chain
 * per hardfork whose block format differs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EVM_ANCHOR_ADDRESS,
  SealTrailError,
  decodeBlockHeader,
  decodeReceipt,
  decodeTransaction,
  evmAddress,
  evmAnchorCalldata,
  formatSignerKey,
  fromHex,
  keccak256,
  sha256,
  signCheckpoint,
  signTransaction,
  signerFromKey,
  toHex,
  utf8,
  verifyEvmAnchor,
  type EvmAnchorRecord,
} from "@sealtrail/core";
import { confirmEvmAnchor, createEvmAnchor, createEvmAnchorProvider, evmAnchorRecordFor, readEvmKey } from "../src/anchors/evm-anchor.js";
import { HARDFORKS, LOGGER_INITCODE, REVERTER_INITCODE, startEvmNode, testKey, type EvmNode } from "./helpers/evm-node.js";
import { tempLog } from "./helpers/temp-log.js";

type Json = Record<string, string | null | unknown>;

const signer = signerFromKey(formatSignerKey("example.com/evm-test", new Uint8Array(32).fill(7)));

/** A signed checkpoint note of size `size` over a root derived from `tag`. */
function checkpointNote(size: number, tag = "root"): string {
  return signCheckpoint({ origin: "example.com/evm-test", size: BigInt(size), root: sha256(utf8(`${tag}/${size}`)) }, signer);
}

function addr(key: Uint8Array): string {
  return "0x" + toHex(evmAddress(key));
}

/** The SealTrailError `f` throws (fails the test on anything else). */
function refusal(f: () => unknown): SealTrailError {
  try {
    f();
  } catch (e) {
    if (e instanceof SealTrailError) return e;
    throw new Error(`expected a SealTrailError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected a SealTrailError, got success");
}

async function rejection(p: Promise<unknown>): Promise<SealTrailError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof SealTrailError)) throw new Error(`expected a SealTrailError, got ${e === null ? "success" : String(e)}`, { cause: e });
  return e;
}

/** Intrinsic gas of a call with this calldata: EIP-2028 pricing, and from Prague EIP-7623's floor of 10 gas per token. */
function intrinsicGas(data: Uint8Array, prague: boolean): bigint {
  let zeros = 0n;
  for (const b of data) if (b === 0) zeros++;
  const nonZero = BigInt(data.length) - zeros;
  const standard = 21000n + 16n * nonZero + 4n * zeros;
  const floor = 21000n + 10n * (4n * nonZero + zeros);
  return prague && floor > standard ? floor : standard;
}

/** Header fields by hardfork: 15 of the yellow paper, then one per fork that adds any. */
const HEADER_FIELDS: Record<string, number> = { berlin: 15, london: 16, shanghai: 17, cancun: 20, prague: 21, osaka: 21 };

describe.each(HARDFORKS)("EVM anchor on a %s chain", (hardfork) => {
  let node: EvmNode;
  beforeAll(async () => {
    node = await startEvmNode({ hardfork });
  });
  afterAll(async () => {
    await node?.close();
  });

  it("anchors a checkpoint: the record verifies offline, the node confirms it live, and its hashes are the node's", async () => {
    const note = checkpointNote(42);
    const sent: string[] = [];
    const record = await createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[0]!, chainId: node.chainId, pollMs: 20, onSent: (h) => void sent.push(h) }, note);
    expect(sent).toEqual([record.txHash]);

    // The node's own view of the block and transaction (a peer implementation).
    const block = await node.rpc<Json>("eth_getBlockByNumber", ["0x" + record.blockNumber.toString(16), false]);
    const tx = await node.rpc<Json>("eth_getTransactionByHash", [record.txHash]);
    const receipt = await node.rpc<Json>("eth_getTransactionReceipt", [record.txHash]);
    expect(record.blockHash).toBe(block.hash);
    expect("0x" + toHex(decodeBlockHeader(fromHex(record.header.slice(2))).hash)).toBe(block.hash);
    expect("0x" + toHex(keccak256(fromHex(record.transaction.slice(2))))).toBe(tx.hash);
    expect(tx.blockHash).toBe(record.blockHash);
    expect(Number(tx.transactionIndex)).toBe(record.txIndex);
    const header = decodeBlockHeader(fromHex(record.header.slice(2)));
    expect(15 + (header.baseFeePerGas !== undefined ? 1 : 0) + (header.withdrawalsRoot ? 1 : 0) + (header.blobGasUsed !== undefined ? 3 : 0) + (header.requestsHash ? 1 : 0)).toBe(HEADER_FIELDS[hardfork]);
    expect(header.laterFields).toHaveLength(0);
    expect("0x" + toHex(header.transactionsRoot)).toBe(block.transactionsRoot);
    expect("0x" + toHex(header.receiptsRoot)).toBe(block.receiptsRoot);

    // The transaction: EIP-1559 where the chain has a base fee, EIP-155 legacy before London.
    const decoded = decodeTransaction(fromHex(record.transaction.slice(2)));
    expect(decoded.type).toBe(hardfork === "berlin" ? 0 : 2);
    expect("0x" + toHex(decoded.from)).toBe(String(tx.from).toLowerCase());
    expect("0x" + toHex(decoded.to!)).toBe(EVM_ANCHOR_ADDRESS);
    expect(toHex(decoded.data)).toBe(toHex(evmAnchorCalldata(sha256(utf8(note)))));
    expect(decodeReceipt(fromHex(record.receipt.slice(2))).status).toBe(1);

    // Gas: the intrinsic cost of 51 bytes of calldata, nothing else (the recipient has no code).
    const gasUsed = BigInt(String(receipt.gasUsed));
    expect(gasUsed).toBe(intrinsicGas(decoded.data, hardfork === "prague" || hardfork === "osaka"));
    console.log(`[evm ${hardfork}] anchor gas used: ${gasUsed}; record JSON ${JSON.stringify(record).length} bytes; header ${(record.header.length - 2) / 2} bytes`);

    const v = verifyEvmAnchor(JSON.parse(JSON.stringify(record)), note, { chainId: node.chainId });
    expect(v.confirmed).toBe(false);
    expect(v.time.getTime()).toBe(Number(block.timestamp) * 1000);
    expect(v.blockNumber).toBe(Number(block.number));
    expect(v.checkpointSize).toBe(42n);
    expect(v.from).toBe(addr(node.keys[0]!));
    const pinned = verifyEvmAnchor(record, note, { chainId: node.chainId, blocks: { [String(record.blockNumber)]: String(block.hash).toUpperCase().replace("0X", "0x") } });
    expect(pinned.confirmed).toBe(true);
    expect(await confirmEvmAnchor(record, node.url)).toBe(true);
  });
});

describe("EVM anchors: blocks with many transactions, tampering, failures", () => {
  let node: EvmNode;
  let other: EvmNode;
  let note: string;
  let record: EvmAnchorRecord;
  let logger: string;
  let reverter: string;

  /** fetch that mines a block right after each eth_sendRawTransaction, for a node with automine off. */
  function miningFetch(n: EvmNode): typeof fetch {
    return async (input, init) => {
      const res = await fetch(input, init);
      if (typeof init?.body === "string" && init.body.includes('"eth_sendRawTransaction"')) await n.rpc("evm_mine");
      return res;
    };
  }

  async function deploy(n: EvmNode, initcode: string): Promise<string> {
    const hash = await n.rpc<string>("eth_sendTransaction", [{ from: addr(n.keys[1]!), data: initcode, gas: "0x30000" }]);
    const r = await n.rpc<Json>("eth_getTransactionReceipt", [hash]);
    expect(r.status).toBe("0x1");
    return String(r.contractAddress);
  }

  beforeAll(async () => {
    [node, other] = await Promise.all([startEvmNode({ hardfork: "osaka", accounts: 4 }), startEvmNode({ hardfork: "osaka", chainId: 137 })]);
    logger = await deploy(node, LOGGER_INITCODE);
    reverter = await deploy(node, REVERTER_INITCODE);
    // One block with 24 other transactions of every kind the node signs (legacy, EIP-2930 with an access
    // list, EIP-1559; value transfers, calls that log, a deployment) around the anchor.
    await node.rpc("evm_setAutomine", [false]);
    const senders = [addr(node.keys[1]!), addr(node.keys[2]!), addr(node.keys[3]!)];
    for (let i = 0; i < 24; i++) {
      const from = senders[i % 3]!;
      const kind = i % 4;
      const base = { from, gas: "0x186a0" };
      if (kind === 0) await node.rpc("eth_sendTransaction", [{ ...base, to: senders[(i + 1) % 3], value: "0x" + (i + 1).toString(16), type: "0x0", gasPrice: "0x77359400" }]);
      else if (kind === 1)
        await node.rpc("eth_sendTransaction", [{ ...base, to: logger, type: "0x1", gasPrice: "0x77359400", accessList: [{ address: logger, storageKeys: ["0x" + "00".repeat(31) + "01"] }] }]);
      else if (kind === 2) await node.rpc("eth_sendTransaction", [{ ...base, to: logger, data: "0x" + "ab".repeat(i), type: "0x2", maxFeePerGas: "0x77359400", maxPriorityFeePerGas: "0x" + (i * 1000).toString(16) }]);
      else await node.rpc("eth_sendTransaction", [{ ...base, data: LOGGER_INITCODE }]);
    }
    note = checkpointNote(7);
    record = await createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[0]!, fetch: miningFetch(node), pollMs: 20 }, note);
    await node.rpc("evm_setAutomine", [true]);
  });
  afterAll(async () => {
    await Promise.all([node?.close(), other?.close()]);
  });

  it("builds both proofs in a block of 25 transactions and 25 receipts with logs", async () => {
    const block = await node.rpc<{ transactions: Json[]; hash: string }>("eth_getBlockByHash", [record.blockHash, true]);
    expect(block.transactions).toHaveLength(25);
    expect(new Set(block.transactions.map((t) => t.type))).toEqual(new Set(["0x0", "0x1", "0x2"]));
    expect(record.txProof.length).toBeGreaterThanOrEqual(2);
    expect(record.receiptProof.length).toBeGreaterThanOrEqual(2);
    const v = verifyEvmAnchor(record, note, { chainId: 31337 });
    expect(v.txHash).toBe(record.txHash);
    expect(await confirmEvmAnchor(record, node.url)).toBe(true);
    // Every other transaction of the block, rebuilt as a record from the node, hashes as the node says,
    // has its proofs verify, and is refused only because it carries no anchor.
    for (const t of block.transactions.filter((x) => x.hash !== record.txHash)) {
      const r = await evmAnchorRecordFor({ rpcUrl: node.url }, String(t.hash), note);
      expect(r.txHash).toBe(t.hash);
      expect(r.txIndex).toBe(Number(t.transactionIndex));
      expect("0x" + toHex(decodeTransaction(fromHex(r.transaction.slice(2))).from)).toBe(String(t.from).toLowerCase());
      expect(refusal(() => verifyEvmAnchor(r, note, { chainId: 31337 })).message).toMatch(/evm anchor: calldata:/);
    }
  });

  it("leaves out a trailing state-sync entry from the zero address, as Polygon PoS (Bor) lists one outside both tries", async () => {
    // The node's block JSON, with one Bor-style system transaction appended (zero sender, no valid signature).
    const withExtra = (from: string): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (typeof init?.body !== "string" || !init.body.includes('"eth_getBlockByHash"')) return res;
      const body = (await res.json()) as { result: { transactions: Json[] } };
      body.result.transactions.push({
        hash: "0x" + "ab".repeat(32),
        from,
        to: "0x" + "00".repeat(19) + "01",
        type: "0x0",
        nonce: "0x0",
        gas: "0x0",
        gasPrice: "0x0",
        value: "0x0",
        input: "0x",
        v: "0x0",
        r: "0x0",
        s: "0x0",
      });
      return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    };
    expect(await evmAnchorRecordFor({ rpcUrl: node.url, fetch: withExtra("0x" + "00".repeat(20)) }, record.txHash, note)).toEqual(record);
    // The same entry from any other sender is a transaction the block must hold: refused.
    await rejection(evmAnchorRecordFor({ rpcUrl: node.url, fetch: withExtra("0x" + "00".repeat(19) + "02") }, record.txHash, note));
  });

  it("the record rebuilt from the transaction hash alone is the same record, with or without eth_getBlockReceipts", async () => {
    expect(await evmAnchorRecordFor({ rpcUrl: node.url }, record.txHash, note)).toEqual(record);
    // A node without eth_getBlockReceipts (older clients): the receipts are fetched one by one.
    const methods: string[] = [];
    const noBlockReceipts: typeof fetch = async (input, init) => {
      const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { method: string; id: number }) : undefined;
      if (body) methods.push(body.method);
      if (body?.method === "eth_getBlockReceipts") return new Response(JSON.stringify({ jsonrpc: "2.0", id: body.id, error: { code: -32601, message: "method not found" } }));
      return fetch(input, init);
    };
    expect(await evmAnchorRecordFor({ rpcUrl: node.url, fetch: noBlockReceipts }, record.txHash, note)).toEqual(record);
    expect(methods.filter((m) => m === "eth_getTransactionReceipt").length).toBeGreaterThanOrEqual(25);
  });

  it("gives up after its timeout when the transaction is not mined, having reported its hash", async () => {
    await node.rpc("evm_setAutomine", [false]);
    try {
      const sent: string[] = [];
      const e = await rejection(createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[1]!, pollMs: 20, timeoutMs: 300, onSent: (h) => void sent.push(h) }, checkpointNote(9)));
      expect(e.code).toBe("unavailable");
      expect(e.message).toMatch(/not confirmed in time/);
      expect(sent).toHaveLength(1);
      // Mined later: the record can be finished from the hash alone.
      await node.rpc("evm_mine");
      const late = await evmAnchorRecordFor({ rpcUrl: node.url }, sent[0]!, checkpointNote(9));
      expect(verifyEvmAnchor(late, checkpointNote(9), { chainId: 31337 }).txHash).toBe(sent[0]);
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
  });

  it("refuses a changed note, header, proof, transaction or receipt, naming the step", async () => {
    const policy = { chainId: 31337 };
    const check = (r: unknown, n: string | Uint8Array, re: RegExp, code?: string) => {
      const e = refusal(() => verifyEvmAnchor(r, n, policy));
      expect(e.message).toMatch(re);
      if (code) expect(e.code).toBe(code);
    };
    // Another note (one byte more) is another hash.
    check(record, note + "\n", /evm anchor: checkpoint hash/, "invalid");
    // The note of another size, with the record's hash fixed up: the calldata still commits to the original.
    const other7 = checkpointNote(7, "other");
    check({ ...record, checkpointHash: toHex(sha256(utf8(other7))) }, other7, /evm anchor: calldata:/);
    check({ ...record, checkpointSize: 8 }, note, /evm anchor: checkpoint size/);
    // Each byte of the header matters: flip one in the timestamp area and in the extra data.
    const h = record.header;
    for (const at of [10, h.length - 10]) {
      const flipped = h.slice(0, at) + (h[at] === "0" ? "1" : "0") + h.slice(at + 1);
      check({ ...record, header: flipped }, note, /evm anchor: (block hash|header)/);
    }
    // A proof node swapped for another of the same trie, or the receipt proof given for the transaction.
    if (record.txProof.length >= 2) check({ ...record, txProof: [record.txProof[1]!, record.txProof[0]!, ...record.txProof.slice(2)] }, note, /evm anchor: transaction proof/, "bad_proof");
    check({ ...record, txProof: record.receiptProof }, note, /evm anchor: transaction proof/, "bad_proof");
    check({ ...record, receiptProof: record.txProof }, note, /evm anchor: receipt proof/, "bad_proof");
    check({ ...record, txProof: [...record.txProof, record.txProof[0]!] }, note, /evm anchor: transaction proof.*unused/, "bad_proof");
    check({ ...record, txProof: record.txProof.slice(0, -1) }, note, /evm anchor: transaction proof/);
    // Another index of the same block: the trie holds another transaction there.
    check({ ...record, txIndex: record.txIndex === 0 ? 1 : 0 }, note, /evm anchor: transaction proof/, "bad_proof");
    // A receipt with its status byte changed no longer matches the receipts trie.
    check({ ...record, receipt: record.receipt.replace(/^0x02f9(....)01/, "0x02f9$180") }, note, /evm anchor: receipt proof/, "bad_proof");
    // Fields copied out of the header and the transaction must agree with them.
    check({ ...record, blockTime: "2020-01-01T00:00:00.000Z" }, note, /evm anchor: header: blockTime/);
    check({ ...record, blockNumber: record.blockNumber + 1 }, note, /evm anchor: header/);
    check({ ...record, txHash: "0x" + "00".repeat(32) }, note, /evm anchor: transaction: .*txHash/);
    check({ ...record, extra: 1 }, note, /evm anchor: record: unknown field/, "malformed");
    check({ ...record, header: "0xzz" }, note, /evm anchor: record: header/, "malformed");
    check(null, note, /evm anchor: record: not an object/, "malformed");
  });

  it("refuses a transaction, receipt and proofs taken from another block", async () => {
    const other7 = checkpointNote(7, "second");
    const second = await createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[0]!, pollMs: 20 }, other7);
    expect(second.blockNumber).toBeGreaterThan(record.blockNumber);
    verifyEvmAnchor(second, other7, { chainId: 31337 });
    const moved = { ...record, txIndex: second.txIndex, transaction: second.transaction, txHash: second.txHash, txProof: second.txProof, receipt: second.receipt, receiptProof: second.receiptProof };
    const e = refusal(() => verifyEvmAnchor({ ...moved, checkpointHash: toHex(sha256(utf8(other7))) }, other7, { chainId: 31337 }));
    expect(e.code).toBe("bad_proof");
    expect(e.message).toMatch(/evm anchor: transaction proof/);
    // The other way round: this block's header under the second record.
    const e2 = refusal(() => verifyEvmAnchor({ ...second, header: record.header, blockHash: record.blockHash, blockNumber: record.blockNumber, blockTime: record.blockTime }, other7, { chainId: 31337 }));
    expect(e2.message).toMatch(/evm anchor: transaction proof/);
  });

  it("refuses a reverted transaction (receipt status 0), and createEvmAnchor never returns one", async () => {
    const key = node.keys[2]!;
    const nonce = BigInt(await node.rpc<string>("eth_getTransactionCount", [addr(key), "pending"]));
    const raw = signTransaction(
      { type: 2, chainId: 31337n, nonce, gasLimit: 100_000n, to: fromHex(reverter.slice(2)), value: 0n, data: evmAnchorCalldata(sha256(utf8(note))), maxPriorityFeePerGas: 1n, maxFeePerGas: 10n ** 10n },
      key,
    );
    const hash = await node.rpc<string>("eth_sendRawTransaction", ["0x" + toHex(raw)]);
    expect(hash).toBe("0x" + toHex(keccak256(raw)));
    expect((await node.rpc<Json>("eth_getTransactionReceipt", [hash])).status).toBe("0x0");
    const failed = await evmAnchorRecordFor({ rpcUrl: node.url }, hash, note);
    expect(decodeReceipt(fromHex(failed.receipt.slice(2))).status).toBe(0);
    const e = refusal(() => verifyEvmAnchor(failed, note, { chainId: 31337 }));
    expect(e.message).toMatch(/evm anchor: receipt status: the transaction failed/);
    const e2 = await rejection(createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[3]!, to: reverter, pollMs: 20 }, note));
    expect(e2.message).toMatch(/evm anchor|evm rpc/);
  });

  it("binds the anchor to one chain: the policy's, the record's and the transaction's chain id must agree", async () => {
    const n137 = checkpointNote(3);
    const r137 = await createEvmAnchor({ rpcUrl: other.url, privateKey: other.keys[0]!, chainId: 137, pollMs: 20 }, n137);
    expect(r137.chainId).toBe(137);
    expect(verifyEvmAnchor(r137, n137, { chainId: 137 }).chainId).toBe(137);
    expect(refusal(() => verifyEvmAnchor(r137, n137, { chainId: 31337 })).message).toMatch(/evm anchor: chain id: the record is for chain 137/);
    expect(refusal(() => verifyEvmAnchor({ ...r137, chainId: 31337 }, n137, { chainId: 31337 })).message).toMatch(/evm anchor: chain id: the transaction is signed for chain 137/);
    // Live: a node of another chain is refused, and the record is not confirmed by it.
    expect((await rejection(confirmEvmAnchor(r137, node.url))).message).toMatch(/serves chain 31337, not 137/);
    expect((await rejection(createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[0]!, chainId: 137, pollMs: 20 }, n137))).message).toMatch(/serves chain 31337, not 137/);
  });

  it("is confirmed offline only by a pinned block hash, and a pin with another hash is a conflict", async () => {
    const n = String(record.blockNumber);
    expect(verifyEvmAnchor(record, note, { chainId: 31337 }).confirmed).toBe(false);
    expect(verifyEvmAnchor(record, note, { chainId: 31337, blocks: { "1": "0x" + "11".repeat(32) } }).confirmed).toBe(false);
    expect(verifyEvmAnchor(record, note, { chainId: 31337, blocks: { [n]: record.blockHash.slice(2) } }).confirmed).toBe(true);
    const e = refusal(() => verifyEvmAnchor(record, note, { chainId: 31337, blocks: { [n]: "0x" + "11".repeat(32) } }));
    expect(e.code).toBe("inconsistent");
    expect(e.message).toMatch(/evm anchor: block pin/);
    // Live: a record whose block hash is not the chain's block at that number is not confirmed.
    const latest = await node.rpc<Json>("eth_getBlockByNumber", ["latest", false]);
    expect(await confirmEvmAnchor({ ...record, blockHash: latest.hash }, node.url)).toBe(false);
    expect(await confirmEvmAnchor({ ...record, blockNumber: 10_000 }, node.url)).toBe(false);
  });

  it("waits for confirmations, and anchors a real ledger checkpoint through the AnchorProvider, also as a legacy transaction", async () => {
    const log = await tempLog();
    try {
      await log.ctx.ledger.append("default", [log.submission({ title: "Seal tampering at gate 4" })]);
      const cp = (await log.ctx.ledger.publish("default")) ?? (await log.ctx.store.latestCheckpoint("default"))!;
      // Mine a block every 50 ms meanwhile, so that 3 confirmations arrive.
      const timer = setInterval(() => void node.rpc("evm_mine").catch(() => undefined), 50);
      try {
        const provider = createEvmAnchorProvider({ rpcUrl: node.url, privateKey: readEvmKey("0x" + toHex(testKey(3)) + "\n"), confirmations: 3, pollMs: 20, legacy: true });
        expect(provider.type).toBe("evm");
        const r = (await provider.anchor(cp.note, BigInt(cp.size))) as EvmAnchorRecord;
        const head = Number(await node.rpc<string>("eth_blockNumber"));
        expect(head).toBeGreaterThanOrEqual(r.blockNumber + 2);
        expect(decodeTransaction(fromHex(r.transaction.slice(2))).type).toBe(0);
        expect(verifyEvmAnchor(r, cp.note, { chainId: 31337 }).checkpointSize).toBe(BigInt(cp.size));
        expect(await confirmEvmAnchor(r, node.url)).toBe(true);
      } finally {
        clearInterval(timer);
      }
    } finally {
      await log.close();
    }
  });
});
