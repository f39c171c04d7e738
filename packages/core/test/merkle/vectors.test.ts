// transparency-dev/merkle inclusion and consistency vectors (testdata/merkle,
// see SOURCE.md there): valid ones verify, wantErr ones raise SealTrailError.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromBase64 } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import { verifyConsistency, verifyInclusion } from "../../src/merkle/index.js";

const ROOT = fileURLToPath(new URL("../../../../testdata/merkle/", import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith(".json") ? [p] : [];
    });
}

// Sizes and indices go up to 2^64-1, beyond JSON numbers' exact range: quote
// them before JSON.parse so BigInt gets every digit.
function load(path: string): Record<string, unknown> {
  const text = readFileSync(path, "utf8").replace(/"(leafIdx|treeSize|size1|size2)":\s*(\d+)/g, '"$1": "$2"');
  return JSON.parse(text) as Record<string, unknown>;
}

const b64 = (s: unknown): Uint8Array => fromBase64(s as string);
const proofOf = (p: unknown): Uint8Array[] => ((p as string[] | null) ?? []).map(b64);

function expectOutcome(run: () => void, wantErr: boolean): void {
  if (!wantErr) {
    expect(run).not.toThrow();
    return;
  }
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SealTrailError);
    expect(["bad_proof", "invalid"]).toContain((e as SealTrailError).code);
    return;
  }
  expect.fail("verification succeeded but the vector wants an error");
}

const inclusion = walk(join(ROOT, "inclusion"));
const consistency = walk(join(ROOT, "consistency"));

describe("transparency-dev/merkle vectors", () => {
  it("are all present", () => {
    expect(inclusion.length + consistency.length).toBe(196);
  });

  it.each(inclusion.map((p) => [p.slice(ROOT.length), p]))("inclusion %s", (_name, path) => {
    const v = load(path);
    expectOutcome(
      () => verifyInclusion(BigInt(v.leafIdx as string), BigInt(v.treeSize as string), b64(v.leafHash), proofOf(v.proof), b64(v.root)),
      v.wantErr === true,
    );
  });

  it.each(consistency.map((p) => [p.slice(ROOT.length), p]))("consistency %s", (_name, path) => {
    const v = load(path);
    expectOutcome(
      () => verifyConsistency(BigInt(v.size1 as string), BigInt(v.size2 as string), proofOf(v.proof), b64(v.root1), b64(v.root2)),
      v.wantErr === true,
    );
  });
});
