/**
 * Erasure of an attachment's bytes: a signed `file.erasure` record (payload
 * `{ file: "sha256:<hex>", reason }`) by an organisation that authored a
 * record naming the file, or custodially by an administrator of the vault.
 * The store marks the file erased in the transaction that sequences the
 * record (store/file-rules.ts says who may); the bytes are deleted once that
 * transaction is committed, never before, so a crash leaves either a file
 * not erased or an erasure whose bytes the next sweep deletes. Every record
 * naming the file keeps its digest: a verifier then reports the attachment
 * "redacted", never "tampered".
 */
import { fileAddress } from "@sealtrail/core";
import { appendCustodial } from "../ledger/custodial.js";
import type { AppendOptions, AppendResult, Ledger, LedgerOptions } from "../ledger/ledger.js";
import { FILE_ERASURE_TYPE } from "../store/file-rules.js";
import type { Store } from "../store/types.js";
import type { FileStore } from "./file-store.js";

export { FILE_ERASURE_TYPE, MAX_ERASURE_REASON } from "../store/file-rules.js";

/**
 * The ledger's after-commit step that deletes the bytes of each file erased
 * by a committed batch.
 *
 * @example
 * ```ts
 * const ledger = createLedger({ store, onCommitted: deleteErasedBytes(files) });
 * ```
 */
export function deleteErasedBytes(files: FileStore): NonNullable<LedgerOptions["onCommitted"]> {
  return async (vault, entries, outcomes) => {
    for (const [i, e] of entries.entries()) {
      if (e.erasesFile != null && outcomes[i]?.ok === true) await files.delete(vault, e.erasesFile);
    }
  };
}

/**
 * Erase a file's bytes by a `file.erasure` record that the server signs for
 * `org` with a key it holds (a partner without software, or the operator).
 *
 * @example
 * ```ts
 * const r = await eraseFileCustodial(store, ledger, "default", "operator", sha256, { reason: "personal data" });
 * ```
 */
export async function eraseFileCustodial(
  store: Store,
  ledger: Ledger,
  vault: string,
  org: string,
  sha256: string,
  rec: { reason?: string } = {},
  opts: AppendOptions = {},
): Promise<AppendResult> {
  const payload = { file: fileAddress(sha256), ...(rec.reason !== undefined ? { reason: rec.reason } : {}) };
  return appendCustodial(store, ledger, vault, org, { type: FILE_ERASURE_TYPE, payload }, opts);
}
