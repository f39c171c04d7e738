/**
 * @sealtrail/core: everything a third party needs to verify SealTrail data.
 * Pure and browser-safe: no I/O and no node: imports (the `node` entry point
 * only swaps in the native crypto backend).
 */
export * from "./errors.js";
export * from "./bytes.js";
export * from "./crypto.js";
export * from "./signature-batch.js";
export * from "./json/canonicalize.js";
export * from "./json/i-json.js";
export * from "./merkle/index.js";
export * from "./note/index.js";
export * from "./proof/index.js";
export * from "./record/index.js";
export * from "./client/index.js";
export * from "./bundle/index.js";
export * from "./anchor/index.js";
export * from "./epcis/index.js";
export * from "./custody/index.js";
export * from "./sms/index.js";
export * from "./files/index.js";
