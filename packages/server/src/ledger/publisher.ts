/**
 * Witness collection before publication (C2SP tlog-witness, k of n): the
 * ledger signs a checkpoint, the publisher asks every configured witness to
 * cosign it, in parallel and each with a time limit, and says whether at
 * least k did. A witness that is down, slow or refusing costs one round's
 * time limit and nothing else: appends go on, and the next round retries.
 *
 * The old size sent to a witness is the size it last cosigned for this log,
 * learned from its answers: at first the latest published size, then the
 * size of each checkpoint it cosigns, or the size it names in a 409
 * `text/x.tlog.size` answer (then the request is sent once more, with a
 * consistency proof from that size).
 */
import { SealTrailError } from "@sealtrail/core";
import { createWitnessClient, type WitnessAnswer, type WitnessClient, type WitnessEndpoint } from "./witness-client.js";

/** Options of {@link createPublisher}. */
export interface PublisherOptions {
  /** The witnesses, in the order their cosignature lines go into the note. */
  readonly witnesses: readonly WitnessEndpoint[];
  /** How many distinct witnesses must cosign (default: all of them). */
  readonly threshold?: number;
  /** Time limit of each request to a witness (default 5000 ms). */
  readonly timeoutMs?: number;
  /** RFC 6962 consistency proof between two sizes of a vault's tree (the ledger's). */
  readonly consistencyProof: (vault: string, from: bigint, to: bigint) => Promise<Uint8Array[]>;
  readonly fetch?: typeof fetch;
  /** Where problems are reported (default console.error). */
  readonly log?: (message: string) => void;
}

/** What the log knows of one witness for one vault, as the status route shows it. */
export interface WitnessStatus {
  readonly name: string;
  readonly vkey: string;
  readonly url: string;
  /** Size the witness last cosigned for this log, as learned from its answers (null: not known yet). */
  readonly cosignedSize: string | null;
  /** The last answer, or null before the first request. */
  readonly last: {
    readonly at: string;
    /** Tree size of the checkpoint asked about. */
    readonly size: string;
    readonly outcome: WitnessAnswer["kind"] | "ahead";
    /** HTTP status, when the witness answered. */
    readonly status: number | null;
    /** Why it did not cosign (the problem body of a refusal, the network error...). */
    readonly error: string | null;
  } | null;
  /** When it last cosigned, and which size. */
  readonly lastCosigned: { readonly at: string; readonly size: string } | null;
}

/** One collection round of a vault. */
export interface RoundStatus {
  readonly at: string;
  readonly size: string;
  readonly cosignatures: number;
  readonly threshold: number;
  readonly published: boolean;
}

/** Cosignatures collected for one checkpoint. */
export interface Collected {
  /** Cosignature lines, witnesses in configured order. */
  readonly lines: string[];
  /** At least the threshold cosigned. */
  readonly enough: boolean;
}

/** The witness side of publication. */
export interface Publisher {
  readonly threshold: number;
  readonly witnesses: readonly WitnessClient[];
  /**
   * Ask every witness to cosign `note` (a checkpoint of `size` signed by the
   * log); `publishedSize` is the latest published size, the old size for a
   * witness not heard from yet.
   */
  collect(vault: string, note: string, size: bigint, publishedSize: bigint): Promise<Collected>;
  /** Mark the outcome of the latest round (the ledger publishes, or not). */
  roundDone(vault: string, size: bigint, cosignatures: number, published: boolean): void;
  status(vault: string): { witnesses: WitnessStatus[]; lastRound: RoundStatus | null };
}

interface Known {
  size: bigint | null;
  last: WitnessStatus["last"];
  lastCosigned: WitnessStatus["lastCosigned"];
}

/**
 * Create the publisher for a list of witnesses.
 *
 * @example
 * ```ts
 * const publisher = createPublisher({ witnesses: [{ vkey, url }], threshold: 1, consistencyProof: ledger.consistencyProof });
 * const { lines, enough } = await publisher.collect("default", note, 42n, 40n);
 * ```
 */
export function createPublisher(opts: PublisherOptions): Publisher {
  const n = opts.witnesses.length;
  const threshold = opts.threshold ?? n;
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > n) {
    throw new SealTrailError("invalid", `witness threshold must be 0 to ${n} (the number of witnesses), got ${threshold}`);
  }
  const clients = opts.witnesses.map((w) => createWitnessClient(w, { ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) }));
  const keys = new Set<string>();
  for (const c of clients) {
    // k of n counts distinct witness keys (core checkWitnessPolicy): the same key twice would count once there.
    const pub = c.vkey.slice(c.vkey.lastIndexOf("+") + 1);
    if (keys.has(pub)) throw new SealTrailError("invalid", `witness ${c.name}: the same witness key is configured twice`);
    keys.add(pub);
  }
  const log = opts.log ?? ((m: string) => console.error(m));
  const known = new Map<string, Known[]>();
  const rounds = new Map<string, RoundStatus>();

  function knownOf(vault: string): Known[] {
    let k = known.get(vault);
    if (k === undefined) {
      k = clients.map(() => ({ size: null, last: null, lastCosigned: null }));
      known.set(vault, k);
    }
    return k;
  }

  async function proofFor(vault: string, from: bigint, to: bigint): Promise<Uint8Array[]> {
    // No proof from the empty tree or to the same size (RFC 6962 §2.1.2 defines none).
    if (from === 0n || from === to) return [];
    return opts.consistencyProof(vault, from, to);
  }

  async function ask(vault: string, i: number, note: string, size: bigint, publishedSize: bigint): Promise<string | null> {
    const c = clients[i]!;
    const k = knownOf(vault)[i]!;
    const at = () => new Date().toISOString();
    const record = (outcome: NonNullable<WitnessStatus["last"]>["outcome"], status: number | null, error: string | null) => {
      const prev = k.last;
      k.last = { at: at(), size: size.toString(), outcome, status, error };
      // Loud for what may be an attack (a split view, a log key the witness does not trust);
      // other failures are reported when they change, not every round.
      const alarming = outcome === "refused" && (status === 403 || (status === 409 && /inconsistent|split/i.test(error ?? "")));
      if (alarming) {
        log(`WITNESS ALERT vault ${vault}: witness ${c.name} (${c.url}) refused checkpoint ${size} with ${status}: ${error}`);
      } else if (outcome !== "cosigned" && (prev === null || prev.outcome !== outcome || prev.error !== error)) {
        log(`witness ${c.name} (${c.url}) did not cosign checkpoint ${size} of vault ${vault}: ${outcome}${status !== null ? ` ${status}` : ""}${error !== null ? `: ${error}` : ""}`);
      }
    };
    let old = k.size ?? publishedSize;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (old > size) {
        // The witness cosigned a larger tree than this checkpoint's (another
        // server of the same database published ahead): nothing to prove.
        record("ahead", null, `the witness has cosigned size ${old}, beyond ${size}`);
        k.size = null;
        return null;
      }
      let proof: Uint8Array[];
      try {
        proof = await proofFor(vault, old, size);
      } catch (e) {
        record("refused", null, `no consistency proof from ${old} to ${size}: ${(e as Error).message}`);
        k.size = null;
        return null;
      }
      const a = await c.addCheckpoint(old, proof, note);
      switch (a.kind) {
        case "cosigned":
          k.size = size;
          k.lastCosigned = { at: at(), size: size.toString() };
          record("cosigned", 200, null);
          return a.line;
        case "stale":
          // C2SP tlog-witness: retry with the size the witness names (once).
          k.size = a.size;
          if (attempt === 0) {
            old = a.size;
            continue;
          }
          record("stale", 409, `the witness last cosigned size ${a.size}`);
          return null;
        case "bad_cosignature":
          record("bad_cosignature", 200, a.message);
          return null;
        case "refused":
          record("refused", a.status, a.body);
          return null;
        case "unreachable":
          record("unreachable", null, a.message);
          return null;
      }
    }
    return null;
  }

  return {
    threshold,
    witnesses: clients,
    async collect(vault, note, size, publishedSize) {
      const answers = await Promise.all(clients.map((_, i) => ask(vault, i, note, size, publishedSize)));
      const lines = answers.filter((l): l is string => l !== null);
      return { lines, enough: lines.length >= threshold };
    },
    roundDone(vault, size, cosignatures, published) {
      rounds.set(vault, { at: new Date().toISOString(), size: size.toString(), cosignatures, threshold, published });
    },
    status(vault) {
      const k = knownOf(vault);
      return {
        witnesses: clients.map((c, i) => ({
          name: c.name,
          vkey: c.vkey,
          url: c.url,
          cosignedSize: k[i]!.size === null ? null : k[i]!.size!.toString(),
          last: k[i]!.last,
          lastCosigned: k[i]!.lastCosigned,
        })),
        lastRound: rounds.get(vault) ?? null,
      };
    },
  };
}
