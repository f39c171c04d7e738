import { describe, expect, it } from "vitest";
import { refusal } from "./helpers.js";
import { secp256k1 } from "@noble/curves/secp256k1";
import { concat, fromHex, toHex } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import { keccak256 } from "../../src/anchor/keccak.js";
import { decodeRlp, encodeRlp, rlpUint, type RlpItem } from "../../src/anchor/rlp.js";
import { decodeBlockHeader } from "../../src/anchor/header.js";
import { decodeReceipt } from "../../src/anchor/receipt.js";
import { decodeTransaction, evmAddress, signTransaction } from "../../src/anchor/transaction.js";

// EIP-155's worked example: nonce 9, gas price 20 gwei, gas 21000, to
// 0x3535…35, value 1 ether, no data, chain id 1, private key 0x4646…46.
const EIP155_KEY = new Uint8Array(32).fill(0x46);
const EIP155_TO = new Uint8Array(20).fill(0x35);
const EIP155_SIGNED =
  "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
const EIP155_SIGNING_HASH = "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";


describe("EVM transactions", () => {
  it("signs and decodes the EIP-155 example", () => {
    const raw = signTransaction({ type: 0, chainId: 1n, nonce: 9n, gasPrice: 20n * 10n ** 9n, gasLimit: 21000n, to: EIP155_TO, value: 10n ** 18n, data: new Uint8Array() }, EIP155_KEY);
    expect(toHex(raw)).toBe(EIP155_SIGNED);
    const signing = encodeRlp([rlpUint(9), rlpUint(20n * 10n ** 9n), rlpUint(21000), EIP155_TO, rlpUint(10n ** 18n), new Uint8Array(), rlpUint(1), new Uint8Array(), new Uint8Array()]);
    expect(toHex(keccak256(signing))).toBe(EIP155_SIGNING_HASH);
    const tx = decodeTransaction(fromHex(EIP155_SIGNED));
    expect(tx).toMatchObject({ type: 0, chainId: 1n, nonce: 9n, gasLimit: 21000n, value: 10n ** 18n });
    expect(toHex(tx.to!)).toBe(toHex(EIP155_TO));
    expect(toHex(tx.from)).toBe(toHex(evmAddress(EIP155_KEY)));
    // The sender of the EIP-155 example, as the EIP-155 discussion and every client report it.
    expect(toHex(tx.from)).toBe("9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  });

  it("derives the address of Hardhat's default account 0 (mnemonic 'test test … junk') from its key", () => {
    expect(toHex(evmAddress(fromHex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")))).toBe("f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  });

  it("round-trips an EIP-1559 transaction and binds its chain id in the signature", () => {
    const key = new Uint8Array(32).fill(3);
    const raw = signTransaction(
      { type: 2, chainId: 137n, nonce: 5n, gasLimit: 30_000n, to: EIP155_TO, value: 0n, data: new Uint8Array([1, 2, 3]), maxPriorityFeePerGas: 30n * 10n ** 9n, maxFeePerGas: 100n * 10n ** 9n },
      key,
    );
    expect(raw[0]).toBe(2);
    const tx = decodeTransaction(raw);
    expect(tx).toMatchObject({ type: 2, chainId: 137n, nonce: 5n, gasLimit: 30_000n, value: 0n });
    expect(toHex(tx.data)).toBe("010203");
    expect(toHex(tx.from)).toBe(toHex(evmAddress(key)));
    expect(toHex(tx.hash)).toBe(toHex(keccak256(raw)));
    // Change the chain id without re-signing: the signature now recovers another sender (or none).
    const fields = decodeRlp(raw.subarray(1)) as RlpItem[];
    fields[0] = rlpUint(1);
    const moved = concat(new Uint8Array([2]), encodeRlp(fields));
    let other: string | undefined;
    try {
      other = toHex(decodeTransaction(moved).from);
    } catch (e) {
      expect(e).toBeInstanceOf(SealTrailError);
    }
    expect(other).not.toBe(toHex(evmAddress(key)));
  });

  it("decodes EIP-2930, EIP-4844 and EIP-7702 envelopes, refuses unknown types and malleable signatures", () => {
    const key = new Uint8Array(32).fill(9);
    const to = new Uint8Array(20).fill(0x77);
    const data = new Uint8Array([0xde, 0xad]);
    const u = rlpUint;
    const accessList = [[to, [new Uint8Array(32)]]];
    // Each layout as EIP-2930, EIP-4844 and EIP-7702 define it, signed over keccak256(type || RLP(fields)).
    const layouts: [number, RlpItem[]][] = [
      [1, [u(10), u(1), u(7), u(50_000), to, u(5), data, accessList]],
      [3, [u(11), u(2), u(1), u(9), u(60_000), to, u(0), data, accessList, u(3), [new Uint8Array(32).fill(1)]]],
      [4, [u(12), u(3), u(1), u(9), u(70_000), to, u(0), data, accessList, [[u(12), to, u(0), u(1), u(5), u(6)]]]],
    ];
    for (const [type, fields] of layouts) {
      const sig = secp256k1.sign(keccak256(concat(new Uint8Array([type]), encodeRlp(fields))), key, { lowS: true });
      const raw = concat(new Uint8Array([type]), encodeRlp([...fields, u(sig.recovery), u(sig.r), u(sig.s)]));
      const tx = decodeTransaction(raw);
      expect(tx.type).toBe(type);
      expect(tx.chainId).toBe({ 1: 10n, 3: 11n, 4: 12n }[type]);
      expect(toHex(tx.to!)).toBe(toHex(to));
      expect(toHex(tx.data)).toBe("dead");
      expect(toHex(tx.from)).toBe(toHex(evmAddress(key)));
    }
    expect(refusal(() => decodeTransaction(new Uint8Array([0x05, 0xc0]))).message).toMatch(/unsupported type 0x05/);
    expect(refusal(() => decodeTransaction(new Uint8Array([0x01, 0xc0]))).message).toMatch(/EIP-2930 transaction: 0 fields, 11 expected/);
    expect(refusal(() => decodeTransaction(new Uint8Array([0x03, 0xc0]))).message).toMatch(/EIP-4844 transaction: 0 fields, 14 expected/);
    expect(refusal(() => decodeTransaction(new Uint8Array([0x04, 0xc0]))).message).toMatch(/EIP-7702 transaction: 0 fields, 13 expected/);
    expect(refusal(() => decodeTransaction(new Uint8Array())).code).toBe("malformed");
    // High s (EIP-2): the same signature with s' = n - s and the parity flipped is refused.
    const f = decodeRlp(fromHex(EIP155_SIGNED)) as Uint8Array[];
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt("0x" + toHex(f[8]!));
    const high = encodeRlp([...f.slice(0, 6), rlpUint(38), f[7]!, rlpUint(n - s)]);
    expect(refusal(() => decodeTransaction(high)).code).toBe("bad_signature");
  });

  it("decodes the mainnet genesis header to its well-known hash", () => {
    // Mainnet genesis (go-ethereum core/genesis.go DefaultGenesisBlock): hash d4e56740…8fa3.
    const empty = fromHex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    const raw = encodeRlp([
      new Uint8Array(32),
      fromHex("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"),
      new Uint8Array(20),
      fromHex("d7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"),
      empty,
      empty,
      new Uint8Array(256),
      rlpUint(0x400000000n),
      rlpUint(0),
      rlpUint(5000),
      rlpUint(0),
      rlpUint(0),
      fromHex("11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa"),
      new Uint8Array(32),
      fromHex("0000000000000042"),
    ]);
    const h = decodeBlockHeader(raw);
    expect(toHex(h.hash)).toBe("d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3");
    expect(h).toMatchObject({ number: 0n, timestamp: 0n, gasLimit: 5000n, difficulty: 0x400000000n, laterFields: [] });
    expect(h.baseFeePerGas).toBeUndefined();
    // A header from a fork after Prague: an unknown 22nd field is kept, not refused.
    const fields = decodeRlp(raw) as RlpItem[];
    const later = encodeRlp([...fields, rlpUint(1), new Uint8Array(32), rlpUint(0), rlpUint(0), new Uint8Array(32), new Uint8Array(32), fromHex("abcd")]);
    const hl = decodeBlockHeader(later);
    expect(hl.requestsHash).toEqual(new Uint8Array(32));
    expect(hl.laterFields).toEqual([fromHex("abcd")]);
    expect(refusal(() => decodeBlockHeader(encodeRlp(fields.slice(0, 14)))).message).toMatch(/14 fields/);
    expect(refusal(() => decodeBlockHeader(encodeRlp([...fields.slice(0, 4), new Uint8Array(31), ...fields.slice(5)]))).message).toMatch(/transactionsRoot/);
  });

  it("decodes legacy and typed receipts and their status", () => {
    const bloom = new Uint8Array(256);
    const log = [new Uint8Array(20).fill(1), [new Uint8Array(32).fill(2)], new Uint8Array([9])];
    const ok = concat(new Uint8Array([2]), encodeRlp([rlpUint(1), rlpUint(21000), bloom, [log]]));
    expect(decodeReceipt(ok)).toMatchObject({ type: 2, status: 1, cumulativeGasUsed: 21000n });
    expect(decodeReceipt(ok).logs[0]!.data).toEqual(new Uint8Array([9]));
    expect(decodeReceipt(encodeRlp([new Uint8Array(), rlpUint(5), bloom, []]))).toMatchObject({ type: 0, status: 0 });
    expect(refusal(() => decodeReceipt(encodeRlp([new Uint8Array(32), rlpUint(5), bloom, []]))).message).toMatch(/pre-Byzantium/);
    expect(refusal(() => decodeReceipt(encodeRlp([rlpUint(2), rlpUint(5), bloom, []]))).message).toMatch(/status 2/);
    expect(refusal(() => decodeReceipt(new Uint8Array([0x90]))).code).toBe("malformed");
  });
});
