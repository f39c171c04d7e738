/**
 * Node entry point of @sealtrail/core: the same API as the browser entry, with
 * the native (OpenSSL) crypto backend installed.
 */
import { setCryptoBackend } from "./crypto.js";
import { nodeCryptoBackend } from "./crypto-node.js";

setCryptoBackend(nodeCryptoBackend);

export * from "./index.js";
export { nodeCryptoBackend } from "./crypto-node.js";
