/**
 * The layering rules of docs/adr/0001-layout.md, checked on the source text
 * (as Tessera's forbidden-function test does), so they hold even where lint
 * is not run.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)) specs.push(m[1]!);
  return specs;
}

const rel = (f: string) => relative(ROOT, f).split(sep).join("/");
const NODE_ONLY_CORE = new Set(["packages/core/src/crypto-node.ts", "packages/core/src/index.node.ts"]);
const BUILTIN = /^(node:|fs$|path$|os$|crypto$|child_process$|worker_threads$|http$|net$|stream$|buffer$|url$|util$)/;

describe("architecture", () => {
  const core = sources(join(ROOT, "packages/core/src"));
  const server = sources(join(ROOT, "packages/server/src"));

  it("finds the sources it checks", () => {
    expect(core.length).toBeGreaterThan(10);
    expect(server.length).toBeGreaterThan(10);
  });

  it("core imports no Node built-in, except its native crypto backend", () => {
    const offenders = core
      .filter((f) => !NODE_ONLY_CORE.has(rel(f)))
      .flatMap((f) => importsOf(f).filter((s) => BUILTIN.test(s)).map((s) => `${rel(f)} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it("core uses no Buffer and no process", () => {
    const offenders = core
      .filter((f) => !NODE_ONLY_CORE.has(rel(f)))
      .filter((f) => /\bBuffer\b|\bprocess\./.test(readFileSync(f, "utf8").replace(/\/\/.*|\/\*[\s\S]*?\*\//g, "")))
      .map(rel);
    expect(offenders).toEqual([]);
  });

  // The @noble libraries for hashing and signatures; zod for the SMS record
  // schemas (one source for the type, the check and the JSON Schema), which
  // the browser, the server and an auditor's verifier all run. No other.
  it("core depends only on the @noble libraries and zod", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages/core/package.json"), "utf8")) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith("@noble/") && d !== "zod")).toEqual([]);
  });

  it("only store/sqlite imports the SQLite driver", () => {
    const offenders = server
      .filter((f) => !rel(f).startsWith("packages/server/src/store/sqlite/"))
      .flatMap((f) => importsOf(f).filter((s) => s === "better-sqlite3").map(() => rel(f)));
    expect(offenders).toEqual([]);
  });

  it("only store/postgres imports the PostgreSQL driver and Kysely", () => {
    const offenders = server
      .filter((f) => !rel(f).startsWith("packages/server/src/store/postgres/"))
      .flatMap((f) => importsOf(f).filter((s) => /^(pg|kysely)(\/|$)/.test(s)).map((s) => `${rel(f)} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it("each engine folder imports only its own driver", () => {
    const offenders = server.flatMap((f) => {
      const r = rel(f);
      const foreign = r.startsWith("packages/server/src/store/sqlite/")
        ? /^(pg|kysely)(\/|$)/
        : r.startsWith("packages/server/src/store/postgres/")
          ? /^better-sqlite3$/
          : null;
      return foreign === null ? [] : importsOf(f).filter((s) => foreign.test(s)).map((s) => `${r} imports ${s}`);
    });
    expect(offenders).toEqual([]);
  });

  it("the PostgreSQL store exists and imports its driver (so the checks above check something)", () => {
    const pgFiles = server.filter((f) => rel(f).startsWith("packages/server/src/store/postgres/"));
    expect(pgFiles.flatMap(importsOf)).toEqual(expect.arrayContaining(["pg", "kysely"]));
  });

  it("only the composition root picks the engine", () => {
    const offenders = server
      .filter((f) => !rel(f).startsWith("packages/server/src/store/"))
      .filter((f) => rel(f) !== "packages/server/src/main.ts")
      .flatMap((f) => importsOf(f).filter((s) => /store\/(sqlite|postgres)\//.test(s)).map((s) => `${rel(f)} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it("nothing imports http or cli from below, and http never imports cli", () => {
    const lower = server.filter((f) => /packages\/server\/src\/(ledger|store)\//.test(rel(f)));
    const offenders = lower.flatMap((f) =>
      importsOf(f)
        .filter((s) => /\/(http|cli)\//.test(s) || s === "fastify" || s === "commander")
        .map((s) => `${rel(f)} imports ${s}`),
    );
    const httpToCli = server
      .filter((f) => rel(f).includes("/src/http/"))
      .flatMap((f) => importsOf(f).filter((s) => s.includes("/cli/")).map((s) => `${rel(f)} imports ${s}`));
    expect([...offenders, ...httpToCli]).toEqual([]);
  });
});
