/**
 * The stored checkpoints: their signatures are checked first (their sizes
 * drive everything else), their roots last, against the roots recomputed
 * from the entries (C2SP tlog-checkpoint, RFC 6962 §2.1).
 */
import { SealTrailError, bytesEqual, openCheckpoint, type NoteVerifier } from "@sealtrail/core";
import type { Store } from "../../store/types.js";
import type { Problems } from "./problems.js";
import type { Scan } from "./scan.js";

export interface CheckedCheckpoint {
  readonly rowSize: bigint;
  /** Size and root of the signed note; null when the note does not open. */
  readonly size: bigint | null;
  readonly root: Uint8Array | null;
}

export async function openCheckpoints(store: Store, vault: string, logKey: NoteVerifier, problems: Problems): Promise<CheckedCheckpoint[]> {
  const out: CheckedCheckpoint[] = [];
  for (const row of await store.checkpoints(vault)) {
    const where = { size: row.size };
    try {
      const cp = openCheckpoint(row.note, logKey);
      if (cp.size !== row.size) {
        problems.add("checkpoint", `checkpoint stored at size ${row.size}: its signed note says size ${cp.size}`, where);
      }
      if (!bytesEqual(cp.root, row.root)) {
        problems.add("checkpoint", `checkpoint at size ${row.size}: the stored root column differs from the signed note's root`, where);
      }
      out.push({ rowSize: row.size, size: cp.size, root: cp.root });
    } catch (e) {
      if (!(e instanceof SealTrailError)) throw e;
      if (e.code === "bad_signature" || e.code === "unknown_key") {
        problems.add("checkpoint_signature", `checkpoint at size ${row.size}: not signed by the vault's log key ${logKey.name} (forged or altered note: ${e.message})`, where);
      } else {
        problems.add("checkpoint", `checkpoint at size ${row.size}: ${e.message}`, where);
      }
      out.push({ rowSize: row.size, size: null, root: null });
    }
  }
  return out;
}

export function checkCheckpointRoots(signed: readonly { size: bigint; root: Uint8Array }[], scan: Scan, problems: Problems): void {
  const n = BigInt(scan.rows.length);
  for (const cp of signed) {
    const where = { size: cp.size };
    if (cp.size > n) {
      problems.add("checkpoint", `checkpoint at size ${cp.size} covers more entries than the store holds (${n})`, where);
      continue;
    }
    const root = scan.roots.get(cp.size);
    if (root === undefined) throw new SealTrailError("internal", `audit: no root recomputed at size ${cp.size}`);
    if (!bytesEqual(root, cp.root)) problems.add("checkpoint", `checkpoint at size ${cp.size} does not match the stored entries`, where);
  }
}
