/**
 * ISO 28000 security management system: the record types, their schemas and
 * workflows, and the catalogue they are judged against. Pure and
 * browser-safe, so that an auditor applies the same rules offline.
 */
export * from "./record-types.js";
export * from "./schemas/index.js";
export * from "./workflows.js";
export * from "./catalogue/index.js";
export * from "./compute/index.js";
export { createSmsProjection, type SmsProjection } from "./projection.js";
export { compareSmsStates, type SmsStateDifferences } from "./compare-states.js";
