/**
 * What the commands that sign records read: the records, from a file or
 * stdin, as I-JSON (signed exactly as written, or refused naming the field,
 * formats.md §10), and the author's own key given with --key and --author.
 */
import { readFileSync } from "node:fs";
import { SealTrailError, fromBase64, parseIJson } from "@sealtrail/core";
import { UsageError, type Io } from "./io.js";
import type { OwnKey } from "./log-access.js";

/**
 * The records of a file (or stdin for `-`): one JSON object, or an array
 * of them, each refused unless it is an object.
 *
 * @example
 * ```ts
 * const payloads = readRecords(io, "risks.json");
 * ```
 */
export function readRecords(io: Io, file: string): Record<string, unknown>[] {
  const bytes = file === "-" ? io.stdin() : readFileSync(file);
  const doc = parseIJson(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file === "-" ? "stdin" : file);
  const list = Array.isArray(doc) ? doc : [doc];
  if (list.length === 0) throw new UsageError("nothing to append: the array is empty");
  return list.map((p, i) => {
    if (p === null || typeof p !== "object" || Array.isArray(p)) throw new SealTrailError("invalid", `element ${i}: a record must be a JSON object`);
    return p;
  });
}

/**
 * The author's own key of --key FILE (a base64 32-byte Ed25519 seed) and
 * --author ORG, which go together; undefined without them.
 *
 * @example
 * ```ts
 * const key = readOwnKey(o); // { org: "carrier", seed } or undefined
 * ```
 */
export function readOwnKey(o: { key?: string; author?: string }): OwnKey | undefined {
  if ((o.key === undefined) !== (o.author === undefined)) throw new UsageError("--key and --author go together");
  if (o.key === undefined) return undefined;
  const seed = fromBase64(readFileSync(o.key, "utf8").trim(), "--key");
  if (seed.length !== 32) throw new UsageError("--key must hold a base64 32-byte Ed25519 seed");
  return { org: o.author!, seed };
}
