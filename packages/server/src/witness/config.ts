/**
 * Witness configuration: the logs it follows (from `--log VKEY` flags or a
 * JSON file) and its key (generated on first start).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SealTrailError, generateWitnessKey, parseVerifierKey, randomBytes, toHex, utf8, witnessSignerFromKey, type WitnessSigner } from "@sealtrail/core";
import type { FollowedLog } from "./witness.js";

/**
 * A followed log from its verifier key: the origin is the key name (as
 * SealTrail vaults and C2SP tlog-checkpoint recommend) unless given.
 * Raises `malformed` or `invalid` for a bad or non-Ed25519 key.
 *
 * @example
 * ```ts
 * followedLog("sealtrail/1a2b3c4d/default+8f0e1d2c+AX...") // { origin: "sealtrail/1a2b3c4d/default", vkeys: [...] }
 * ```
 */
export function followedLog(vkey: string, origin?: string): FollowedLog {
  const k = parseVerifierKey(vkey.trim());
  if (k.type !== 0x01) throw new SealTrailError("invalid", `log key ${k.name}: a log signs checkpoints with an Ed25519 (type 0x01) key`);
  return { origin: origin ?? k.name, vkeys: [vkey.trim()] };
}

/**
 * Read a logs file: `{"logs": [{"vkey": "...", "origin": "..."}, ...]}`
 * (`origin` optional; `vkeys: [...]` for a log with several keys).
 *
 * @example
 * ```ts
 * const logs = readLogsFile("witness-logs.json");
 * ```
 */
export function readLogsFile(path: string): FollowedLog[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new SealTrailError("malformed", `logs file ${path}: ${(e as Error).message}`, { cause: e });
  }
  const logs = (doc as { logs?: unknown }).logs;
  if (!Array.isArray(logs)) throw new SealTrailError("malformed", `logs file ${path}: expected {"logs": [...]}`);
  return logs.map((l: unknown, i) => {
    const o = l as { vkey?: unknown; vkeys?: unknown; origin?: unknown };
    const keys = o.vkeys ?? (o.vkey === undefined ? undefined : [o.vkey]);
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === "string")) {
      throw new SealTrailError("malformed", `logs file ${path}: log ${i + 1} needs "vkey" or "vkeys"`);
    }
    if (o.origin !== undefined && typeof o.origin !== "string") throw new SealTrailError("malformed", `logs file ${path}: log ${i + 1}: origin must be a string`);
    const first = followedLog(keys[0] as string, o.origin as string | undefined);
    return { origin: first.origin, vkeys: (keys as string[]).map((k) => followedLog(k, first.origin).vkeys[0]!) };
  });
}

/**
 * Load the witness key from `file`, or generate it there (mode 0600) when
 * the file does not exist. The file holds the signer key text
 * (`PRIVATE+KEY+<name>+...`); `name` is used only when generating
 * (default `sealtrail/witness/<8 random hex>`).
 *
 * @example
 * ```ts
 * const { signer, created } = loadOrCreateWitnessKey(join(dir, "witness.key"));
 * ```
 */
export function loadOrCreateWitnessKey(file: string, name?: string): { signer: WitnessSigner; created: boolean } {
  if (existsSync(file)) {
    const signer = witnessSignerFromKey(readFileSync(file, "utf8").trim());
    if (name !== undefined && name !== signer.name) {
      throw new SealTrailError("conflict", `witness key ${file} is named "${signer.name}", not "${name}"`);
    }
    return { signer, created: false };
  }
  const { signerKey } = generateWitnessKey(name ?? `sealtrail/witness/${toHex(randomBytes(4))}`);
  // "wx": never overwrite a key that appeared meanwhile.
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, utf8(signerKey + "\n"));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { signer: witnessSignerFromKey(signerKey), created: true };
}

/** Default key file of a witness data directory. */
export function defaultWitnessKeyFile(dir: string): string {
  return join(dir, "witness.key");
}
