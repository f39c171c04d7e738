/** What the commands kept in their own files borrow from the CLI around them (cli/program.ts). */
import type { Option } from "commander";
import type { Context, DatabaseLocation } from "../main.js";

/** Output, the store of a location, and the options every local command shares. */
export interface CommandDeps {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Opens the data directory or database of `loc` around `fn`, and closes it. */
  readonly withContext: <T>(loc: DatabaseLocation, fn: (ctx: Context) => Promise<T>) => Promise<T>;
  readonly dataOption: () => Option;
  readonly dbOption: () => Option;
}
