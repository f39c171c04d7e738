/**
 * RFC 6962 / RFC 9162 Merkle tree maths and C2SP tlog-tiles maths.
 */
export * from "./hash.js";
export * from "./verify.js";
export * from "./proof.js";
export * from "./tiles.js";
export * from "./integrate.js";
export * from "./memory-tree.js";
