/**
 * Who could write what, and when: a vault's membership records replayed in
 * index order (docs/formats.md §5a), so that a record can be judged against
 * the membership in force at its own log index. Used by the server's custody
 * chains and by the offline custody bundle check alike.
 */
import { requireIterable, requireObject, requireString } from "../args.js";
import type { MemberChange } from "../record/envelope.js";
import { typeMatches } from "../record/names.js";

/** Whether `org` could write a record of `type` at log index `index`. */
export type WriteRight = (org: string, index: number, type: string) => boolean;

/**
 * The write rights given by membership records (any order), with
 * `operators` (the organisations that write the membership records) always
 * allowed.
 *
 * @example
 * ```ts
 * const canWrite = writeRightsOf([{ index: 3, member: { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false } }], ["operator"]);
 * canWrite("carrier", 10, "custody.event") // true
 * ```
 */
export function writeRightsOf(records: Iterable<{ readonly index: number; readonly member: MemberChange }>, operators: Iterable<string>): WriteRight {
  requireIterable(records, "writeRightsOf: membership records");
  requireIterable(operators, "writeRightsOf: operators");
  const history = new Map<string, { index: number; change: MemberChange }[]>();
  for (const r of records) {
    requireString(requireObject(requireObject(r, "writeRightsOf: membership record").member, "writeRightsOf: membership record.member").org, "writeRightsOf: member.org");
    const list = history.get(r.member.org) ?? [];
    list.push({ index: r.index, change: r.member });
    history.set(r.member.org, list);
  }
  for (const list of history.values()) list.sort((a, b) => a.index - b.index);
  const ops = new Set(operators);
  return (org, index, type) => {
    if (ops.has(org)) return true;
    let current: MemberChange | null = null;
    for (const h of history.get(org) ?? []) {
      // A membership record takes effect from its own index on.
      if (h.index > index) break;
      current = h.change;
    }
    return current !== null && current.action === "set" && current.write.some((p) => typeMatches(p, type));
  };
}
