/**
 * Redactions (formats.md §5b): which missing payloads were erased by a valid
 * redaction record, and which redaction records the rules refuse.
 */
import { MEMBER_RECORD_TYPE, REDACTION_RECORD_TYPE, toHex, type Envelope } from "@sealtrail/core";
import type { EntryRow, Store } from "../../store/types.js";
import { short, type Problems } from "./problems.js";

/** A record whose payload was erased by a valid redaction record: reported, not a discrepancy. */
export interface AuditRedaction {
  /** The redacted entry. */
  index: bigint;
  /** The redaction record's index, author, claimed time and reason. */
  by: bigint;
  author: string;
  time: string;
  reason: string | null;
}

/** An entry whose envelope commits to a payload that is not stored. */
interface MissingPayload {
  readonly type: string;
  readonly author: string;
  readonly leafHash: Uint8Array;
  /** The store's redacted_by column. */
  readonly redactedBy: bigint | null;
  /** The valid redaction record that names it, once seen. */
  redaction: AuditRedaction | null;
}

/**
 * Replays memberships and redactions in index order. A payload missing is a
 * redaction, not a discrepancy, only when a later redaction record names the
 * entry and would be accepted by the sequencing rules (store/rules.ts) at its
 * own index: right leaf hash, an author who is the target's author, the
 * operator or an admin member at that point, and no earlier redaction of it.
 */
export class RedactionScan {
  readonly #missing = new Map<bigint, MissingPayload>();
  readonly #admins = new Set<string>();
  /** Redactions whose target was not found with a missing payload when they were read. */
  readonly #unresolved: { index: bigint; target: bigint; leafHash: string }[] = [];

  constructor(
    private readonly operator: string | null,
    private readonly problems: Problems,
  ) {}

  /** A stored entry (in index order): follow memberships, check redactions and the redacted_by column. */
  see(row: EntryRow, env: Envelope): void {
    if (env.type === MEMBER_RECORD_TYPE && env.member !== undefined) {
      const m = env.member;
      if (m.action === "set" && m.admin) this.#admins.add(m.org);
      else this.#admins.delete(m.org);
    }
    if (env.type === REDACTION_RECORD_TYPE && env.redacts !== undefined) this.#redaction(row, env);
    if (row.redactedBy !== null && (row.payload !== null || row.salt !== null)) {
      this.problems.add("entry_column", `entry ${row.index}: the redacted_by column names entry ${row.redactedBy}, but its payload is still stored`, {
        index: row.index,
      });
    }
  }

  /** An entry whose envelope commits to a payload that is not stored. */
  missing(row: EntryRow, env: Envelope): void {
    this.#missing.set(row.index, { type: env.type, author: env.author, leafHash: row.leafHash, redactedBy: row.redactedBy, redaction: null });
  }

  #redaction(row: EntryRow, env: Envelope): void {
    const r = env.redacts!;
    const target = BigInt(r.index);
    const where = { index: row.index };
    const invalid = (why: string) => this.problems.add("redaction_invalid", `entry ${row.index}: redaction of entry ${target} ${why}`, where);
    if (target >= row.index) {
      invalid("names an entry that is not earlier in the log");
      return;
    }
    const t = this.#missing.get(target);
    if (t === undefined) {
      this.#unresolved.push({ index: row.index, target, leafHash: r.leafHash });
      return;
    }
    if (toHex(t.leafHash) !== r.leafHash) {
      invalid(`gives leaf hash ${r.leafHash.slice(0, 16)}…, but the entry's is ${short(t.leafHash)}…`);
      return;
    }
    if (t.redaction !== null) {
      invalid(`comes after an earlier redaction of it (entry ${t.redaction.by})`);
      return;
    }
    if (env.author !== t.author && env.author !== this.operator && !this.#admins.has(env.author)) {
      invalid(`is by ${env.author}, who is neither its author (${t.author}), the operator, nor an administrator of the vault at that point`);
      return;
    }
    t.redaction = { index: target, by: row.index, author: env.author, time: env.time, reason: r.reason ?? null };
  }

  /** After every entry is read: name what is not a valid redaction; return the redactions. */
  async finish(store: Store, vault: string): Promise<AuditRedaction[]> {
    for (const u of this.#unresolved) {
      const where = { index: u.index };
      const [row] = await store.entries(vault, u.target, u.target + 1n);
      if (row === undefined) {
        this.problems.add("redaction_invalid", `entry ${u.index}: redaction of entry ${u.target}, which is not stored`, where);
      } else if (toHex(row.leafHash) !== u.leafHash) {
        this.problems.add("redaction_invalid", `entry ${u.index}: redaction of entry ${u.target} gives a leaf hash other than the entry's`, where);
      } else if (row.type.startsWith("sealtrail.")) {
        this.problems.add("redaction_invalid", `entry ${u.index}: redaction of entry ${u.target}, a ${row.type} record, which is never redacted`, where);
      } else if (row.payload !== null || row.salt !== null) {
        this.problems.add("redaction_not_applied", `entry ${u.index}: redacts entry ${u.target}, but that entry's payload is still stored`, where);
      } else {
        this.problems.add("redaction_invalid", `entry ${u.index}: redaction of entry ${u.target}, which commits to no payload`, where);
      }
    }
    const out: AuditRedaction[] = [];
    for (const [index, t] of this.#missing) {
      const where = { index };
      if (t.redaction === null) {
        const column = t.redactedBy === null ? "" : ` (its redacted_by column names entry ${t.redactedBy}, which is not a valid redaction of it)`;
        this.problems.add("payload_missing", `entry ${index}: the envelope commits to a payload, but no payload is stored and no redaction record names it${column}`, where);
        continue;
      }
      if (t.redactedBy !== t.redaction.by) {
        const says = t.redactedBy === null ? "is empty" : `names entry ${t.redactedBy}`;
        this.problems.add("entry_column", `entry ${index}: the redacted_by column ${says}, but entry ${t.redaction.by} redacted it`, where);
      }
      out.push(t.redaction);
    }
    return out.sort((a, b) => (a.index < b.index ? -1 : 1));
  }
}
