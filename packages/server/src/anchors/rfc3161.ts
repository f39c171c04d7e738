/**
 * RFC 3161 time-stamp protocol: build a request over a message (a checkpoint
 * note), ask a time-stamp authority for a token over HTTP (RFC 3161 §3.4),
 * and verify a token offline against the TSA roots that a trust policy names.
 *
 * A token is hostile input: it may come from a bundle that anyone can edit.
 * Parsing runs under asn1js resource limits, every check raises a
 * SealTrailError naming what failed ("token signature", "certificate chain",
 * "message imprint", ...), and no library exception escapes.
 *
 * This file imports no Node built-in (WebCrypto and fetch are globals in
 * Node 20 and in browsers), so the verifier can move to a browser-safe
 * package when the bundle verifier needs it (docs/adr/0006-rfc3161.md).
 */
export { MAX_TOKEN_SIZE, OID_KP_TIME_STAMPING, OID_SHA256, OID_SIGNED_DATA, OID_TST_INFO } from "./rfc3161-asn1.js";
export * from "./rfc3161-request.js";
export * from "./rfc3161-verify.js";
