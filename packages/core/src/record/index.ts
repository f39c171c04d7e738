export * from "./envelope.js";
export * from "./payload.js";
export { isName, isRecordType, isTypePattern, parseHashHex, typeMatches } from "./names.js";
export * from "./build.js";
