/**
 * verifyEvmAnchor over a block assembled here from its parts (transactions
 * signed with core, tries built with core): every step of the verification
 * and its refusal, with no node. packages/server/test/anchor-evm.test.ts runs
 * the same checks on blocks mined by a real EVM.
 */
import { describe, expect, it } from "vitest";
import { refusal } from "./helpers.js";
import { concat, toHex, utf8 } from "../../src/bytes.js";
import { sha256 } from "../../src/crypto.js";
import { SealTrailError } from "../../src/errors.js";
import { signCheckpoint } from "../../src/note/checkpoint.js";
import { formatSignerKey, signerFromKey } from "../../src/note/vkey.js";
import { keccak256 } from "../../src/anchor/keccak.js";
import { encodeRlp, rlpUint, type RlpItem } from "../../src/anchor/rlp.js";
import { buildTrie, trieIndexKey } from "../../src/anchor/trie.js";
import { evmAddress, signTransaction, type EvmTransactionRequest } from "../../src/anchor/transaction.js";
import { EVM_ANCHOR_ADDRESS, EVM_ANCHOR_MAGIC, evmAnchorCalldata, parseEvmAnchorRecord, verifyEvmAnchor, type EvmAnchorRecord } from "../../src/anchor/evm-anchor.js";

const hex = (b: Uint8Array) => "0x" + toHex(b);
const signer = signerFromKey(formatSignerKey("example.com/log", new Uint8Array(32).fill(1)));
const NOTE = signCheckpoint({ origin: "example.com/log", size: 12n, root: sha256(utf8("root")) }, signer);
const KEY = new Uint8Array(32).fill(5);
const TO = new Uint8Array(20).fill(0x42);
const TIME = 1_780_000_000;

function receipt(type: number, status: number, gas: number): Uint8Array {
  const body = encodeRlp([rlpUint(status), rlpUint(gas), new Uint8Array(256), []]);
  return type === 0 ? body : concat(new Uint8Array([type]), body);
}

/** A block of `n` transactions with the anchor of `note` at `at`, and its record. */
function block(opts: { n?: number; at?: number; note?: string; chainId?: bigint; status?: number; legacy?: boolean; number?: number } = {}): EvmAnchorRecord {
  const n = opts.n ?? 20;
  const at = opts.at ?? 7;
  const chainId = opts.chainId ?? 137n;
  const txs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const common = { chainId, nonce: BigInt(i), gasLimit: 50_000n, to: TO, value: BigInt(i) };
    const data = i === at ? evmAnchorCalldata(sha256(utf8(opts.note ?? NOTE))) : utf8(`payload ${i}`);
    const req: EvmTransactionRequest = opts.legacy || i % 3 === 0 ? { ...common, data, type: 0, gasPrice: 10n } : { ...common, data, type: 2, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n };
    txs.push(signTransaction(req, KEY));
  }
  const receipts = txs.map((t, i) => receipt(t[0]! < 0x80 ? t[0]! : 0, i === at ? (opts.status ?? 1) : 1, 21_000 * (i + 1)));
  const txTrie = buildTrie(txs.map((t, i) => [trieIndexKey(i), t] as const));
  const rTrie = buildTrie(receipts.map((r, i) => [trieIndexKey(i), r] as const));
  const number = opts.number ?? 1234;
  const fields: RlpItem[] = [
    new Uint8Array(32).fill(9),
    keccak256(encodeRlp([])),
    new Uint8Array(20),
    new Uint8Array(32).fill(8),
    txTrie.root,
    rTrie.root,
    new Uint8Array(256),
    rlpUint(0),
    rlpUint(number),
    rlpUint(30_000_000),
    rlpUint(21_000 * n),
    rlpUint(TIME),
    utf8("test block"),
    new Uint8Array(32),
    new Uint8Array(8),
    rlpUint(7),
  ];
  const header = encodeRlp(fields);
  const key = trieIndexKey(at);
  return {
    type: "evm",
    checkpointSize: 12,
    checkpointHash: toHex(sha256(utf8(opts.note ?? NOTE))),
    chainId: Number(chainId),
    blockNumber: number,
    blockHash: hex(keccak256(header)),
    blockTime: new Date(TIME * 1000).toISOString(),
    txHash: hex(keccak256(txs[at]!)),
    txIndex: at,
    transaction: hex(txs[at]!),
    receipt: hex(receipts[at]!),
    header: hex(header),
    txProof: txTrie.prove(key).map(hex),
    receiptProof: rTrie.prove(key).map(hex),
  };
}


const POLICY = { chainId: 137 };

describe("verifyEvmAnchor", () => {
  it("documents its calldata tag and default recipient", () => {
    expect(new TextDecoder().decode(EVM_ANCHOR_MAGIC)).toBe("sealtrail/anchor/v1");
    expect(evmAnchorCalldata(new Uint8Array(32)).length).toBe(51);
    expect(EVM_ANCHOR_ADDRESS).toBe(hex(keccak256(utf8("sealtrail/anchor/v1")).slice(12)));
  });

  it("verifies an anchor at any position of blocks of 1 to 130 transactions, EIP-1559 or legacy", () => {
    for (const [n, at] of [[1, 0], [2, 1], [20, 0], [20, 7], [20, 19], [130, 128]] as const) {
      for (const legacy of [false, true]) {
        const r = block({ n, at, legacy });
        const v = verifyEvmAnchor(JSON.parse(JSON.stringify(r)), NOTE, POLICY);
        expect(v).toMatchObject({ chainId: 137, blockNumber: 1234, blockHash: r.blockHash, txHash: r.txHash, checkpointSize: 12n, confirmed: false });
        expect(v.time.toISOString()).toBe(r.blockTime);
        expect(v.from).toBe(hex(evmAddress(KEY)));
      }
    }
  });

  it("refuses each kind of tampering, naming the step", () => {
    const r = block();
    const check = (x: unknown, re: RegExp, code: string, note: string | Uint8Array = NOTE) => {
      const e = refusal(() => verifyEvmAnchor(x, note, POLICY));
      expect(e.message).toMatch(re);
      expect(e.code).toBe(code);
    };
    check(r, /evm anchor: checkpoint hash/, "invalid", NOTE.replace("12", "13"));
    check({ ...r, checkpointSize: 13 }, /evm anchor: checkpoint size/, "invalid");
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "a" ? "b" : "a") + s.slice(at + 1);
    check({ ...r, header: flip(r.header, 40) }, /evm anchor: block hash/, "invalid");
    check({ ...r, txProof: [r.txProof[0]!, flip(r.txProof[1]!, 30), ...r.txProof.slice(2)] }, /evm anchor: transaction proof/, "bad_proof");
    check({ ...r, txProof: [...r.txProof].reverse() }, /evm anchor: transaction proof/, "bad_proof");
    check({ ...r, receiptProof: r.txProof }, /evm anchor: receipt proof/, "bad_proof");
    check({ ...r, transaction: flip(r.transaction, 20) }, /evm anchor: transaction proof/, "bad_proof");
    check({ ...r, receipt: flip(r.receipt, 10) }, /evm anchor: receipt proof/, "bad_proof");
    // Another block's transaction and proofs under this header.
    const other = block({ number: 1235, at: 3, n: 9 });
    check({ ...r, transaction: other.transaction, txHash: other.txHash, txProof: other.txProof, txIndex: other.txIndex }, /evm anchor: transaction proof/, "bad_proof");
    // A block whose anchor failed, one anchoring another note, one signed for another chain or with no chain id.
    check(block({ status: 0 }), /evm anchor: receipt status: the transaction failed/, "invalid");
    const elsewhere = block({ note: NOTE + "x" });
    check({ ...elsewhere, checkpointHash: r.checkpointHash }, /evm anchor: calldata/, "invalid");
    check({ ...block({ chainId: 1n }), chainId: 137 }, /evm anchor: chain id: the transaction is signed for chain 1/, "invalid");
    check(block({ chainId: 1n }), /evm anchor: chain id: the record is for chain 1, the policy trusts chain 137/, "invalid");
    check({ ...r, extra: true }, /evm anchor: record: unknown field/, "malformed");
    check({ ...r, txProof: [] }, /evm anchor: record: txProof/, "malformed");
    check({ ...r, blockHash: r.blockHash.toUpperCase() }, /evm anchor: record: blockHash/, "malformed");
  });

  it("is confirmed only by a policy that pins the block, and a different pin is a conflict", () => {
    const r = block();
    expect(verifyEvmAnchor(r, NOTE, { chainId: 137, blocks: { "1233": "0x" + "00".repeat(32) } }).confirmed).toBe(false);
    expect(verifyEvmAnchor(r, NOTE, { chainId: 137, blocks: { "1234": r.blockHash } }).confirmed).toBe(true);
    const e = refusal(() => verifyEvmAnchor(r, NOTE, { chainId: 137, blocks: { "1234": "0x" + "00".repeat(32) } }));
    expect(e.code).toBe("inconsistent");
    expect(e.detail?.step).toBe("block pin");
    // The list form of an evidence-bundle policy pins the same way.
    expect(verifyEvmAnchor(r, NOTE, { chainId: 137, pinnedBlocks: [{ number: 1234, hash: r.blockHash }] }).confirmed).toBe(true);
    expect(refusal(() => verifyEvmAnchor(r, NOTE, { chainId: 137, pinnedBlocks: [{ number: 1234, hash: "0x" + "00".repeat(32) }] })).code).toBe("inconsistent");
    expect(refusal(() => verifyEvmAnchor(r, NOTE, { chainId: 137, blocks: JSON.parse('{"1234": 5}') as Record<string, string> })).code).toBe("malformed");
    // An inherited property is not a pin.
    expect(verifyEvmAnchor({ ...r, blockNumber: 1234 }, NOTE, { chainId: 137, blocks: Object.create({ "1234": "0x00" }) as Record<string, string> }).confirmed).toBe(false);
  });

  it("refuses every single-byte change of the header, transaction, receipt and proof nodes with a SealTrailError", () => {
    const r = block({ n: 20, at: 7 });
    let checked = 0;
    for (const field of ["header", "transaction", "receipt", "txProof", "receiptProof"] as const) {
      const values = Array.isArray(r[field]) ? (r[field] as string[]) : [r[field] as string];
      values.forEach((v, node) => {
        for (let at = 2; at < v.length; at += 2) {
          const b = parseInt(v.slice(at, at + 2), 16) ^ 0x01;
          const changed = v.slice(0, at) + b.toString(16).padStart(2, "0") + v.slice(at + 2);
          const x = Array.isArray(r[field]) ? { ...r, [field]: values.map((o, i) => (i === node ? changed : o)) } : { ...r, [field]: changed };
          expect(refusal(() => verifyEvmAnchor(x, NOTE, POLICY))).toBeInstanceOf(SealTrailError);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("parses exactly the fields of formats §13", () => {
    const r = block();
    expect(parseEvmAnchorRecord(r)).toBe(r);
    const { receiptProof: _, ...missing } = r;
    expect(() => parseEvmAnchorRecord(missing)).toThrow(/missing field receiptProof/);
    expect(() => parseEvmAnchorRecord({ ...r, chainId: 0 })).toThrow(/chainId/);
    expect(() => parseEvmAnchorRecord({ ...r, txIndex: -1 })).toThrow(/txIndex/);
  });
});
