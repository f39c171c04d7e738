/**
 * The verification policy (docs/formats.md §15): everything a bundle verifier
 * trusts, and nothing else. A bundle is checked against it offline.
 */
import { requireString } from "../args.js";
import { fromBase64, fromHex } from "../bytes.js";
import { SealTrailError, malformed } from "../errors.js";
import { witnessVerifierFromKey, type WitnessVerifier } from "../note/witness-key.js";
import { parseVerifierKey, verifierFromKey, type NoteVerifier } from "../note/vkey.js";

/** Format tag of a policy document. */
export const POLICY_FORMAT = "sealtrail-policy/v1";
/** Default maxSealDelay: one hour, in seconds. */
export const DEFAULT_MAX_SEAL_DELAY_SECONDS = 3600;

/** An EVM chain the policy trusts for anchors. */
export interface EvmChainTrust {
  readonly chainId: number;
  /** Block hashes the verifier takes as given (offline checks of stored headers). */
  readonly pinnedBlocks: readonly { readonly number: number; readonly hash: string }[];
  /** JSON-RPC URL for live checks, when the verifier may go online. */
  readonly rpcUrl?: string;
}

/** A parsed, checked verification policy. */
export interface VerificationPolicy {
  /** Checkpoint origin of the vault's log. */
  readonly origin: string;
  /** The log's verifier key (C2SP signed-note). */
  readonly vkey: string;
  readonly logVerifier: NoteVerifier;
  /** Witness verifier keys (cosignature/v1). */
  readonly witnessKeys: readonly string[];
  readonly witnesses: readonly WitnessVerifier[];
  /** How many distinct witnesses must cosign the checkpoint records are proven in. */
  readonly threshold: number;
  /** DER certificates of the trusted TSA roots. */
  readonly tsaRoots: readonly Uint8Array[];
  readonly evmChains: readonly EvmChainTrust[];
  /** Longest time a record may take to be sealed after the time it claims, in milliseconds. */
  readonly maxSealDelayMs: number;
  /**
   * The organisation that runs the vault (writes its membership records), or
   * null: when named, every record is checked against the membership in
   * force at its index (docs/formats.md §5a).
   */
  readonly operator: string | null;
}

const POLICY_FIELDS = ["format", "origin", "vkey", "witnesses", "tsaRoots", "evmChains", "maxSealDelay", "operator"];

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw malformed(`${what}: must be a JSON object`);
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, fields: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!fields.includes(k)) throw malformed(`${what}: unknown field ${JSON.stringify(k.slice(0, 40))}`);
}

/**
 * The DER certificates of a PEM text (one or more CERTIFICATE blocks) or of
 * a base64 DER string.
 *
 * @example
 * ```ts
 * const [der] = certificatesFromText(readFileSync("tsa-root.pem", "utf8"));
 * ```
 */
export function certificatesFromText(text: string): Uint8Array[] {
  requireString(text, "certificatesFromText: certificate text");
  const begin = "-----BEGIN CERTIFICATE-----";
  const end = "-----END CERTIFICATE-----";
  if (!text.includes(begin)) return [fromBase64(text.replace(/\s+/g, ""), "certificate")];
  const out: Uint8Array[] = [];
  let at = text.indexOf(begin);
  while (at >= 0) {
    const stop = text.indexOf(end, at);
    if (stop < 0) throw malformed("certificate: PEM block without its END line");
    out.push(fromBase64(text.slice(at + begin.length, stop).replace(/\s+/g, ""), "certificate"));
    at = text.indexOf(begin, stop);
  }
  return out;
}

/**
 * Parse a verification policy (JSON text or parsed value, hostile input):
 *
 * ```json
 * {"format": "sealtrail-policy/v1", "origin": "sealtrail/1a2b3c4d/default", "vkey": "sealtrail/1a2b3c4d/default+...",
 *  "witnesses": {"keys": ["witness.example/w1+...+BA..."], "threshold": 1},
 *  "tsaRoots": ["-----BEGIN CERTIFICATE-----..."], "evmChains": [{"chainId": 137}], "maxSealDelay": 3600,
 *  "operator": "acme-ops"}
 * ```
 *
 * Raises `malformed` or `invalid` naming the field.
 *
 * @example
 * ```ts
 * const policy = parseVerificationPolicy(readFileSync("policy.json", "utf8"));
 * ```
 */
export function parseVerificationPolicy(input: string | unknown): VerificationPolicy {
  let v: unknown = input;
  if (typeof input === "string") {
    try {
      v = JSON.parse(input);
    } catch (e) {
      throw malformed("policy: not JSON", e);
    }
  }
  const o = obj(v, "policy");
  only(o, POLICY_FIELDS, "policy");
  if (o.format !== undefined && o.format !== POLICY_FORMAT) throw malformed(`policy.format: must be "${POLICY_FORMAT}"`);
  if (typeof o.vkey !== "string") throw malformed("policy.vkey: the log's verifier key is required");
  const parsedKey = parseVerifierKey(o.vkey.trim());
  const logVerifier = verifierFromKey(o.vkey.trim());
  const origin = o.origin === undefined ? parsedKey.name : o.origin;
  if (typeof origin !== "string" || origin.length === 0) throw malformed("policy.origin: must be a string");
  if (origin !== parsedKey.name) throw new SealTrailError("invalid", `policy.origin "${origin}" is not the name of policy.vkey ("${parsedKey.name}")`);

  let witnessKeys: string[] = [];
  let threshold = 0;
  if (o.witnesses !== undefined) {
    const w = obj(o.witnesses, "policy.witnesses");
    only(w, ["keys", "threshold"], "policy.witnesses");
    if (!Array.isArray(w.keys) || w.keys.some((k) => typeof k !== "string")) throw malformed("policy.witnesses.keys: must be an array of witness verifier keys");
    witnessKeys = (w.keys as string[]).map((k) => k.trim());
    threshold = w.threshold === undefined ? witnessKeys.length : (w.threshold as number);
  }
  const witnesses = witnessKeys.map((k) => witnessVerifierFromKey(k));
  const distinct = new Set(witnesses.map((w) => Array.from(w.publicKey).join(","))).size;
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > distinct) {
    throw new SealTrailError("invalid", `policy.witnesses.threshold: ${String(threshold)} is not between 0 and ${distinct} (distinct witness keys)`);
  }

  const tsaRoots: Uint8Array[] = [];
  if (o.tsaRoots !== undefined) {
    if (!Array.isArray(o.tsaRoots)) throw malformed("policy.tsaRoots: must be an array of PEM or base64 DER certificates");
    for (const r of o.tsaRoots) {
      if (typeof r !== "string") throw malformed("policy.tsaRoots: each must be a string");
      tsaRoots.push(...certificatesFromText(r));
    }
  }

  const evmChains: EvmChainTrust[] = [];
  if (o.evmChains !== undefined) {
    if (!Array.isArray(o.evmChains)) throw malformed("policy.evmChains: must be an array");
    for (const [i, c] of o.evmChains.entries()) {
      const what = `policy.evmChains[${i}]`;
      const e = obj(c, what);
      only(e, ["chainId", "pinnedBlocks", "rpcUrl"], what);
      if (typeof e.chainId !== "number" || !Number.isSafeInteger(e.chainId) || e.chainId <= 0) throw malformed(`${what}.chainId: must be a positive integer`);
      const pinned: { number: number; hash: string }[] = [];
      if (e.pinnedBlocks !== undefined) {
        if (!Array.isArray(e.pinnedBlocks)) throw malformed(`${what}.pinnedBlocks: must be an array`);
        for (const b of e.pinnedBlocks) {
          const pb = obj(b, `${what}.pinnedBlocks`);
          only(pb, ["number", "hash"], `${what}.pinnedBlocks`);
          if (typeof pb.number !== "number" || !Number.isSafeInteger(pb.number) || pb.number < 0) throw malformed(`${what}.pinnedBlocks.number: must be a block number`);
          if (typeof pb.hash !== "string" || !/^0x[0-9a-f]{64}$/.test(pb.hash)) throw malformed(`${what}.pinnedBlocks.hash: must be 0x and 64 lower-case hex digits`);
          fromHex(pb.hash.slice(2));
          pinned.push({ number: pb.number, hash: pb.hash });
        }
      }
      if (e.rpcUrl !== undefined && (typeof e.rpcUrl !== "string" || !/^https?:\/\//.test(e.rpcUrl))) throw malformed(`${what}.rpcUrl: must be an http(s) URL`);
      evmChains.push({ chainId: e.chainId, pinnedBlocks: pinned, ...(typeof e.rpcUrl === "string" ? { rpcUrl: e.rpcUrl } : {}) });
    }
  }

  let maxSealDelay = DEFAULT_MAX_SEAL_DELAY_SECONDS;
  if (o.maxSealDelay !== undefined) {
    if (typeof o.maxSealDelay !== "number" || !Number.isFinite(o.maxSealDelay) || o.maxSealDelay < 0) throw malformed("policy.maxSealDelay: must be a number of seconds");
    maxSealDelay = o.maxSealDelay;
  }
  if (o.operator !== undefined && (typeof o.operator !== "string" || o.operator.length === 0)) throw malformed("policy.operator: must be the operator's organisation id");
  return {
    origin,
    vkey: o.vkey.trim(),
    logVerifier,
    witnessKeys,
    witnesses,
    threshold,
    tsaRoots,
    evmChains,
    maxSealDelayMs: maxSealDelay * 1000,
    operator: typeof o.operator === "string" ? o.operator : null,
  };
}
