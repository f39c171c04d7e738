/**
 * Evidence bundle export (docs/formats.md §14): the records chosen by index
 * or by a query, every key record of the vault up to the checkpoint they are
 * proven in, every membership record, the redaction records that name a
 * chosen record, one multi-leaf inclusion proof, the checkpoints that anchors
 * tie to the records' times, the consistency proofs between those
 * checkpoints, and the anchors. Reads the store only (LogReader).
 */
import {
  BUNDLE_FORMAT,
  FILE_ERASURE_RECORD_TYPE,
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  REDACTION_RECORD_TYPE,
  SealTrailError,
  consistencyPlan,
  fromUtf8,
  multiLeafProofPlan,
  nodeHashFromTile,
  sha256,
  tileForNode,
  toBase64,
  toHex,
  utf8,
  type EvidenceBundle,
  type NodeId,
} from "@sealtrail/core";
import { CUSTODY_EVENT_TYPE, identifierKey } from "../custody/prepare.js";
import { fileEvidence, type FileEvidence } from "./file-evidence.js";
import { tileKey, type CheckpointRow, type EntryQuery, type EntryRow, type LogReader, type VaultRow } from "../store/types.js";

/** Which records to export: explicit indices, or a filter (as the records route takes). */
export type BundleSelection =
  | { readonly indices: readonly bigint[] }
  | { readonly query: { readonly type?: string; readonly author?: string; readonly subject?: string } }
  /** Every custody event of an identifier (EPC URN or GS1 Digital Link), for an offline chain of custody. */
  | { readonly custody: string };

/** An anchor as stored (LogReader.anchors, when the store has it). */
interface AnchorRowLike {
  readonly checkpointSize: bigint;
  readonly type: string;
  readonly record: string;
}

/** The narrow optional part of the store that holds anchors. */
interface AnchorReader {
  anchors(vault: string): Promise<readonly AnchorRowLike[]>;
}

/** What the exporter reads. */
export type BundleSource = LogReader & { vault(name: string): Promise<VaultRow | null> } & Partial<AnchorReader>;

/** The bundle and a few counts about it. */
export interface ExportResult {
  readonly bundle: EvidenceBundle;
  /** Records chosen by the selection. */
  readonly selected: number;
  /** Key, membership and redaction records added so that the chosen ones can be checked. */
  readonly supporting: number;
  /** Anchors stored for a bundled checkpoint size whose hash is not the stored note's (not bundled). */
  readonly skippedAnchors: number;
  /** With `withFiles`: the files to carry beside the bundle (attached by its records, not erased). */
  readonly files?: FileEvidence["files"];
}

const PAGE = 10_000;
const HASH = 32;

/** Parse `type=...,author=...,subject=...` (the CLI's --query). */
export function parseBundleQuery(text: string): { type?: string; author?: string; subject?: string } {
  const out: { type?: string; author?: string; subject?: string } = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (eq <= 0 || v === "" || (k !== "type" && k !== "author" && k !== "subject")) {
      throw new SealTrailError("invalid", `--query: "${part}" is not type=..., author=... or subject=...`);
    }
    if (out[k] !== undefined) throw new SealTrailError("invalid", `--query: ${k} given twice`);
    out[k] = v;
  }
  return out;
}

/** Parse `3,7,10-20` (the CLI's --records) into indices. */
export function parseIndexList(text: string): bigint[] {
  const out: bigint[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*(\d{1,15})\s*(?:-\s*(\d{1,15})\s*)?$/.exec(part);
    if (m === null) throw new SealTrailError("invalid", `--records: "${part}" is not an index or a range a-b`);
    const a = BigInt(m[1]!);
    const b = m[2] === undefined ? a : BigInt(m[2]);
    if (b < a) throw new SealTrailError("invalid", `--records: range ${part} goes backwards`);
    if (b - a > 10_000_000n) throw new SealTrailError("invalid", `--records: range ${part} is too long`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

async function all(reader: LogReader, vault: string, q: Omit<EntryQuery, "limit" | "after">, below: bigint): Promise<EntryRow[]> {
  const out: EntryRow[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await reader.findEntries(vault, { ...q, limit: PAGE, ...(after !== undefined ? { after } : {}) });
    for (const r of page) if (r.index < below) out.push(r);
    if (page.length < PAGE || page[page.length - 1]!.index >= below) return out;
    after = page[page.length - 1]!.index;
  }
}

// Rows of sorted unique indices, read as contiguous runs.
async function rowsAt(reader: LogReader, vault: string, indices: readonly bigint[]): Promise<EntryRow[]> {
  const out: EntryRow[] = [];
  let i = 0;
  while (i < indices.length) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1]! + 1n && j - i < PAGE) j++;
    out.push(...(await reader.entries(vault, indices[i]!, indices[j - 1]! + 1n)));
    i = j;
  }
  return out;
}

// Perfect-subtree hashes from the stored tiles (C2SP tlog-tiles), each tile read once.
async function readNodes(reader: LogReader, vault: string, ids: readonly NodeId[], size: bigint): Promise<Uint8Array[]> {
  const tiles = ids.map((id) => tileForNode(id, size));
  const wanted = new Map<string, { level: number; index: bigint }>();
  for (const t of tiles) wanted.set(tileKey(t.level, t.index), { level: t.level, index: t.index });
  const got = await reader.readTiles(vault, [...wanted.values()]);
  return ids.map((id, i) => {
    const t = tiles[i]!;
    const hashes = got.get(tileKey(t.level, t.index));
    if (hashes === undefined) throw new SealTrailError("internal", `tile ${t.level}/${t.index} is missing from the store`);
    return nodeHashFromTile(hashes.subarray(0, t.width * HASH), id);
  });
}

function bundled(row: EntryRow): { index: number; entry: string; payload?: string; salt?: string } {
  const r = { index: Number(row.index), entry: toBase64(row.entry) };
  if (row.payload === null || row.salt === null) return r;
  return { ...r, payload: row.payload, salt: toBase64(row.salt) };
}

/**
 * Export an evidence bundle of `vault`, proven in its latest published
 * checkpoint (publish first so that it covers what you want). Raises
 * `not_found` for an unknown vault, an index not covered by that checkpoint,
 * or a selection that matches nothing.
 *
 * @example
 * ```ts
 * await ctx.ledger.publish("default");
 * const { bundle } = await exportBundle(ctx.store, "default", { query: { type: "sms.incident" } });
 * writeFileSync("incidents.bundle.json", JSON.stringify(bundle));
 * ```
 */
export async function exportBundle(source: BundleSource, vault: string, selection: BundleSelection, opts: { withFiles?: boolean } = {}): Promise<ExportResult> {
  const v = await source.vault(vault);
  if (v === null) throw new SealTrailError("not_found", `no vault ${vault}`);
  const head = await source.latestCheckpoint(vault);
  if (head === null) throw new SealTrailError("not_found", `vault ${vault} has no published checkpoint yet`);
  const size = head.size;
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new SealTrailError("invalid", "tree size beyond 2^53-1");

  // The chosen records.
  let chosen: EntryRow[];
  if ("indices" in selection) {
    const ix = [...new Set(selection.indices)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const beyond = ix.find((i) => i >= size);
    if (beyond !== undefined) throw new SealTrailError("not_found", `entry ${beyond} is not covered by the latest checkpoint (size ${size})`);
    chosen = await rowsAt(source, vault, ix);
    if (chosen.length !== ix.length) throw new SealTrailError("internal", `the store returned ${chosen.length} of the ${ix.length} entries asked for`);
  } else if ("custody" in selection) {
    chosen = await all(source, vault, { type: CUSTODY_EVENT_TYPE, subject: identifierKey(selection.custody) }, size);
  } else {
    const q = selection.query;
    const type = q.type === undefined ? {} : q.type.endsWith(".*") ? { typePrefix: q.type.slice(0, -1) } : q.type === "*" ? {} : { type: q.type };
    chosen = await all(source, vault, { ...type, ...(q.author !== undefined ? { author: q.author } : {}), ...(q.subject !== undefined ? { subject: q.subject } : {}) }, size);
  }
  if (chosen.length === 0) throw new SealTrailError("not_found", "the selection matches no record covered by the latest checkpoint");
  const chosenSet = new Set(chosen.map((r) => r.index));

  // What a verifier needs beside them: the key history, the memberships, and
  // the redactions of chosen records.
  const keys = await all(source, vault, { type: KEY_RECORD_TYPE }, size);
  const members = await all(source, vault, { type: MEMBER_RECORD_TYPE }, size);
  const redactions = (await all(source, vault, { type: REDACTION_RECORD_TYPE }, size)).filter((r) => {
    const env = (JSON.parse(fromUtf8(r.entry)) as { env: { redacts?: { index?: number } } }).env;
    return env.redacts?.index !== undefined && chosenSet.has(BigInt(env.redacts.index));
  });
  // With files: the erasure records of the files the chosen records attach (docs/formats.md §14, "Bundles with files").
  const files = opts.withFiles === true ? await fileEvidence(chosen, () => all(source, vault, { type: FILE_ERASURE_RECORD_TYPE }, size)) : undefined;
  const byIndex = new Map<bigint, EntryRow>();
  for (const r of [...chosen, ...members, ...redactions, ...(files?.erasures ?? [])]) if (r.type !== KEY_RECORD_TYPE) byIndex.set(r.index, r);
  const keyRows = new Map<bigint, EntryRow>(keys.map((k) => [k.index, k]));
  const records = [...byIndex.values()].sort((a, b) => (a.index < b.index ? -1 : 1));
  const keyList = [...keyRows.values()].sort((a, b) => (a.index < b.index ? -1 : 1));

  // The manifest and its one multi-leaf proof.
  const allRows = [...records, ...keyList].sort((a, b) => (a.index < b.index ? -1 : 1));
  const indices = allRows.map((r) => Number(r.index));
  const leafHashes = new Uint8Array(indices.length * HASH);
  allRows.forEach((r, i) => leafHashes.set(r.leafHash, i * HASH));
  const plan = multiLeafProofPlan(indices, Number(size));
  const proofHashes = plan.assemble(await readNodes(source, vault, plan.nodes, size));
  const proof = new Uint8Array(proofHashes.length * HASH);
  proofHashes.forEach((h, i) => proof.set(h, i * HASH));

  // Anchored checkpoints that bound the records' times: for each record the
  // first anchored checkpoint that holds it (signed no later than) and the
  // last one that does not (backdating).
  const anchorRows = source.anchors === undefined ? [] : (await source.anchors(vault)).filter((a) => a.checkpointSize <= size);
  const anchoredSizes = [...new Set(anchorRows.map((a) => a.checkpointSize))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const wantSizes = new Set<bigint>([size]);
  if (anchoredSizes.length > 0) {
    let p = 0;
    for (const ix of indices.map(BigInt)) {
      while (p < anchoredSizes.length && anchoredSizes[p]! <= ix) p++;
      if (p < anchoredSizes.length) wantSizes.add(anchoredSizes[p]!);
      if (p > 0) wantSizes.add(anchoredSizes[p - 1]!);
    }
  }
  const sizes = [...wantSizes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const notes: CheckpointRow[] = [];
  for (const s of sizes) {
    const cp = s === size ? head : await source.checkpointAt(vault, s);
    if (cp !== null) notes.push(cp);
  }
  const noteHash = new Map(notes.map((n) => [n.size, toHex(sha256(utf8(n.note)))]));
  const anchors: Record<string, unknown>[] = [];
  let skippedAnchors = 0;
  for (const a of anchorRows) {
    if (!noteHash.has(a.checkpointSize)) continue;
    const rec = JSON.parse(a.record) as Record<string, unknown>;
    // An anchor commits to the exact note bytes (formats §12): one over
    // another copy of this checkpoint cannot be checked against the stored note.
    if (rec.checkpointHash !== noteHash.get(a.checkpointSize)) {
      skippedAnchors++;
      continue;
    }
    anchors.push(rec);
  }
  const consistency = [];
  for (let i = 0; i + 1 < notes.length; i++) {
    const from = notes[i]!.size;
    const to = notes[i + 1]!.size;
    const cplan = consistencyPlan(from, to);
    const hashes = cplan.assemble(await readNodes(source, vault, cplan.nodes, to));
    consistency.push({ from: Number(from), to: Number(to), proof: hashes.map(toBase64) });
  }

  const selectionText =
    "indices" in selection
      ? `records ${chosen.length}`
      : "custody" in selection
        ? `custody=${selection.custody}`
        : Object.entries(selection.query)
            .map(([k, x]) => `${k}=${x}`)
            .join(",");
  const bundle: EvidenceBundle = {
    format: BUNDLE_FORMAT,
    vault,
    origin: v.origin,
    createdAt: new Date().toISOString(),
    selection: selectionText,
    checkpoints: notes.map((n) => n.note),
    consistency,
    anchors,
    manifest: { indices, leafHashes: toBase64(leafHashes) },
    inclusion: { size: Number(size), proof: toBase64(proof) },
    keys: keyList.map(bundled),
    records: records.map(bundled),
    ...("custody" in selection ? { custody: { identifier: selection.custody } } : {}),
    ...(files === undefined ? {} : { erased: files.erased }),
  };
  return { bundle, selected: chosen.length, supporting: allRows.length - chosenSet.size, skippedAnchors, ...(files === undefined ? {} : { files: files.files }) };
}
