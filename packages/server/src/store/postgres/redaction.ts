/**
 * Redaction in the PostgreSQL store (formats.md §5b), inside the sequencing
 * transaction.
 */
import type { Transaction } from "kysely";
import type { MemberChange } from "@sealtrail/core";
import { OPERATOR_SETTING, type RedactionContext } from "../rules.js";
import type { PendingEntry } from "../types.js";
import { u8, type Tables } from "./db.js";

/**
 * What the redaction rule needs for one batch, read in one query each
 * (targets, operator, admin members), then kept current as the batch is
 * sequenced; `apply` destroys the payloads and marks the targets, after the
 * batch's own payloads are inserted (a target may be in the same batch).
 */
export async function redactionState(trx: Transaction<Tables>, vault: string, entries: readonly PendingEntry[]) {
  const wanted = new Set<bigint>();
  const authors = new Set<string>();
  for (const e of entries) {
    if (e.redacts != null) {
      wanted.add(e.redacts.index);
      authors.add(e.author);
    }
    // A file erasure asks the same question: is its author an administrator of the vault, or the operator?
    if (e.erasesFile != null) authors.add(e.author);
  }
  type Target = { type: string; leafHash: Uint8Array; author: string; hasPayload: boolean; redactedBy: bigint | null };
  const targets = new Map<bigint, Target>();
  const admins = new Set<string>();
  let operator: string | null = null;
  if (wanted.size > 0) {
    const rows = await trx
      .selectFrom("entries as e")
      .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "e.vault").onRef("p.idx", "=", "e.idx"))
      .select(["e.idx", "e.type", "e.leaf_hash", "e.author", "e.redacted_by", "p.idx as payload_idx"])
      .where("e.vault", "=", vault)
      .where("e.idx", "in", [...wanted])
      .execute();
    for (const r of rows) {
      targets.set(r.idx, { type: r.type, leafHash: u8(r.leaf_hash), author: r.author, hasPayload: r.payload_idx !== null, redactedBy: r.redacted_by });
    }
  }
  if (authors.size > 0) {
    const members = await trx.selectFrom("members").select("org").where("vault", "=", vault).where("org", "in", [...authors]).where("is_admin", "=", true).execute();
    for (const m of members) admins.add(m.org);
    operator = (await trx.selectFrom("settings").select("value").where("key", "=", OPERATOR_SETTING).executeTakeFirst())?.value ?? null;
  }
  const done: { target: bigint; by: bigint }[] = [];
  return {
    context: (changes: ReadonlyMap<string, { change: MemberChange }>): RedactionContext => ({
      targetAt: (i) => targets.get(i),
      operator: () => operator,
      // A membership changed earlier in this batch counts as changed.
      isAdminMember: (org) => {
        const c = changes.get(org)?.change;
        return c === undefined ? admins.has(org) : c.action === "set" && c.admin;
      },
    }),
    sequenced(idx: bigint, e: PendingEntry) {
      if (wanted.has(idx)) {
        targets.set(idx, { type: e.type, leafHash: e.leafHash, author: e.author, hasPayload: e.payload !== null, redactedBy: null });
      }
      if (e.redacts != null) {
        const t = targets.get(e.redacts.index)!;
        t.hasPayload = false;
        t.redactedBy = idx;
        done.push({ target: e.redacts.index, by: idx });
      }
    },
    async apply() {
      if (done.length === 0) return;
      // The old row versions stay in the table file as dead tuples until
      // VACUUM reclaims them (ADR 0009 says what the operator runs).
      await trx.deleteFrom("payloads").where("vault", "=", vault).where("idx", "in", done.map((d) => d.target)).execute();
      for (const d of done) {
        await trx.updateTable("entries").set({ redacted_by: d.by }).where("vault", "=", vault).where("idx", "=", d.target).execute();
      }
    },
  };
}
