/**
 * What both engines share about a vault's stored tree: the root a new vault
 * starts with, and the check of a stored tile read back for integration.
 */
import { SealTrailError } from "@sealtrail/core";
import type { StoredTileId } from "./types.js";

// SHA-256 of the empty string: the RFC 6962 root of an empty tree.
export const EMPTY_ROOT = Uint8Array.from(Buffer.from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hex"));

/**
 * The first `id.width` hashes of a stored tile that integration reads (C2SP
 * tlog-tiles: a partial tile only grows); an `internal` error if the tile is
 * missing or holds fewer, since the stored tree is then inconsistent.
 *
 * @example
 * ```ts
 * const readTile = (id: StoredTileId) => integrationTile(id, stored.get(tileKey(id.level, id.index)));
 * ```
 */
export function integrationTile(id: StoredTileId, hashes: Uint8Array | undefined): Uint8Array {
  if (hashes === undefined) throw new SealTrailError("internal", `tile ${id.level}/${id.index} missing during integration`);
  if (hashes.length < id.width * 32) {
    throw new SealTrailError("internal", `tile ${id.level}/${id.index} holds ${hashes.length / 32} hashes, needs ${id.width}`);
  }
  return hashes.subarray(0, id.width * 32);
}
