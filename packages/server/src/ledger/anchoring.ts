/**
 * Anchoring published checkpoints: every Nth published checkpoint of a vault
 * gets an anchor (external proof of time) from each configured provider,
 * off the append path. Rounds run after each publication and on the
 * ledger's interval; a provider that is slow or failing only delays its own
 * anchors, and a failed round is retried on the next one against the
 * newest published checkpoint not yet anchored by that provider.
 *
 * The anchored message is the published note exactly as stored, with its
 * cosignature lines (ADR 6, "What is stamped"): a published note never
 * changes, so those bytes are final.
 */
import { SealTrailError, utf8 } from "@sealtrail/core";
import { requestTimeStamp } from "../anchors/rfc3161.js";
import { RFC3161_ANCHOR_TYPE, createRfc3161Anchor } from "../anchors/rfc3161-anchor.js";
import type { LedgerStore, LogReader } from "../store/types.js";

/**
 * A source of anchors. `anchor` returns the JSON record to store (stored as
 * JSON text under `type`); it throws a SealTrailError when it cannot.
 *
 * Other kinds plug in through `LedgerOptions.anchors` (or openContext's
 * `anchors`), beside the RFC 3161 providers that `--tsa` makes: the EVM
 * anchor is `createEvmAnchorProvider(evmOpts)` from
 * packages/server/src/anchors/evm-anchor.ts, which has this shape.
 */
export interface AnchorProvider {
  /** Anchor type tag, stored with each record (`rfc3161`, `evm`). */
  readonly type: string;
  /** Shown in status and logs (a TSA URL, a chain); defaults to the type. */
  readonly name?: string;
  anchor(note: string, size: bigint): Promise<object>;
}

/** Options of {@link rfc3161Provider}. */
export interface Rfc3161ProviderOptions {
  /** The TSA's URL (RFC 3161 §3.4, HTTP POST). */
  readonly url: string;
  /** DER certificates of the CAs the TSA chains to: a token is checked against them before it is stored. */
  readonly roots: readonly Uint8Array[];
  /** Time limit of a request (default 10 000 ms). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * An RFC 3161 time-stamp authority as an anchor provider: requests a token
 * over the note bytes (requestTimeStamp) and builds the anchor record
 * (createRfc3161Anchor, which verifies the token against `roots` first, so
 * that a token the log cannot verify is never stored).
 *
 * @example
 * ```ts
 * const tsa = rfc3161Provider({ url: "https://tsa.example/tsr", roots: [rootDer] });
 * const ledger = createLedger({ store, anchors: [tsa] });
 * ```
 */
export function rfc3161Provider(opts: Rfc3161ProviderOptions): AnchorProvider {
  if (opts.roots.length === 0) {
    throw new SealTrailError("invalid", `time-stamp authority ${opts.url}: give at least one trust root (--tsa-root FILE) to check its tokens with`);
  }
  const roots = [...opts.roots];
  return {
    type: RFC3161_ANCHOR_TYPE,
    name: opts.url,
    async anchor(note) {
      const token = await requestTimeStamp(opts.url, utf8(note), opts.fetch ?? globalThis.fetch, { timeoutMs: opts.timeoutMs ?? 10_000 });
      return createRfc3161Anchor(note, token, { roots });
    },
  };
}

/**
 * The DER certificates of a PEM file (one or more `CERTIFICATE` blocks), as
 * `--tsa-root` reads them.
 *
 * @example
 * ```ts
 * const roots = pemCertificates(readFileSync("tsa-root.pem", "utf8"));
 * ```
 */
export function pemCertificates(pem: string, what = "PEM"): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;
  for (const m of pem.matchAll(re)) {
    const der = Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
    if (der.length === 0) throw new SealTrailError("malformed", `${what}: empty certificate`);
    out.push(new Uint8Array(der));
  }
  if (out.length === 0) throw new SealTrailError("malformed", `${what}: no -----BEGIN CERTIFICATE----- block`);
  return out;
}

/** Options of {@link createAnchorer}. */
export interface AnchorerOptions {
  readonly store: LedgerStore & LogReader & { vaults(): Promise<{ name: string }[]> };
  readonly providers: readonly AnchorProvider[];
  /** Anchor every Nth published checkpoint (default 1: each one). */
  readonly every?: number;
  readonly log?: (message: string) => void;
}

/** What one provider has done for one vault. */
export interface AnchorStatus {
  readonly type: string;
  readonly name: string;
  /** Size of the newest checkpoint it anchored (null: none yet). */
  readonly anchoredSize: string | null;
  /** Published checkpoints since then that count towards the next anchor. */
  readonly pending: number;
  readonly last: { readonly at: string; readonly size: string; readonly ok: boolean; readonly error: string | null } | null;
}

/** The anchoring queue. */
export interface Anchorer {
  readonly every: number;
  /** A checkpoint of `size` was published in `vault`: counts it and starts a round (not awaited). */
  published(vault: string, size: bigint): void;
  /** Run a round for a vault (or every vault) now and wait for it; never throws for a provider's failure. */
  round(vault?: string): Promise<void>;
  status(vault: string): Promise<AnchorStatus[]>;
  /** Wait for running rounds; start no more. */
  close(): Promise<void>;
}

interface ProviderState {
  anchored: bigint | null;
  /** Published sizes after `anchored` (a set: the same size counted once however it was learned). */
  pending: Set<bigint>;
  running: Promise<void> | null;
  /** Asked for while running: run once more after it (a checkpoint published meanwhile). */
  again: boolean;
  last: AnchorStatus["last"];
}

/**
 * Create the anchoring queue over a store and providers.
 *
 * @example
 * ```ts
 * const anchorer = createAnchorer({ store, providers: [rfc3161Provider({ url, roots })], every: 10 });
 * anchorer.published("default", 42n);
 * ```
 */
export function createAnchorer(opts: AnchorerOptions): Anchorer {
  const { store, providers } = opts;
  const every = opts.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new SealTrailError("invalid", `anchor every N checkpoints: N must be a positive integer, got ${every}`);
  const log = opts.log ?? ((m: string) => console.error(m));
  const vaults = new Map<string, Promise<ProviderState[]>>();
  const loaded = new Map<string, ProviderState[]>();
  const kicks = new Set<Promise<void>>();
  let closed = false;

  // Where each provider stands, from the store, once per vault and process:
  // the newest checkpoint anchored by a provider of its type, and the
  // checkpoints published since. Two providers of one type (two TSAs) share
  // what the store says until each has anchored once in this process.
  function stateOf(vault: string): Promise<ProviderState[]> {
    let s = vaults.get(vault);
    if (s === undefined) {
      s = (async () => {
        const [anchors, cps] = await Promise.all([store.anchors(vault), store.checkpoints(vault)]);
        return providers.map((p) => {
          let anchored: bigint | null = null;
          for (const a of anchors) if (a.type === p.type && (anchored === null || a.checkpointSize > anchored)) anchored = a.checkpointSize;
          const pending = new Set(cps.filter((c) => anchored === null || c.size > anchored).map((c) => c.size));
          return { anchored, pending, running: null, again: false, last: null } as ProviderState;
        });
      })().then((states) => {
        loaded.set(vault, states);
        return states;
      });
      s.catch(() => vaults.delete(vault));
      vaults.set(vault, s);
    }
    return s;
  }

  async function roundFor(vault: string, i: number, st: ProviderState): Promise<void> {
    const p = providers[i]!;
    if (st.pending.size < every) return;
    const latest = await store.latestCheckpoint(vault);
    if (latest === null || (st.anchored !== null && latest.size <= st.anchored)) return;
    const at = new Date().toISOString();
    try {
      const record = await p.anchor(latest.note, latest.size);
      await store.putAnchor(vault, { checkpointSize: latest.size, type: p.type, record: JSON.stringify(record) });
      st.anchored = latest.size;
      for (const s of st.pending) if (s <= latest.size) st.pending.delete(s);
      st.last = { at, size: latest.size.toString(), ok: true, error: null };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (st.last === null || st.last.ok || st.last.error !== why) log(`anchor ${p.name ?? p.type} of vault ${vault} checkpoint ${latest.size} failed (retried next round): ${why}`);
      st.last = { at, size: latest.size.toString(), ok: false, error: why };
    }
  }

  async function roundOf(vault: string): Promise<void> {
    if (closed || providers.length === 0) return;
    const states = await stateOf(vault);
    // Providers run apart: a slow TSA holds up only its own anchors.
    await Promise.all(
      states.map((st, i) => {
        if (st.running !== null) {
          st.again = true;
          return st.running;
        }
        st.running = (async () => {
          do {
            st.again = false;
            await roundFor(vault, i, st);
          } while (st.again && !closed);
        })().finally(() => {
          st.running = null;
        });
        return st.running;
      }),
    );
  }

  return {
    every,
    published(vault, size) {
      if (closed || providers.length === 0) return;
      const count = (states: ProviderState[]) => {
        for (const st of states) if (st.anchored === null || size > st.anchored) st.pending.add(size);
      };
      // Counted at once when the vault's state is loaded, so that a round asked for right after sees it.
      const now = loaded.get(vault);
      if (now !== undefined) count(now);
      const kick = stateOf(vault)
        .then((states) => {
          if (now === undefined) count(states);
          return roundOf(vault);
        })
        .catch((e: unknown) => log(`anchoring of vault ${vault} failed: ${(e as Error).message}`))
        .finally(() => kicks.delete(kick));
      kicks.add(kick);
    },
    async round(vault) {
      const names = vault !== undefined ? [vault] : (await store.vaults()).map((v) => v.name);
      for (const v of names) {
        try {
          await roundOf(v);
        } catch (e) {
          log(`anchoring of vault ${v} failed: ${(e as Error).message}`);
        }
      }
    },
    async status(vault) {
      const states = await stateOf(vault);
      return providers.map((p, i) => {
        const st = states[i]!;
        return {
          type: p.type,
          name: p.name ?? p.type,
          anchoredSize: st.anchored === null ? null : st.anchored.toString(),
          pending: st.pending.size,
          last: st.last,
        };
      });
    },
    async close() {
      closed = true;
      await Promise.all([...kicks]);
      for (const s of vaults.values()) {
        const states = await s.catch(() => []);
        await Promise.all(states.map((st) => st.running ?? Promise.resolve()));
      }
    },
  };
}
