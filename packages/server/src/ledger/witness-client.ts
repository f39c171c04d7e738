/**
 * The log's side of C2SP tlog-witness: one `add-checkpoint` request to one
 * witness, with a time limit, and its answer sorted into what the publisher
 * acts on. Never throws for anything the witness or the network does: a
 * witness that is down, slow or refusing is an answer like any other.
 *
 * Spec: https://c2sp.org/tlog-witness ("add-checkpoint"); the body format
 * and the answers are in docs/formats.md §11.
 */
import { SealTrailError, toBase64, verifyCosignatures, witnessVerifierFromKey, type WitnessVerifier } from "@sealtrail/core";

/** Content type of the 409 answer that tells the witness's latest cosigned size (C2SP tlog-witness). */
export const TLOG_SIZE_CONTENT_TYPE = "text/x.tlog.size";
/** Longest answer body read from a witness: a few cosignature lines, or a problem document. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A witness the log asks to cosign: its verifier key (type 0x04, formats §11) and its URL prefix. */
export interface WitnessEndpoint {
  /** Witness verifier key, `<name>+<keyid>+<base64(0x04 || key)>`. */
  readonly vkey: string;
  /** URL prefix of the witness: requests go to `<url>/add-checkpoint`. */
  readonly url: string;
}

/** What one `add-checkpoint` request came to. */
export type WitnessAnswer =
  /** 200 with at least one cosignature line that verifies with the witness's key over this checkpoint. */
  | { readonly kind: "cosigned"; readonly line: string; readonly time: bigint }
  /** 409 `text/x.tlog.size`: the witness last cosigned `size`, not the old size sent. */
  | { readonly kind: "stale"; readonly size: bigint }
  /** 200 whose lines do not verify with the witness's key (forged, another key, another checkpoint). */
  | { readonly kind: "bad_cosignature"; readonly message: string }
  /** Any other HTTP answer: 400, 403, 404, 409 inconsistent (split view), 422, 5xx... with the body it sent. */
  | { readonly kind: "refused"; readonly status: number; readonly body: string }
  /** No answer: connection refused, reset, or over the time limit. */
  | { readonly kind: "unreachable"; readonly message: string };

/** A parsed witness endpoint, ready to be asked. */
export interface WitnessClient {
  readonly name: string;
  readonly vkey: string;
  readonly url: string;
  /**
   * Send `add-checkpoint` with `oldSize`, the consistency proof from it to
   * the checkpoint's size, and the signed checkpoint note.
   */
  addCheckpoint(oldSize: bigint, proof: readonly Uint8Array[], note: string): Promise<WitnessAnswer>;
}

/** Options of {@link createWitnessClient}. */
export interface WitnessClientOptions {
  /** Give up on an answer after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * Parse `<vkey>=<url>` as `sealtrail serve --witness` takes it. The key
 * holds no `=` (its base64 is of 33 bytes, no padding), so the URL starts
 * after the `=` that comes before `http://` or `https://`.
 *
 * @example
 * ```ts
 * parseWitnessArg("witness.example/w1+1a2b3c4d+BDx...=https://w1.example/") // { vkey: "witness.example/w1+...", url: "https://w1.example/" }
 * ```
 */
export function parseWitnessArg(arg: string): WitnessEndpoint {
  const m = /^(.+?)=(https?:\/\/.+)$/.exec(arg.trim());
  if (m === null) throw new SealTrailError("invalid", `witness "${arg.slice(0, 80)}": expected <verifier key>=<http(s) URL>`);
  witnessVerifierFromKey(m[1]!);
  return { vkey: m[1]!, url: m[2]! };
}

/**
 * A client for one witness.
 *
 * @example
 * ```ts
 * const w = createWitnessClient({ vkey, url: "http://127.0.0.1:7380" }, { timeoutMs: 2000 });
 * const answer = await w.addCheckpoint(0n, [], note);
 * ```
 */
export function createWitnessClient(endpoint: WitnessEndpoint, opts: WitnessClientOptions = {}): WitnessClient {
  const verifier: WitnessVerifier = witnessVerifierFromKey(endpoint.vkey);
  let base: URL;
  try {
    base = new URL(endpoint.url);
  } catch (e) {
    throw new SealTrailError("invalid", `witness ${verifier.name}: URL "${endpoint.url}" does not parse`, { cause: e });
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new SealTrailError("invalid", `witness ${verifier.name}: URL must be http(s)`);
  const target = endpoint.url.replace(/\/+$/, "") + "/add-checkpoint";
  const timeoutMs = opts.timeoutMs ?? 5000;
  const fetchImpl = opts.fetch ?? globalThis.fetch;

  return {
    name: verifier.name,
    vkey: endpoint.vkey,
    url: endpoint.url,
    async addCheckpoint(oldSize, proof, note) {
      // C2SP tlog-witness: "old <size>", the proof lines, an empty line, the note.
      const body = `old ${oldSize}\n${proof.map((h) => toBase64(h) + "\n").join("")}\n${note}`;
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), timeoutMs);
      let status: number;
      let type: string;
      let text: string;
      try {
        const res = await fetchImpl(target, { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body, signal: ctrl.signal });
        status = res.status;
        type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
        text = await readLimited(res);
      } catch (e) {
        const why = ctrl.signal.aborted ? `no answer within ${timeoutMs} ms` : describeFetchError(e);
        return { kind: "unreachable", message: why };
      } finally {
        clearTimeout(timer);
      }
      if (status === 409 && type === TLOG_SIZE_CONTENT_TYPE) {
        const m = /^(0|[1-9][0-9]{0,19})\n?$/.exec(text);
        if (m === null) return { kind: "refused", status, body: text.slice(0, 1000) };
        return { kind: "stale", size: BigInt(m[1]!) };
      }
      if (status !== 200) return { kind: "refused", status, body: text.slice(0, 4000) };
      return checkCosignature(note, text, verifier);
    },
  };
}

/**
 * Keep the first line of a witness's 200 answer that is a valid
 * cosignature by that witness's key over this checkpoint (C2SP
 * tlog-cosignature; core verifyCosignatures). Lines by other keys are
 * ignored; none valid is `bad_cosignature`.
 */
function checkCosignature(note: string, answer: string, verifier: WitnessVerifier): WitnessAnswer {
  const lines = answer.split("\n").filter((l) => l.length > 0);
  let why = "no cosignature line by this witness's key";
  for (const l of lines) {
    const line = l + "\n";
    try {
      const [v] = verifyCosignatures(note + line, [verifier]);
      if (v !== undefined) return { kind: "cosigned", line, time: v.time };
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
  }
  return { kind: "bad_cosignature", message: why };
}

async function readLimited(res: Response): Promise<string> {
  const buf = new Uint8Array(await res.arrayBuffer());
  return new TextDecoder("utf-8", { fatal: false }).decode(buf.subarray(0, MAX_ANSWER_BYTES));
}

function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return e instanceof Error ? e.message : String(e);
}
