/**
 * C2SP signed notes, note keys and tlog checkpoints.
 */
export * from "./vkey.js";
export * from "./note.js";
export * from "./checkpoint.js";
export { COSIGNATURE_V1_HEADER, COSIGNATURE_V1_SIZE, MAX_COSIGNATURE_TIME, cosignatureMessage } from "./cosignature-message.js";
export * from "./witness-key.js";
export * from "./cosignature.js";
