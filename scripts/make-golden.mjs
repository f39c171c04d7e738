#!/usr/bin/env node
// Regenerates testdata/golden, the golden log (see testdata/golden/SOURCE.md).
// Regenerate only for an intentional change of a byte format, and say so in
// the commit: test/golden.test.ts fails on any other difference.
//
//   npm run build && node scripts/make-golden.mjs [out-dir]
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildGolden } from "../packages/server/test/fixtures/golden-build.mjs";

const out = process.argv[2] ?? join(import.meta.dirname, "..", "testdata", "golden");
// Everything but the hand-written SOURCE.md is generated: clear it first so
// that files no longer produced do not linger.
try {
  for (const name of readdirSync(out)) if (name !== "SOURCE.md") rmSync(join(out, name), { recursive: true, force: true });
} catch (e) {
  if (e.code !== "ENOENT") throw e;
}
const files = await buildGolden(out);
console.log(`wrote ${files.length} files to ${out}`);
