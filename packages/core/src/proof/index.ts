/**
 * C2SP tlog-proof: offline proofs of inclusion.
 */
export * from "./tlog-proof.js";
