/**
 * Redaction in the SQLite store (formats.md §5b): the rule's view of a
 * target and of who may redact, the destruction of a payload, and the WAL
 * truncation that follows a committed redaction.
 */
import type Database from "better-sqlite3";
import { OPERATOR_SETTING, type RedactionContext } from "../rules.js";
import { big, u8, type Row } from "./rows.js";
import type { Statements } from "./statements.js";

/** Redaction inside the sequencing transaction, and after it. */
export interface SqliteRedaction {
  /** The rule's view of targets and redactors for one vault (see store/rules.ts). */
  context(vault: string): RedactionContext;
  /** Destroy the target's payload and salt and mark it redacted by `by`. */
  redact(vault: string, target: bigint, by: bigint): void;
  /** After the transaction: truncate the WAL if a redaction was written. */
  flush(): void;
}

/**
 * Create the redaction steps over a database and its statements.
 *
 * @example
 * ```ts
 * const redaction = createSqliteRedaction(db, q);
 * const context = redaction.context("default");
 * ```
 */
export function createSqliteRedaction(db: Database.Database, q: Statements): SqliteRedaction {
  // The rule's view of a target and of who may redact, read inside the
  // sequencing transaction, so earlier entries of the same batch count.
  const redactionContext = (vault: string): RedactionContext => ({
    targetAt(index) {
      const r = q.redactionTarget.get(vault, index) as Row | undefined;
      if (r === undefined) return undefined;
      return {
        type: r.type as string,
        leafHash: u8(r.leaf_hash),
        author: r.author as string,
        hasPayload: big(r.has_payload) === 1n,
        redactedBy: r.redacted_by === null ? null : big(r.redacted_by),
      };
    },
    operator: () => {
      const r = q.getSetting.get(OPERATOR_SETTING) as Row | undefined;
      return r === undefined ? null : (r.value as string);
    },
    isAdminMember: (org) => {
      const r = q.member.get(vault, org) as Row | undefined;
      return r !== undefined && big(r.is_admin) === 1n;
    },
  });
  let redactedSinceCheckpoint = false;
  // Destroy the target's payload and salt. secure_delete makes SQLite zero
  // the freed cell and any freed overflow pages, so the bytes do not linger
  // in free space of the file; it is on for this statement only because it
  // would cost extra writes on every tile update (ADR 0009).
  const redact = (vault: string, target: bigint, by: bigint): void => {
    const before = db.pragma("secure_delete", { simple: true });
    db.pragma("secure_delete = ON");
    try {
      q.deletePayload.run(vault, target);
    } finally {
      db.pragma(`secure_delete = ${Number(before) === 0 ? "OFF" : "ON"}`);
    }
    q.markRedacted.run(by, vault, target);
    redactedSinceCheckpoint = true;
  };
  // Old page images holding the payload stay in the WAL file until it is
  // checkpointed and truncated: do that once a redaction is committed. Best
  // effort: with other connections reading, SQLite may leave the WAL as is,
  // and it is truncated at a later redaction or when the last connection closes.
  const flushRedactions = (): void => {
    if (!redactedSinceCheckpoint) return;
    redactedSinceCheckpoint = false;
    db.pragma("wal_checkpoint(TRUNCATE)");
  };
  return { context: redactionContext, redact, flush: flushRedactions };
}
