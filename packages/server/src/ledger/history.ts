/**
 * Versions of a record: records are never changed in place, a new version
 * names the one it supersedes. The history of any version is the chain back
 * to the first version and every later version that supersedes it, directly
 * or not, in index order. A version whose payload was redacted keeps its
 * place in the history, with who redacted it.
 */
import { SealTrailError, parseEntry } from "@sealtrail/core";
import type { EntryRow, LogReader } from "../store/types.js";
import { redactionsOf, type RedactionInfo } from "./redaction.js";

/** Longest chain followed, so a hostile or broken store cannot loop us. */
const MAX_VERSIONS = 10_000;

/** One version of a record. */
export interface Version {
  readonly row: EntryRow;
  /** Index of the version it supersedes, if any. */
  readonly supersedes: bigint | null;
  /** Who erased this version's payload, when and why; null unless redacted (formats.md §5b). */
  readonly redacted: RedactionInfo | null;
}

/**
 * All versions of the record at `index`, oldest first.
 *
 * @example
 * ```ts
 * const versions = await recordHistory(store, "default", 42n);
 * ```
 */
export async function recordHistory(reader: LogReader, vault: string, index: bigint): Promise<Version[]> {
  const load = async (i: bigint): Promise<Version> => {
    const [row] = await reader.entries(vault, i, i + 1n);
    if (row === undefined) throw new SealTrailError("not_found", `no record at index ${i}`);
    const sup = parseEntry(row.entry).env.supersedes;
    const redacted = (await redactionsOf(reader, vault, [row])).get(row.index) ?? null;
    return { row, supersedes: sup === undefined ? null : BigInt(sup.index), redacted };
  };
  // Back to the first version.
  let first = await load(index);
  for (let n = 0; first.supersedes !== null; n++) {
    if (n >= MAX_VERSIONS) throw new SealTrailError("internal", "version chain too long");
    first = await load(first.supersedes);
  }
  // Forward through every later version (a version may be superseded more than once).
  const out: Version[] = [first];
  const queue: bigint[] = [first.row.index];
  while (queue.length > 0) {
    const next = await reader.supersedersOf(vault, queue.shift()!);
    for (const i of next) {
      if (out.length >= MAX_VERSIONS) throw new SealTrailError("internal", "too many versions");
      out.push(await load(i));
      queue.push(i);
    }
  }
  return out.sort((a, b) => (a.row.index < b.row.index ? -1 : 1));
}
