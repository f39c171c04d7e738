/**
 * Who could write what, and when: a vault's membership records replayed in
 * index order (docs/formats.md §5a), so that an event can be judged against
 * the membership in force at its own log index.
 */
import { MEMBER_RECORD_TYPE, parseEntry, typeMatches, type MemberChange } from "@sealtrail/core";
import type { LogReader } from "../store/types.js";

/** Whether `org` could write a record of `type` at log index `index`. */
export type WriteRight = (org: string, index: number, type: string) => boolean;

/**
 * Read a vault's membership history. The operator organisation (which
 * writes membership records) may always write.
 *
 * @example
 * ```ts
 * const canWrite = await writeRights(reader, "default", "operator");
 * canWrite("carrier", 120, "custody.event")
 * ```
 */
export async function writeRights(reader: LogReader, vault: string, operator: string | null): Promise<WriteRight> {
  const history = new Map<string, { index: number; change: MemberChange }[]>();
  let after: bigint | undefined;
  for (;;) {
    const rows = await reader.findEntries(vault, { type: MEMBER_RECORD_TYPE, limit: 1000, ...(after !== undefined ? { after } : {}) });
    for (const r of rows) {
      const m = parseEntry(r.entry).env.member;
      if (m === undefined) continue;
      const list = history.get(m.org) ?? [];
      list.push({ index: Number(r.index), change: m });
      history.set(m.org, list);
    }
    if (rows.length < 1000) break;
    after = rows[rows.length - 1]!.index;
  }
  return (org, index, type) => {
    if (org === operator) return true;
    let current: MemberChange | null = null;
    for (const h of history.get(org) ?? []) {
      // A membership record takes effect from its own index on.
      if (h.index > index) break;
      current = h.change;
    }
    return current !== null && current.action === "set" && current.write.some((p) => typeMatches(p, type));
  };
}
