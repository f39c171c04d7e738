export * from "./client.js";
export * from "./sms-client.js";
export { hashFileSource } from "./files-client.js";
export type { BlobLike, FileDownload, FileFetch, FilePut, FileRecordRef, FileSource, FilesClient } from "./files-client.js";
export { checkFileAgainst } from "./file-check.js";
export type { CheckFileOptions, CheckedFileRecord, CheckedWitness, FileCheck, FileCheckAnchor, FileCheckDeps, FileCheckRecord } from "./file-check.js";
