/**
 * EVM block headers: the RLP list of yellow paper §4.3 plus the fields that
 * later forks append (London's base fee, Shanghai's withdrawals root,
 * Cancun's blob gas and beacon root, Prague's requests hash, and any that
 * come next). The block hash is keccak256 of the header's RLP bytes.
 */
import { requireBytes } from "../args.js";
import { SealTrailError } from "../errors.js";
import { keccak256 } from "./keccak.js";
import { decodeRlp, readRlpUint, rlpBytes, rlpList, type RlpItem } from "./rlp.js";

/** A decoded block header. Integers are bigint; hashes and addresses are raw bytes. */
export interface EvmBlockHeader {
  /** keccak256 of the raw header: the block hash. */
  readonly hash: Uint8Array;
  readonly parentHash: Uint8Array;
  readonly ommersHash: Uint8Array;
  readonly beneficiary: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly transactionsRoot: Uint8Array;
  readonly receiptsRoot: Uint8Array;
  readonly logsBloom: Uint8Array;
  readonly difficulty: bigint;
  readonly number: bigint;
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  /** Seconds since the Unix epoch. */
  readonly timestamp: bigint;
  readonly extraData: Uint8Array;
  readonly mixHash: Uint8Array;
  readonly nonce: Uint8Array;
  /** EIP-1559 (London); absent before. */
  readonly baseFeePerGas?: bigint;
  /** EIP-4895 (Shanghai). */
  readonly withdrawalsRoot?: Uint8Array;
  /** EIP-4844 (Cancun). */
  readonly blobGasUsed?: bigint;
  /** EIP-4844 (Cancun). */
  readonly excessBlobGas?: bigint;
  /** EIP-4788 (Cancun). */
  readonly parentBeaconBlockRoot?: Uint8Array;
  /** EIP-7685 (Prague). */
  readonly requestsHash?: Uint8Array;
  /** Fields after the last one known here, kept undecoded (a header from a later fork still hashes and verifies). */
  readonly laterFields: readonly RlpItem[];
}

/**
 * Decode a block header from its RLP bytes and compute its hash. The 15
 * fields of the yellow paper are required; fields appended by later forks
 * are read when present. Bad input is a `malformed` error naming the field.
 *
 * @example
 * ```ts
 * const h = decodeBlockHeader(fromHex(record.header));
 * toHex(h.hash) === record.blockHash.slice(2);
 * ```
 */
export function decodeBlockHeader(raw: Uint8Array): EvmBlockHeader {
  requireBytes(raw, "block header");
  const f = rlpList(decodeRlp(raw, "block header"), "block header");
  if (f.length < 15) throw new SealTrailError("malformed", `block header: ${f.length} fields, at least 15 expected`);
  const h32 = (i: number, name: string) => rlpBytes(f[i], `block header ${name}`, 32);
  const int = (i: number, name: string) => readRlpUint(f[i], `block header ${name}`);
  return {
    hash: keccak256(raw),
    parentHash: h32(0, "parentHash"),
    ommersHash: h32(1, "ommersHash"),
    beneficiary: rlpBytes(f[2], "block header beneficiary", 20),
    stateRoot: h32(3, "stateRoot"),
    transactionsRoot: h32(4, "transactionsRoot"),
    receiptsRoot: h32(5, "receiptsRoot"),
    logsBloom: rlpBytes(f[6], "block header logsBloom", 256),
    difficulty: int(7, "difficulty"),
    number: readRlpUint(f[8], "block header number", 8),
    gasLimit: int(9, "gasLimit"),
    gasUsed: int(10, "gasUsed"),
    timestamp: readRlpUint(f[11], "block header timestamp", 8),
    extraData: rlpBytes(f[12], "block header extraData"),
    mixHash: h32(13, "mixHash"),
    nonce: rlpBytes(f[14], "block header nonce", 8),
    ...(f.length > 15 ? { baseFeePerGas: int(15, "baseFeePerGas") } : {}),
    ...(f.length > 16 ? { withdrawalsRoot: h32(16, "withdrawalsRoot") } : {}),
    ...(f.length > 17 ? { blobGasUsed: int(17, "blobGasUsed") } : {}),
    ...(f.length > 18 ? { excessBlobGas: int(18, "excessBlobGas") } : {}),
    ...(f.length > 19 ? { parentBeaconBlockRoot: h32(19, "parentBeaconBlockRoot") } : {}),
    ...(f.length > 20 ? { requestsHash: h32(20, "requestsHash") } : {}),
    laterFields: f.slice(21),
  };
}
