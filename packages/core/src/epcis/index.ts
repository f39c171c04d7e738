/**
 * GS1 EPCIS 2.0 / CBV 2.0 support of the verification core: the CBV 2.0
 * event hash ID (§8.9) and the EPC URI to GS1 Digital Link conversion it
 * relies on.
 */
export * from "./digital-link.js";
export * from "./timestamp.js";
export * from "./event-hash.js";
export * from "./epcis-document.js";
export { EPCIS_EVENT_TYPES } from "./hash-fields.js";
export type { EventHashContext } from "./hash-context.js";
export { compareCodePoints, formatHashNumber } from "./hash-values.js";
