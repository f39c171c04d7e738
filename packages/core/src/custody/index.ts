/** Chains of custody over EPCIS 2.0 events, and the SealTrail security extension. */
export * from "./security-extension.js";
export * from "./chain.js";
export * from "./membership.js";
export * from "./identifiers.js";
