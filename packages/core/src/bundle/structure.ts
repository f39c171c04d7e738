/**
 * The bundle's top-level shape (docs/formats.md §14), checked before
 * anything else is read.
 */
import { isObj } from "./state.js";
import { BUNDLE_FORMAT } from "./types.js";

// Top-level shape of §14; null when it holds, else what is wrong.
export function checkShape(b: Record<string, unknown>): string | null {
  if (b.format !== BUNDLE_FORMAT) return `bundle.format: must be "${BUNDLE_FORMAT}"`;
  if (typeof b.vault !== "string" || typeof b.origin !== "string") return "bundle: vault and origin must be strings";
  for (const k of ["checkpoints", "consistency", "anchors", "keys", "records"]) if (!Array.isArray(b[k])) return `bundle.${k}: must be an array`;
  if ((b.checkpoints as unknown[]).some((c) => typeof c !== "string")) return "bundle.checkpoints: each must be a note text";
  const m = b.manifest;
  if (!isObj(m) || !Array.isArray(m.indices) || typeof m.leafHashes !== "string") return "bundle.manifest: must be {indices, leafHashes}";
  const inc = b.inclusion;
  if (!isObj(inc) || typeof inc.size !== "number" || !Number.isSafeInteger(inc.size) || typeof inc.proof !== "string") return "bundle.inclusion: must be {size, proof}";
  if (b.erased !== undefined && (!Array.isArray(b.erased) || !b.erased.every((e) => isObj(e) && typeof e.sha256 === "string" && typeof e.index === "number"))) {
    return "bundle.erased: must be a list of {sha256, index}";
  }
  return null;
}

/** Strictly ascending safe integers (the manifest's indices). */
export function sortedUnique(a: readonly unknown[]): boolean {
  let prev = -1;
  for (const x of a) {
    if (typeof x !== "number" || !Number.isSafeInteger(x) || x <= prev) return false;
    prev = x;
  }
  return true;
}
