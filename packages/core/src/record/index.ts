export * from "./envelope.js";
export * from "./build.js";
