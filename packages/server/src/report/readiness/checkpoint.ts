/**
 * The checkpoint a readiness report is computed at: the log-signed
 * checkpoint of the tree size the figures reflect (or, when none is
 * published at that size yet, the latest one and a note saying so), its
 * cosignatures (C2SP tlog-cosignature) and the anchors stored for it
 * (docs/formats.md §16).
 */
import { parseCheckpoint, parseCosignature, parseJson, parseNote, toHex } from "@sealtrail/core";
import type { LogReader } from "../../store/types.js";

/** A witness's cosignature on the checkpoint, as the note carries it (not verified here: `sealtrail verify` does). */
export interface CosignatureView {
  readonly name: string;
  readonly keyId: string;
  /** The time the witness signed, ISO 8601. */
  readonly time: string;
}

/** An anchor (an external proof of time) stored for a checkpoint. */
export interface AnchorView {
  readonly type: string;
  readonly checkpointSize: number;
  readonly createdAt: string;
  /** A short reading of the anchor record: its identifying fields. */
  readonly detail: string;
}

/** The checkpoint the report names. */
export interface CheckpointView {
  readonly origin: string;
  readonly size: number;
  /** Root hash, hex. */
  readonly rootHash: string;
  readonly publishedAt: string;
  /** The key names that signed the note as the log (not witnesses). */
  readonly logSigners: readonly string[];
  readonly cosignatures: readonly CosignatureView[];
  /** Anchors of this checkpoint. */
  readonly anchors: readonly AnchorView[];
  /** The latest anchor of an earlier checkpoint, when this one has none yet. */
  readonly earlierAnchor: AnchorView | null;
  /** True when the checkpoint's size is the tree size the figures were computed at. */
  readonly coversFigures: boolean;
}

// A cosignature line holds an 8-byte timestamp before its 64-byte Ed25519
// signature (C2SP tlog-cosignature, "Format"); the log's own line does not.
const COSIGNATURE_BYTES = 72;

// The fields of an anchor record that identify it (formats.md §12 for
// rfc3161, §16 for evm), read as text; anything else stays in the record.
const ANCHOR_FIELDS = ["genTime", "tsa", "serial", "chainId", "blockNumber", "txHash", "transactionHash", "blockHash"];

function anchorView(a: { type: string; checkpointSize: bigint; createdAt: string; record: string }): AnchorView {
  let detail = "";
  try {
    const rec = parseJson(a.record) as Record<string, unknown>;
    detail = ANCHOR_FIELDS.filter((k) => typeof rec[k] === "string" || typeof rec[k] === "number")
      .map((k) => `${k} ${String(rec[k])}`)
      .join(", ");
  } catch {
    // An unreadable record is still an anchor row: the report names it by type and time.
  }
  return { type: a.type, checkpointSize: Number(a.checkpointSize), createdAt: a.createdAt, detail };
}

/**
 * The checkpoint at `size` (the figures' tree size), or the latest one when
 * none was published at that size; null when the vault has none.
 *
 * @example
 * ```ts
 * const cp = await checkpointView(ctx.ledger.reader, "demo", 389n);
 * ```
 */
export async function checkpointView(reader: LogReader, vault: string, size: bigint): Promise<CheckpointView | null> {
  const row = (await reader.checkpointAt(vault, size)) ?? (await reader.latestCheckpoint(vault));
  if (row === null) return null;
  const note = parseNote(row.note);
  const cp = parseCheckpoint(note.text);
  const logSigners: string[] = [];
  const cosignatures: CosignatureView[] = [];
  for (const sig of note.signatures) {
    if (sig.signature.length === COSIGNATURE_BYTES && sig.name !== cp.origin) {
      const c = parseCosignature(sig);
      cosignatures.push({ name: c.name, keyId: toHex(c.keyId), time: new Date(Number(c.time) * 1000).toISOString() });
    } else logSigners.push(sig.name);
  }
  const all = await reader.anchors(vault);
  const anchors = all.filter((a) => a.checkpointSize === row.size).map(anchorView);
  const earlier = all.filter((a) => a.checkpointSize < row.size).sort((a, b) => (a.checkpointSize < b.checkpointSize ? 1 : a.checkpointSize > b.checkpointSize ? -1 : 0));
  return {
    origin: cp.origin,
    size: Number(row.size),
    rootHash: toHex(row.root),
    publishedAt: row.publishedAt,
    logSigners,
    cosignatures,
    anchors,
    earlierAnchor: anchors.length === 0 && earlier[0] !== undefined ? anchorView(earlier[0]) : null,
    coversFigures: row.size === size,
  };
}
