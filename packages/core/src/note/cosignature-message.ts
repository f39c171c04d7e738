/**
 * The message a witness signs in C2SP tlog-cosignature v1: the header line,
 * the POSIX time, and the checkpoint body (C2SP tlog-cosignature, "Ed25519
 * signed message"), and the sizes and bounds of its fields.
 */
import { utf8 } from "../bytes.js";
import { ED25519_SIGNATURE_SIZE } from "../crypto.js";
import { requireString } from "../args.js";
import { SealTrailError } from "../errors.js";
import { formatDecimalUint64 } from "./text-rules.js";

/**
 * First line of every cosigned message: domain separation from plain note
 * signatures (C2SP tlog-cosignature, "Ed25519 signed message").
 *
 * @example
 * ```ts
 * message.startsWith(COSIGNATURE_V1_HEADER) // "cosignature/v1\n"
 * ```
 */
export const COSIGNATURE_V1_HEADER = "cosignature/v1\n";
/**
 * Largest timestamp a cosignature may carry: 2^63 - 1 seconds
 * (C2SP tlog-cosignature, "Format": "It MUST NOT exceed 2^63 - 1").
 *
 * @example
 * ```ts
 * if (time > MAX_COSIGNATURE_TIME) throw new Error("out of range");
 * ```
 */
export const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;
/**
 * Length of the `timestamped_signature` of an Ed25519 cosignature: a
 * big-endian u64 timestamp and a 64-byte signature (the key ID comes before it).
 *
 * @example
 * ```ts
 * sig.signature.length === COSIGNATURE_V1_SIZE // 72
 * ```
 */
export const COSIGNATURE_V1_SIZE = 8 + ED25519_SIGNATURE_SIZE;

export function checkTime(time: bigint): bigint {
  if (typeof time !== "bigint" || time < 0n || time > MAX_COSIGNATURE_TIME) {
    throw new SealTrailError("invalid", "cosignature time must be a bigint in [0, 2^63-1] (POSIX seconds)");
  }
  return time;
}

/**
 * The message an Ed25519 cosignature signs: `cosignature/v1\n`,
 * `time <decimal seconds>\n`, then the checkpoint body with its final newline
 * (C2SP tlog-cosignature, "Ed25519 signed message").
 *
 * @example
 * ```ts
 * cosignatureMessage("example.com/log\n2\nJCMz...=\n", 1679315147n)
 * // utf8("cosignature/v1\ntime 1679315147\nexample.com/log\n2\nJCMz...=\n")
 * ```
 */
export function cosignatureMessage(checkpointBody: string, time: bigint): Uint8Array {
  requireString(checkpointBody, "cosignatureMessage: checkpoint body");
  return utf8(`${COSIGNATURE_V1_HEADER}time ${formatDecimalUint64(checkTime(time), "cosignature time")}\n${checkpointBody}`);
}
