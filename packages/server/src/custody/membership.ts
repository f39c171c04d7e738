/**
 * Who could write what, and when: a vault's membership records replayed in
 * index order (docs/formats.md §5a), so that an event can be judged against
 * the membership in force at its own log index.
 */
import { MEMBER_RECORD_TYPE, parseEntry, writeRightsOf, type MemberChange, type WriteRight } from "@sealtrail/core";
import type { LogReader } from "../store/types.js";

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
  const memberships: { index: number; member: MemberChange }[] = [];
  let after: bigint | undefined;
  for (;;) {
    const rows = await reader.findEntries(vault, { type: MEMBER_RECORD_TYPE, limit: 1000, ...(after !== undefined ? { after } : {}) });
    for (const r of rows) {
      const m = parseEntry(r.entry).env.member;
      if (m !== undefined) memberships.push({ index: Number(r.index), member: m });
    }
    if (rows.length < 1000) break;
    after = rows[rows.length - 1]!.index;
  }
  return writeRightsOf(memberships, operator === null ? [] : [operator]);
}
