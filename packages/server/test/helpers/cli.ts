/** Run the sealtrail CLI in-process, capturing what it prints. */
import { main } from "../../src/cli/run.js";

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  /** Raw bytes written to stdout (entry dumps). */
  readonly bytes: Uint8Array;
  readonly err: string;
}

/**
 * Run `sealtrail ...args` with `stdin` as standard input.
 *
 * @example
 * ```ts
 * const r = await cli(["vkey", "--data", dir, "--vault", "default"]);
 * ```
 */
export async function cli(args: string[], stdin = ""): Promise<CliRun> {
  let out = "";
  let err = "";
  const chunks: Uint8Array[] = [];
  const code = await main(["node", "sealtrail", ...args], {
    out: (s) => void (out += s),
    outBytes: (b) => void chunks.push(b),
    err: (s) => void (err += s),
    stdin: () => Buffer.from(stdin),
  });
  return { code, out, bytes: Buffer.concat(chunks), err };
}
