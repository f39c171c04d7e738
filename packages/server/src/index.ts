/** @sealtrail/server public API, for embedding and tests. */
export * from "./main.js";
export * from "./store/types.js";
export * from "./ledger/ledger.js";
export * from "./ledger/submission.js";
export * from "./ledger/record-rules.js";
export { createSmsRules } from "./sms/record-rules.js";
export * from "./ledger/bootstrap.js";
export * from "./ledger/verifier-pool.js";
export * from "./http/app.js";
