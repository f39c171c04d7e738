/**
 * Evidence bundles: one JSON file holding records of one vault with all a
 * verifier needs offline, and the verifier (docs/formats.md §14, §15).
 */
export * from "./types.js";
export * from "./multiproof.js";
export * from "./policy.js";
export * from "./verify.js";
export * from "./text.js";
export * from "./custody.js";
export { FILE_ERASURE_RECORD_TYPE } from "./attachments.js";
