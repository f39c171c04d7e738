/** Where the CLI reads and writes, and the error that makes a usage failure (exit code 2). */
import { readFileSync } from "node:fs";

/** Where the CLI reads and writes (the process's own streams by default; tests capture them). */
export interface Io {
  out: (s: string) => void;
  outBytes: (b: Uint8Array) => void;
  err: (s: string) => void;
  stdin: () => Buffer;
}

/**
 * The process's standard streams.
 *
 * @example
 * ```ts
 * defaultIo.out("done\n");
 * ```
 */
export const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  outBytes: (b) => process.stdout.write(b),
  err: (s) => process.stderr.write(s),
  stdin: () => readFileSync(0),
};

/** Raised for wrong command-line use: exit code 2. */
export class UsageError extends Error {}
