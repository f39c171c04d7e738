export * from "./attachment.js";
export * from "./address.js";
export * from "./hash.js";
