/**
 * `--help` of every command: the commands are read from the program itself,
 * so a command added later is covered without touching this file.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Command } from "commander";
import { createProgram } from "../src/cli/program.js";
import { cli } from "./helpers/cli.js";

const BIN = join(import.meta.dirname, "..", "bin", "sealtrail.js");

/** The path of every command under `cmd` (["witness", "evidence"], ...), parents before children. */
function commandPaths(cmd: Command, prefix: readonly string[] = []): string[][] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [path, ...commandPaths(c, path)];
  });
}

/** The command at `path` in `program`. */
function commandAt(program: Command, path: readonly string[]): Command {
  let cmd = program;
  for (const name of path) {
    const next = cmd.commands.find((c) => c.name() === name);
    if (next === undefined) throw new Error(`no command ${path.join(" ")}`);
    cmd = next;
  }
  return cmd;
}

const silent = { out: () => {}, outBytes: () => {}, err: () => {}, stdin: () => Buffer.alloc(0) };
const { program } = createProgram(silent);
const PATHS = [[], ...commandPaths(program)];

describe("sealtrail --help", () => {
  it("finds the commands and subcommands in the program", () => {
    const names = PATHS.map((p) => p.join(" "));
    // A few that must be there, so an empty walk cannot pass the test below.
    expect(names).toEqual(expect.arrayContaining(["", "serve", "append", "verify", "apikey create", "member remove", "witness", "witness evidence"]));
    expect(names.length).toBeGreaterThan(20);
  });

  it.each(PATHS.map((p) => [p.join(" ") || "(the program)", p] as const))("%s --help exits 0 and prints its own usage and every option", async (_name, path) => {
    const r = await cli([...path, "--help"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const usage = r.out.split("\n")[0]!;
    expect(usage.startsWith(`Usage: ${["sealtrail", ...path].join(" ")} `)).toBe(true);
    for (const option of commandAt(program, path).options) expect(r.out).toContain(option.flags);
  });

  it("shows integer defaults as digits", async () => {
    const r = await cli(["serve", "--help"]);
    // Help wraps long descriptions: compare with the line breaks undone.
    const help = r.out.replace(/\s+/g, " ");
    expect(help).toContain("--checkpoint-interval <ms> checkpoint interval (default: 1000)");
    expect(help).toContain("0 for none (default: 200)");
    expect(help).toContain("time limit of each request to a witness (default: 5000)");
    expect(help).toContain("anchor every Nth published checkpoint (default: 1)");
    expect(help).toContain("finality depth) (default: 1)");
  });

  it.each([[[]], [["serve"]], [["witness", "evidence"]], [["apikey", "create"]]])("the real binary: sealtrail %j --help exits 0 and prints to stdout", (path) => {
    const r = spawnSync(process.execPath, [BIN, ...path, "--help"], { timeout: 60_000 });
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.toString().startsWith(`Usage: ${["sealtrail", ...path].join(" ")} `)).toBe(true);
  });
});
