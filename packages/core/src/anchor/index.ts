/**
 * EVM anchors and the Ethereum structures needed to verify them offline:
 * RLP, Merkle-Patricia trie proofs, block headers, transactions, receipts.
 */
export * from "./keccak.js";
export * from "./rlp.js";
export * from "./trie.js";
export * from "./header.js";
export * from "./transaction.js";
export * from "./receipt.js";
export * from "./evm-anchor.js";
