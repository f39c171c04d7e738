/**
 * Composition root: opens the store of a data directory and builds the
 * ledger over it. The only file that picks the database engine.
 */
import { join } from "node:path";
import { openSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { AccessStore, Store } from "./store/types.js";
import { createLedger, type Ledger, type LedgerOptions } from "./ledger/ledger.js";

/** A store and a ledger over it. */
export interface Context {
  readonly store: Store & AccessStore;
  readonly ledger: Ledger;
  close(): Promise<void>;
}

/** Database file inside a data directory. */
export const DB_FILE = "sealtrail.db";

/**
 * Open a data directory (created if missing).
 *
 * @example
 * ```ts
 * const ctx = openContext({ data: "./data" });
 * ```
 */
export function openContext(opts: { data: string; migrate?: boolean } & Omit<LedgerOptions, "store">): Context {
  const store = openSqliteStore({ path: join(opts.data, DB_FILE), migrate: opts.migrate ?? true });
  const ledger = createLedger({ ...opts, store });
  return {
    store,
    ledger,
    async close() {
      await ledger.close();
      await store.close();
    },
  };
}
