/**
 * Audit of a vault: re-read every stored entry, recompute its leaf hash, the
 * Merkle tree, every tile and the root at every checkpoint size, replay the
 * key registry from the log itself, check every signature and payload
 * commitment, and name each discrepancy. Like a Kysely migration run, it
 * returns a per-item report instead of throwing on the first problem.
 *
 * The signed checkpoints anchor the trust. The stored level-0 tiles hold the
 * leaf hash that was integrated at each index (C2SP tlog-tiles); where the
 * root recomputed from them (RFC 6962 §2.1) equals every checkpoint's root,
 * they are the reference that tells a changed entry from a missing, inserted
 * or reordered one.
 *
 * Linear time; memory is two 32-byte hashes per entry (the reference and the
 * recomputed leaf hashes), never the entry bytes, plus two hash indexes that
 * are only built when an entry does not match the reference.
 */
import {
  HASH_SIZE,
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  REDACTION_RECORD_TYPE,
  SealTrailError,
  TILE_HEIGHT,
  TILE_WIDTH,
  bytesEqual,
  ed25519PublicKey,
  edgeTiles,
  emptyRoot,
  envelopeSigningMessage,
  formatVerifierKey,
  fromBase64,
  hashChildren,
  hashLeaf,
  integrate,
  keyChangePublicKey,
  openCheckpoint,
  parseEntry,
  parseJson,
  payloadCommitment,
  randomBytes,
  toHex,
  verifierFromKey,
  type NoteVerifier,
  type Envelope,
  type SignedEnvelope,
  type TileContent,
  type TileId,
} from "@sealtrail/core";
import { tileKey, type EntryRow, type Store } from "../store/types.js";
import { createVerifierPool, type VerifierPool, type VerifyTask } from "./verifier-pool.js";
import { SETTING_OPERATOR } from "./bootstrap.js";

/**
 * What an audit problem is about. Entries, against the tree: `missing`,
 * `inserted`, `reordered`, `changed`. Per entry: `leaf_hash` (stored column
 * is not the hash of the bytes), `malformed`, `entry_column` (type, author,
 * key or time column differs from the envelope), `bad_signature`,
 * `unknown_key`, `revoked_key`, `key_change` (a key record the registry rules
 * refuse), `payload_changed`, `payload_missing` (and no redaction record names
 * the entry), `redaction_invalid` (a redaction record the rules refuse:
 * unknown target or leaf hash, a log record, an author who may not, a second
 * redaction), `redaction_not_applied` (the target's payload is still
 * stored). Stored state: `key_registry`
 * (keys table vs the registry replayed from the log), `tree`, `tile`,
 * `checkpoint`, `checkpoint_signature`.
 */
export type AuditProblemKind =
  | "missing"
  | "inserted"
  | "reordered"
  | "changed"
  | "leaf_hash"
  | "malformed"
  | "entry_column"
  | "bad_signature"
  | "unknown_key"
  | "revoked_key"
  | "key_change"
  | "payload_changed"
  | "payload_missing"
  | "redaction_invalid"
  | "redaction_not_applied"
  | "key_registry"
  | "tree"
  | "tile"
  | "checkpoint"
  | "checkpoint_signature";

/** Every problem kind, in the order a report lists them. */
export const AUDIT_PROBLEM_KINDS: readonly AuditProblemKind[] = [
  "missing",
  "inserted",
  "reordered",
  "changed",
  "leaf_hash",
  "malformed",
  "entry_column",
  "bad_signature",
  "unknown_key",
  "revoked_key",
  "key_change",
  "payload_changed",
  "payload_missing",
  "redaction_invalid",
  "redaction_not_applied",
  "key_registry",
  "tree",
  "tile",
  "checkpoint",
  "checkpoint_signature",
];

/** One discrepancy: `index` is the entry (or first leaf) concerned, `size` the checkpoint's. */
export interface AuditProblem {
  kind: AuditProblemKind;
  message: string;
  index?: bigint;
  size?: bigint;
}

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

/** What {@link auditVault} found. */
export interface AuditReport {
  vault: string;
  /** Stored entries read. */
  entries: number;
  /** Stored checkpoints checked. */
  checkpoints: number;
  problems: AuditProblem[];
  /** Records redacted as formats.md §5b allows, in index order. */
  redacted: AuditRedaction[];
}

/** Options of {@link auditVault}. */
export interface AuditOptions {
  /** Called after each page of entries. */
  onProgress?: (done: number, total: number) => void;
  /** Verifier key the checkpoints must verify with (default: the vault's own log key). */
  vkey?: string;
  /** Signature verification pool (default: one created and closed by the audit). */
  verifier?: VerifierPool;
  /** Entries read per page (default 10 000). */
  pageSize?: number;
}

// Problems listed per kind; the rest are counted in one closing line.
const MAX_LISTED = 100;
const DEFAULT_PAGE = 10_000;
const TILE_BATCH = 512;
// Largest signed 64-bit index: the end of every index range read.
const MAX_INDEX = (1n << 63n) - 1n;
const TILE_BYTES = TILE_WIDTH * HASH_SIZE;

/**
 * Audit a vault as stored and name each discrepancy.
 *
 * @example
 * ```ts
 * const report = await auditVault(store, "default", { onProgress: (d, t) => console.log(d, t) });
 * for (const p of report.problems) console.log(`${p.kind}: ${p.message}`);
 * ```
 */
export async function auditVault(store: Store, vault: string, opts: AuditOptions = {}): Promise<AuditReport> {
  const v = await store.vault(vault);
  if (v === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
  const logKey = verifierFromKey(opts.vkey ?? formatVerifierKey(v.origin, ed25519PublicKey(v.logSeed)));
  const pageSize = BigInt(opts.pageSize ?? DEFAULT_PAGE);
  const problems = new Problems();
  const tree = await store.tree(vault);

  const cps = await openCheckpoints(store, vault, logKey, problems);
  const signed = cps.filter((c): c is CheckedCheckpoint & { size: bigint; root: Uint8Array } => c.size !== null);
  const coverEnd = signed.reduce((m, c) => (c.size > m ? c.size : m), tree.size);

  const ref = await readReference(store, vault);
  const trusted = trustedPrefix(ref, signed, problems);

  const redactions = new RedactionScan(await store.getSetting(SETTING_OPERATOR), problems);
  const verifier = opts.verifier ?? createVerifierPool();
  try {
    const scan = await scanEntries(store, vault, {
      redactions,
      pageSize,
      end: coverEnd,
      captures: [...signed.map((c) => c.size), tree.size],
      ref,
      verifier,
      problems,
      ...(opts.onProgress !== undefined ? { onProgress: opts.onProgress } : {}),
    });
    const lastCheckpoint = signed.reduce((m, c) => (c.size > m ? c.size : m), 0n);
    const fullyTrusted = trusted >= Number(coverEnd);
    classifyEntries(ref.leaves, trusted, fullyTrusted, scan, Number(lastCheckpoint), problems);
    if (scan.lastIndex + 1n < coverEnd && !fullyTrusted) {
      problems.add("missing", `the store holds ${scan.rows.length} entries (last index ${scan.lastIndex}), but the tree and checkpoints cover ${coverEnd}`, {
        index: scan.lastIndex + 1n,
      });
    }
    for (const g of scan.gaps) {
      if (g.first >= trusted) {
        problems.add("missing", `no entry is stored at ${range(g.first, g.last)}: a gap in the indices`, { index: BigInt(g.first) });
      }
    }
    checkTreeState(tree, scan, problems);
    await checkTiles(store, vault, tree.size, scan, ref, problems);
    checkCheckpointRoots(signed, scan, problems);
    await checkKeyTable(store, vault, scan.registry, problems);
    const redacted = await redactions.finish(store, vault);
    return { vault, entries: scan.rows.length, checkpoints: cps.length, problems: problems.report(), redacted };
  } finally {
    if (opts.verifier === undefined) await verifier.close();
  }
}

// ---------------------------------------------------------------------------
// Problems

class Problems {
  readonly #list: AuditProblem[] = [];
  readonly #counts = new Map<AuditProblemKind, number>();

  /** Add a problem; returns it (to amend its message) unless over the listing cap. */
  add(kind: AuditProblemKind, message: string, where: { index?: bigint; size?: bigint } = {}): AuditProblem | null {
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    if (n > MAX_LISTED) return null;
    const p: AuditProblem = { kind, message, ...where };
    this.#list.push(p);
    return p;
  }

  report(): AuditProblem[] {
    const rank = (k: AuditProblemKind) => AUDIT_PROBLEM_KINDS.indexOf(k);
    const out = this.#list.map((p, i) => ({ p, i }));
    out.sort((a, b) => rank(a.p.kind) - rank(b.p.kind) || a.i - b.i);
    const list = out.map((x) => x.p);
    for (const kind of AUDIT_PROBLEM_KINDS) {
      const n = this.#counts.get(kind) ?? 0;
      if (n > MAX_LISTED) {
        let at = 0;
        list.forEach((p, i) => {
          if (p.kind === kind) at = i + 1;
        });
        list.splice(at, 0, { kind, message: `${n - MAX_LISTED} more ${kind} problems not listed` });
      }
    }
    return list;
  }
}

const range = (first: number, last: number): string => (first === last ? `index ${first}` : `indices ${first}..${last}`);
const short = (h: Uint8Array): string => toHex(h).slice(0, 16);

// ---------------------------------------------------------------------------
// Hash storage

/** A growable list of 32-byte hashes in one buffer. */
class HashList {
  #buf: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.#buf = new Uint8Array(Math.max(16, capacity) * HASH_SIZE);
  }

  push(h: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.#buf.length) {
      const next = new Uint8Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf.set(h, this.length * HASH_SIZE);
    this.length++;
  }

  /** Hashes [i, j) as one view. */
  range(i: number, j: number): Uint8Array {
    return this.#buf.subarray(i * HASH_SIZE, j * HASH_SIZE);
  }

  at(i: number): Uint8Array {
    return this.#buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }

  equals(i: number, h: Uint8Array, offset = 0): boolean {
    const o = i * HASH_SIZE;
    for (let k = 0; k < HASH_SIZE; k++) if (this.#buf[o + k] !== h[offset + k]) return false;
    return true;
  }
}

/**
 * Open-addressing index from hash to positions of a {@link HashList}.
 * `find` returns the first position not yet marked in `used`, so duplicate
 * leaves are matched in order.
 */
class HashIndex {
  readonly #slots: Int32Array;
  readonly #mask: number;
  // Random per audit, so that stored hashes cannot be ground to collide in the table.
  readonly #seed = new DataView(randomBytes(4).buffer).getUint32(0);

  constructor(
    private readonly list: HashList,
    n: number,
  ) {
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    this.#slots = new Int32Array(cap);
    this.#mask = cap - 1;
    for (let i = 0; i < n; i++) {
      let s = this.#slot(list.at(i));
      while (this.#slots[s] !== 0) s = (s + 1) & this.#mask;
      this.#slots[s] = i + 1;
    }
  }

  #slot(h: Uint8Array): number {
    const a = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) ^ this.#seed;
    const b = h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24);
    return (Math.imul(a, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35)) & this.#mask;
  }

  find(h: Uint8Array, used: Uint8Array): number {
    for (let s = this.#slot(h); ; s = (s + 1) & this.#mask) {
      const v = this.#slots[s]!;
      if (v === 0) return -1;
      if (used[v - 1] === 0 && this.list.equals(v - 1, h)) return v - 1;
    }
  }
}

/** RFC 6962 §2.1 root of a growing list of leaves, O(log n) memory: the perfect subtrees of the right edge. */
class Frontier {
  readonly #hashes: Uint8Array[] = [];
  readonly #levels: number[] = [];

  push(leaf: Uint8Array): void {
    let h = leaf;
    let level = 0;
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      h = hashChildren(this.#hashes.pop()!, h);
      this.#levels.pop();
      level++;
    }
    this.#hashes.push(h);
    this.#levels.push(level);
  }

  root(): Uint8Array {
    if (this.#hashes.length === 0) return emptyRoot();
    let r = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) r = hashChildren(this.#hashes[i]!, r);
    return r;
  }
}

// ---------------------------------------------------------------------------
// Checkpoints: signatures first (their sizes drive everything else)

interface CheckedCheckpoint {
  readonly rowSize: bigint;
  /** Size and root of the signed note; null when the note does not open. */
  readonly size: bigint | null;
  readonly root: Uint8Array | null;
}

async function openCheckpoints(store: Store, vault: string, logKey: NoteVerifier, problems: Problems): Promise<CheckedCheckpoint[]> {
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

// ---------------------------------------------------------------------------
// The reference: leaf hashes of the stored level-0 tiles

interface Reference {
  /** The contiguous leaf hashes the stored level-0 tiles hold, from index 0. */
  readonly leaves: HashList;
  /** Stored level-0 tile `t` as read (null: absent), or undefined if not read. */
  tile(t: number): Uint8Array | null | undefined;
}

async function readReference(store: Store, vault: string): Promise<Reference> {
  // Read on while every tile is present and full: the tiles may hold more
  // leaves than a tampered tree state admits. Tiles after a missing or
  // partial one are read when compared (see compareTiles).
  const leaves = new HashList(1024);
  let inLeaves = 0;
  const rest = new Map<number, Uint8Array | null>();
  let read = 0;
  for (let contiguous = true; contiguous; ) {
    const ids = [];
    for (let t = read; t < read + TILE_BATCH; t++) ids.push({ level: 0, index: BigInt(t) });
    const got = await store.readTiles(vault, ids);
    for (const id of ids) {
      const data = got.get(tileKey(0, id.index)) ?? null;
      const usable = data !== null && data.length > 0 && data.length % HASH_SIZE === 0 && data.length <= TILE_BYTES;
      if (!contiguous || !usable) {
        contiguous = false;
        rest.set(Number(id.index), data);
        continue;
      }
      for (let j = 0; j < data.length / HASH_SIZE; j++) leaves.push(data.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE));
      inLeaves++;
      if (data.length < TILE_BYTES) contiguous = false;
    }
    read += TILE_BATCH;
  }
  return {
    leaves,
    tile(t) {
      if (t < inLeaves) return leaves.range(t * TILE_WIDTH, Math.min(leaves.length, (t + 1) * TILE_WIDTH));
      return t < read ? (rest.get(t) ?? null) : undefined;
    },
  };
}

/**
 * How many reference leaves the signed checkpoints vouch for: all of them
 * when the tile root at every checkpoint size is the checkpoint's root,
 * else the largest agreeing size below the first disagreement.
 */
function trustedPrefix(ref: Reference, signed: readonly { size: bigint; root: Uint8Array }[], problems: Problems): number {
  const sorted = [...signed].sort((a, b) => (a.size < b.size ? -1 : a.size > b.size ? 1 : 0));
  const frontier = new Frontier();
  let n = 0;
  let agreed = 0;
  for (const cp of sorted) {
    if (cp.size > BigInt(ref.leaves.length)) {
      // Tiles are missing or short: reported by the tile comparison.
      return agreed;
    }
    const size = Number(cp.size);
    while (n < size) frontier.push(ref.leaves.at(n++));
    if (!bytesEqual(frontier.root(), cp.root)) {
      problems.add("tile", `the leaf hashes of the stored level-0 tiles do not give the root of the checkpoint at size ${cp.size}`, { size: cp.size });
      return agreed;
    }
    agreed = size;
  }
  return ref.leaves.length;
}

// ---------------------------------------------------------------------------
// One pass over the entries

interface ReplayedKey {
  readonly org: string;
  readonly publicKey: Uint8Array;
  readonly registeredIndex: bigint;
  revokedIndex: bigint | null;
}

interface Scan {
  /** Recomputed leaf hashes of the stored rows, in index order. */
  readonly rows: HashList;
  /** Stored index of each row. */
  readonly indices: number[];
  readonly lastIndex: bigint;
  readonly gaps: { first: number; last: number }[];
  /** Root of the first `size` rows, at each capture size the rows reached. */
  readonly roots: Map<bigint, Uint8Array>;
  /** Tiles recomputed from the rows: the partial right-edge tile of each level. */
  readonly edge: Map<number, TileContent>;
  readonly registry: Map<string, ReplayedKey>;
}

interface ScanOptions {
  readonly pageSize: bigint;
  /** Where the tree and the checkpoints say the log ends. */
  readonly end: bigint;
  readonly captures: readonly bigint[];
  readonly ref: Reference;
  readonly verifier: VerifierPool;
  readonly problems: Problems;
  readonly redactions: RedactionScan;
  readonly onProgress?: (done: number, total: number) => void;
}

async function scanEntries(store: Store, vault: string, o: ScanOptions): Promise<Scan> {
  const { problems } = o;
  const total = safeNumber(o.end);
  const rows = new HashList(Math.min(total, 1 << 20));
  const indices: number[] = [];
  const gaps: { first: number; last: number }[] = [];
  const roots = new Map<bigint, Uint8Array>();
  const captures = [...new Set(o.captures)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let nextCapture = 0;
  const frontier = new Frontier();
  const edge = new Map<number, TileContent>();
  const registry = new Map<string, ReplayedKey>();
  let lastIndex = -1n;
  let verifying: Promise<void> = Promise.resolve();

  const capture = () => {
    while (nextCapture < captures.length && captures[nextCapture]! <= BigInt(rows.length)) {
      if (captures[nextCapture] === BigInt(rows.length)) roots.set(captures[nextCapture]!, frontier.root());
      nextCapture++;
    }
  };
  capture();

  // Rows at negative indices are outside every page below.
  for (const row of await store.entries(vault, -MAX_INDEX - 1n, 0n)) {
    problems.add("inserted", `entry at negative index ${row.index}: not part of any tree`, { index: row.index });
  }

  // Page by index range up to the largest index a database holds, so that
  // no stored row escapes. Over an empty range (past the end, deleted
  // entries, rows moved far away) the window doubles: some 50 reads cross
  // the whole int64 range. The price: rows stored after a gap at least half
  // a window wide come back in one larger read. (LogReader.entries has no
  // row limit; with one, windows could stay a page wide.)
  for (let from = 0n, window = o.pageSize; from < MAX_INDEX; ) {
    const to = from + window < MAX_INDEX ? from + window : MAX_INDEX;
    const page = await store.entries(vault, from, to);
    from = to;
    if (page.length === 0) {
      window *= 2n;
      continue;
    }
    window = o.pageSize;
    const leaves: Uint8Array[] = [];
    const tasks: VerifyTask[] = [];
    const taskInfo: { index: bigint; keyId: string; org: string }[] = [];
    for (const row of page) {
      if (row.index > lastIndex + 1n) gaps.push({ first: Number(lastIndex + 1n), last: Number(row.index - 1n) });
      lastIndex = row.index;
      const h = hashLeaf(row.entry);
      rows.push(h);
      indices.push(Number(row.index));
      leaves.push(h);
      frontier.push(h);
      capture();
      if (!bytesEqual(h, row.leafHash)) {
        problems.add("leaf_hash", `entry ${row.index}: the stored leaf_hash ${short(row.leafHash)}… is not the hash of the entry bytes (${short(h)}…)`, {
          index: row.index,
        });
      }
      const task = checkEntry(vault, row, registry, problems, o.redactions);
      if (task !== null) {
        tasks.push(task.task);
        taskInfo.push({ index: row.index, keyId: task.keyId, org: task.org });
      }
    }
    // Signatures of this page are verified on the pool while the next page
    // is read and parsed; at most one page is in flight.
    await verifying;
    verifying = o.verifier.verifyAll(tasks).then((ok) =>
      ok.forEach((good, i) => {
        if (good) return;
        const t = taskInfo[i]!;
        problems.add("bad_signature", `entry ${t.index}: the signature does not verify with key ${t.keyId} of ${t.org}`, { index: t.index });
      }),
    );
    // Handled when awaited above or after the loop; this only keeps a failure
    // meanwhile from counting as an unhandled rejection.
    verifying.catch(() => undefined);
    if (leaves.length > 0) {
      const size = BigInt(rows.length - leaves.length);
      const result = integrate(size, (id) => ownTile(edge, id), leaves);
      const full: TileContent[] = [];
      for (const t of result.tiles) {
        edge.set(t.id.level, t);
        if (t.id.width === TILE_WIDTH) full.push(t);
      }
      await compareTiles(store, vault, full, o.ref, problems);
    }
    o.onProgress?.(rows.length, Math.max(total, rows.length));
  }
  await verifying;
  return { rows, indices, lastIndex, gaps, roots, edge, registry };
}

const safeNumber = (end: bigint): number => (end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(end));

function ownTile(edge: ReadonlyMap<number, TileContent>, id: TileId): Uint8Array {
  const t = edge.get(id.level);
  if (t === undefined || t.id.index !== id.index || t.hashes.length !== id.width * HASH_SIZE) {
    throw new SealTrailError("internal", `audit: recomputed tile ${id.level}/${id.index} is not at hand`);
  }
  return t.hashes;
}

/**
 * Per-entry checks: parse, columns, key registry replay, payload. Returns
 * the signature to verify, if a key to verify it with is known.
 */
function checkEntry(
  vault: string,
  row: EntryRow,
  registry: Map<string, ReplayedKey>,
  problems: Problems,
  redactions: RedactionScan,
): { task: VerifyTask; keyId: string; org: string } | null {
  const where = { index: row.index };
  let signed: SignedEnvelope;
  try {
    signed = parseEntry(row.entry);
  } catch (e) {
    if (!(e instanceof SealTrailError)) throw e;
    problems.add("malformed", `entry ${row.index}: ${e.message}`, where);
    return null;
  }
  const env = signed.env;
  if (env.vault !== vault) problems.add("malformed", `entry ${row.index}: a record of vault "${env.vault}", not "${vault}"`, where);
  const columns: [string, string, string][] = [
    ["type", row.type, env.type],
    ["author", row.author, env.author],
    ["key_id", row.keyId, env.keyId],
    ["claimed_time", row.claimedTime, env.time],
  ];
  for (const [name, stored, actual] of columns) {
    if (stored !== actual) problems.add("entry_column", `entry ${row.index}: the ${name} column says "${stored}", the entry says "${actual}"`, where);
  }

  // Key registry, replayed in index order: a registration takes effect at
  // its own index and is signed by the key it registers; a revocation takes
  // effect from its index on (so it may be signed by the key it revokes).
  let signer: Uint8Array | null = null;
  const kc = env.type === KEY_RECORD_TYPE ? env.key : undefined;
  if (kc?.action === "register") {
    const publicKey = keyChangePublicKey(kc);
    if (env.keyId !== kc.keyId) {
      problems.add("key_change", `entry ${row.index}: registration of key ${kc.keyId} is signed by another key (${env.keyId})`, where);
      signer = registry.get(env.keyId)?.publicKey ?? null;
    } else signer = publicKey;
    const earlier = registry.get(kc.keyId);
    if (earlier !== undefined) {
      problems.add("key_change", `entry ${row.index}: key ${kc.keyId} is registered again (first at index ${earlier.registeredIndex})`, where);
    } else {
      registry.set(kc.keyId, { org: env.author, publicKey, registeredIndex: row.index, revokedIndex: null });
    }
  } else {
    const k = registry.get(env.keyId);
    if (k === undefined) {
      problems.add("unknown_key", `entry ${row.index}: signed by key ${env.keyId}, which no earlier entry registers`, where);
    } else {
      signer = k.publicKey;
      if (k.org !== env.author) {
        problems.add("unknown_key", `entry ${row.index}: signed by key ${env.keyId} of ${k.org}, but its author is ${env.author}`, where);
      } else if (k.revokedIndex !== null && k.revokedIndex < row.index) {
        problems.add("revoked_key", `entry ${row.index}: signed by key ${env.keyId}, revoked at index ${k.revokedIndex}`, where);
      }
    }
    if (kc?.action === "revoke") {
      const target = registry.get(kc.keyId);
      if (target === undefined || target.org !== env.author) {
        problems.add("key_change", `entry ${row.index}: revokes key ${kc.keyId}, which is not a registered key of ${env.author}`, where);
      } else if (target.revokedIndex !== null) {
        problems.add("key_change", `entry ${row.index}: revokes key ${kc.keyId} again (revoked at index ${target.revokedIndex})`, where);
      } else {
        target.revokedIndex = row.index;
      }
    }
  }

  // Memberships and redactions, replayed in index order (formats.md §5a, §5b).
  redactions.see(row, env);

  // Payload: the stored payload and salt must open the envelope's commitment,
  // unless a redaction erased both (decided once every entry is read).
  if (env.payload !== undefined) {
    if (row.payload === null || row.salt === null) {
      redactions.missing(row, env);
    } else {
      let commitment: string;
      try {
        commitment = payloadCommitment(parseJson(row.payload, "payload"), row.salt);
      } catch (e) {
        if (!(e instanceof SealTrailError)) throw e;
        commitment = "";
        problems.add("payload_changed", `entry ${row.index}: the stored payload or salt is unusable: ${e.message}`, where);
      }
      if (commitment !== "" && commitment !== env.payload) {
        problems.add("payload_changed", `entry ${row.index}: the stored payload and salt do not match the envelope's commitment`, where);
      }
    }
  } else if (row.payload !== null || row.salt !== null) {
    problems.add("payload_changed", `entry ${row.index}: a payload is stored, but the envelope commits to none`, where);
  }

  if (signer === null) return null;
  return {
    task: { publicKey: signer, message: envelopeSigningMessage(env), signature: fromBase64(signed.sig, "signature") },
    keyId: env.keyId,
    org: env.author,
  };
}

// ---------------------------------------------------------------------------
// Redactions (formats.md §5b)

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
class RedactionScan {
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

// ---------------------------------------------------------------------------
// Entries against the reference

/**
 * Align the stored rows with the reference leaves and name each difference.
 * A row that matches the next reference leaf is in place (possibly under a
 * shifted index, which is attributed to the event before it); otherwise the
 * two hash indexes tell whether the row's record and the reference's record
 * exist elsewhere: neither → changed; only the reference's → inserted; only
 * the row's → missing; both → reordered.
 */
function classifyEntries(
  ref: HashList,
  trusted: number,
  fullyTrusted: boolean,
  scan: Scan,
  lastCheckpoint: number,
  problems: Problems,
): void {
  const rows = scan.rows;
  const n = rows.length;
  const refUsed = new Uint8Array(trusted);
  const rowUsed = new Uint8Array(n);
  let refIndex: HashIndex | null = null;
  let rowIndex: HashIndex | null = null;
  const indexes = (): [HashIndex, HashIndex] => {
    refIndex ??= new HashIndex(ref, trusted);
    rowIndex ??= new HashIndex(rows, n);
    return [refIndex, rowIndex];
  };
  const isStored = (idx: number): boolean => {
    // Binary search over the ascending stored indices.
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = scan.indices[mid]!;
      if (v === idx) return true;
      if (v < idx) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  const uncovered = (i: number) => (i >= lastCheckpoint ? " (not yet covered by a signed checkpoint: the stored tile may be at fault instead)" : "");

  // The event since the last in-place match, to which an index shift is attributed.
  interface Event {
    problem: AuditProblem | null;
    kind: "missing" | "inserted" | "other";
    first: number;
    last: number;
    note: string;
  }
  let event: Event | null = null;
  const runs: { event: Event; from: number; delta: number; count: number }[] = [];
  let run: { event: Event; from: number; delta: number; count: number } | null = null;
  let offset = 0;
  let lastMatchedRow = -1;

  const finish = (e: Event | null) => {
    if (e === null || e.problem === null || e.kind === "other") return;
    const count = e.last - e.first + 1;
    if (e.kind === "missing") {
      e.problem.message =
        count === 1
          ? `entry ${e.first} of the tree is not in the store${e.note}`
          : `entries ${e.first}..${e.last} (${count}) of the tree are not in the store${e.note}`;
    } else {
      e.problem.message =
        count === 1
          ? `entry ${e.first} is not in the tree: its leaf hash is in no stored tile${e.note}`
          : `entries ${e.first}..${e.last} (${count}) are not in the tree: their leaf hashes are in no stored tile${e.note}`;
    }
  };
  const missing = (i: number, why: string) => {
    if (event?.kind === "missing" && event.last === i - 1 && event.problem !== null) {
      event.last = i;
      return;
    }
    finish(event);
    const note = why !== "" ? why : isStored(i) ? "" : " (a gap in the indices)";
    event = { problem: problems.add("missing", "", { index: BigInt(i) }), kind: "missing", first: i, last: i, note };
  };
  const inserted = (s: number, why: string) => {
    const idx = scan.indices[s]!;
    if (event?.kind === "inserted" && event.last === idx - 1 && event.problem !== null) {
      event.last = idx;
      return;
    }
    finish(event);
    event = { problem: problems.add("inserted", "", { index: BigInt(idx) }), kind: "inserted", first: idx, last: idx, note: why };
  };
  const other = (p: AuditProblem | null, idx: number) => {
    finish(event);
    event = { problem: p, kind: "other", first: idx, last: idx, note: "" };
  };
  const reordered = (s: number, p: number) => {
    const idx = scan.indices[s]!;
    other(problems.add("reordered", `entry ${idx} holds the record that the tree has at index ${p} (leaf ${short(ref.at(p))}…)`, { index: BigInt(idx) }), idx);
  };

  let i = 0;
  let s = 0;
  for (;;) {
    while (i < trusted && refUsed[i] === 1) i++;
    while (s < n && rowUsed[s] === 1) s++;
    if (i >= trusted && s >= n) break;
    if (i < trusted && s < n && rows.equals(s, ref.at(i))) {
      const idx = scan.indices[s]!;
      const d = idx - i;
      if (d !== offset) {
        let cause: Event | null = event;
        const gap = lastMatchedRow >= 0 ? idx - scan.indices[lastMatchedRow]! !== s - lastMatchedRow : idx !== s;
        if (cause === null && gap && d > offset) {
          const first = lastMatchedRow >= 0 ? scan.indices[lastMatchedRow]! + 1 : 0;
          cause = {
            problem: problems.add("missing", `no entry is stored at ${range(first, idx - 1)}: a gap in the indices, though no record of the tree is lost`, {
              index: BigInt(first),
            }),
            kind: "other",
            first,
            last: idx - 1,
            note: "",
          };
        }
        run = cause !== null && cause.problem !== null ? { event: cause, from: idx, delta: d - offset, count: 0 } : null;
        if (run !== null) runs.push(run);
        offset = d;
      }
      if (run !== null) run.count++;
      finish(event);
      event = null;
      refUsed[i] = 1;
      rowUsed[s] = 1;
      lastMatchedRow = s;
      i++;
      s++;
      continue;
    }
    if (s >= n) {
      missing(i, ` (the store holds ${n} entries, the tree covers ${trusted})`);
      refUsed[i] = 1;
      i++;
      continue;
    }
    if (i >= trusted) {
      // Rows past the reference: extra rows if the reference covers the whole tree.
      if (!fullyTrusted) break;
      const [byRef] = indexes();
      const p = byRef.find(rows.at(s), refUsed);
      if (p >= 0) {
        reordered(s, p);
        refUsed[p] = 1;
      } else inserted(s, ` (beyond the ${trusted} entries of the tree)`);
      rowUsed[s] = 1;
      s++;
      continue;
    }
    const [byRef, byRow] = indexes();
    const p = byRef.find(rows.at(s), refUsed);
    const q = byRow.find(ref.at(i), rowUsed);
    if (p < 0 && q < 0) {
      const idx = scan.indices[s]!;
      const at = idx === i ? "at that index" : `at index ${i}`;
      other(
        problems.add("changed", `entry ${idx} differs from the leaf the tree holds ${at} (stored ${short(rows.at(s))}…, tree ${short(ref.at(i))}…)${uncovered(i)}`, {
          index: BigInt(idx),
        }),
        idx,
      );
      refUsed[i] = 1;
      rowUsed[s] = 1;
    } else if (p < 0) {
      inserted(s, "");
      rowUsed[s] = 1;
    } else if (q < 0) {
      // Row s holds the record of p, but if that record also sits where p
      // belongs, row s is a copy over a lost record: changed, not missing.
      const aligned = s + (p - i);
      if (aligned < n && rowUsed[aligned] === 0 && rows.equals(aligned, ref.at(p))) {
        const idx = scan.indices[s]!;
        other(
          problems.add("changed", `entry ${idx} differs from the leaf the tree holds at ${idx === i ? "that index" : `index ${i}`}: it is a copy of the record at index ${p}`, {
            index: BigInt(idx),
          }),
          idx,
        );
        rowUsed[s] = 1;
      } else missing(i, "");
      refUsed[i] = 1;
    } else {
      reordered(s, p);
      reordered(q, i);
      rowUsed[s] = 1;
      refUsed[p] = 1;
      rowUsed[q] = 1;
      refUsed[i] = 1;
    }
  }
  finish(event);
  for (const r of runs) {
    const p = r.event.problem!;
    const how = r.delta < 0 ? `down by ${-r.delta}` : `up by ${r.delta}`;
    const what = r.count === 1 ? "entry at index" : `${r.count} entries from index`;
    p.message += `; the ${what} ${r.from}${r.count === 1 ? " was" : " on were"} renumbered (${how})`;
  }
}

// ---------------------------------------------------------------------------
// Tree state, tiles, checkpoint roots, keys table

function checkTreeState(tree: { size: bigint; root: Uint8Array }, scan: Scan, problems: Problems): void {
  const n = BigInt(scan.rows.length);
  if (tree.size !== n) {
    problems.add("tree", `the stored tree state has ${tree.size} leaves, but the store holds ${n} entries`, { size: tree.size });
  }
  const root = scan.roots.get(tree.size);
  if (root !== undefined && !bytesEqual(root, tree.root)) {
    problems.add("tree", `the stored tree root at size ${tree.size} is not the root recomputed from the entries`, { size: tree.size });
  }
}

const firstLeaf = (level: number, index: bigint, j: number): bigint => (index * BigInt(TILE_WIDTH) + BigInt(j)) << BigInt(TILE_HEIGHT * level);

function compareTile(id: { level: number; index: bigint }, ours: Uint8Array | null, stored: Uint8Array | null, problems: Problems): void {
  const what = `tile ${id.level}/${id.index}`;
  if (ours === null) {
    if (stored !== null) {
      problems.add("tile", `${what} is stored, but the entries do not reach it`, { index: firstLeaf(id.level, id.index, 0) });
    }
    return;
  }
  const w = ours.length / HASH_SIZE;
  if (stored === null) {
    problems.add("tile", `${what} is missing (the entries give ${w} hashes)`, { index: firstLeaf(id.level, id.index, 0) });
    return;
  }
  if (stored.length % HASH_SIZE !== 0 || stored.length > TILE_BYTES) {
    problems.add("tile", `${what} is ${stored.length} bytes, not a whole number of hashes (at most ${TILE_WIDTH})`, { index: firstLeaf(id.level, id.index, 0) });
    return;
  }
  const sw = stored.length / HASH_SIZE;
  const common = Math.min(w, sw);
  let j = 0;
  while (j < common && bytesEqual(ours.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE), stored.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE))) j++;
  const widths = sw !== w ? `holds ${sw} hashes, the entries give ${w}` : "";
  if (j < common) {
    const leaf = firstLeaf(id.level, id.index, j);
    const at = id.level === 0 ? `leaf ${leaf}` : `the subtree from leaf ${leaf}`;
    problems.add("tile", `${what} differs from the tile recomputed from the entries at hash ${j} (${at})${widths !== "" ? `, and ${widths}` : ""}`, { index: leaf });
  } else if (widths !== "") {
    problems.add("tile", `${what} ${widths}`, { index: firstLeaf(id.level, id.index, common) });
  }
}

async function compareTiles(store: Store, vault: string, tiles: readonly TileContent[], ref: Reference, problems: Problems): Promise<void> {
  const known = (t: TileContent) => (t.id.level === 0 ? ref.tile(Number(t.id.index)) : undefined);
  const fetch = tiles.filter((t) => known(t) === undefined);
  const got = fetch.length > 0 ? await store.readTiles(vault, fetch.map((t) => t.id)) : new Map<string, Uint8Array>();
  for (const t of tiles) {
    const stored = known(t) ?? got.get(tileKey(t.id.level, t.id.index)) ?? null;
    compareTile(t.id, t.hashes, stored, problems);
  }
}

/** Number of tiles at `level` in a tree of `size` leaves (full and partial). */
function tileCount(level: number, size: bigint): bigint {
  const nodes = size >> BigInt(TILE_HEIGHT * level);
  return (nodes + BigInt(TILE_WIDTH - 1)) >> BigInt(TILE_HEIGHT);
}

async function checkTiles(store: Store, vault: string, treeSize: bigint, scan: Scan, ref: Reference, problems: Problems): Promise<void> {
  const n = BigInt(scan.rows.length);
  // Full tiles were compared during the scan: now the partial right edge...
  const edge: TileContent[] = [];
  for (const id of edgeTiles(n)) {
    const t = scan.edge.get(id.level);
    if (t === undefined || t.id.index !== id.index || t.id.width !== id.width) {
      throw new SealTrailError("internal", `audit: recomputed edge tile ${id.level}/${id.index} is not at hand`);
    }
    edge.push(t);
  }
  await compareTiles(store, vault, edge, ref, problems);
  // ...and tiles the stored tree has beyond what the entries reach, level by
  // level until a batch finds none (the tree size may be forged upwards).
  for (let level = 0; n >> BigInt(TILE_HEIGHT * level) > 0n || treeSize >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    const last = tileCount(level, treeSize);
    for (let a = tileCount(level, n); a < last; a += BigInt(TILE_BATCH)) {
      const ids = [];
      for (let t = a; t < last && t < a + BigInt(TILE_BATCH); t++) ids.push({ level, index: t });
      const got = await store.readTiles(vault, ids);
      for (const id of ids) compareTile(id, null, got.get(tileKey(id.level, id.index)) ?? null, problems);
      if (got.size === 0) break;
    }
  }
}

function checkCheckpointRoots(signed: readonly { size: bigint; root: Uint8Array }[], scan: Scan, problems: Problems): void {
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

async function checkKeyTable(store: Store, vault: string, registry: ReadonlyMap<string, ReplayedKey>, problems: Problems): Promise<void> {
  const seen = new Set<string>();
  for (const row of await store.keys(vault)) {
    seen.add(row.keyId);
    const k = registry.get(row.keyId);
    const what = `keys table: key ${row.keyId}`;
    if (k === undefined) {
      problems.add("key_registry", `${what} (of ${row.org}, registered at index ${row.registeredIndex}) is not registered by any entry of the log`, {
        index: row.registeredIndex,
      });
      continue;
    }
    const where = { index: k.registeredIndex };
    if (row.org !== k.org) problems.add("key_registry", `${what} belongs to ${row.org}, but the log registers it for ${k.org}`, where);
    if (!bytesEqual(row.publicKey, k.publicKey)) problems.add("key_registry", `${what} has a public key other than the one the log registers`, where);
    if (row.registeredIndex !== k.registeredIndex) {
      problems.add("key_registry", `${what} is registered at index ${row.registeredIndex}, but the log registers it at ${k.registeredIndex}`, where);
    }
    if (row.revokedIndex !== k.revokedIndex) {
      const say = (x: bigint | null) => (x === null ? "not revoked" : `revoked at index ${x}`);
      problems.add("key_registry", `${what} is ${say(row.revokedIndex)}, but in the log it is ${say(k.revokedIndex)}`, where);
    }
  }
  for (const [keyId, k] of registry) {
    if (!seen.has(keyId)) {
      problems.add("key_registry", `keys table: key ${keyId} of ${k.org}, registered by entry ${k.registeredIndex}, is missing`, { index: k.registeredIndex });
    }
  }
}
