/** Shared by the EVM anchor tests. */
import { SealTrailError } from "../../src/errors.js";

/** The SealTrailError `f` throws; fails the test when it succeeds or throws anything else. */
export function refusal(f: () => unknown): SealTrailError {
  try {
    f();
  } catch (e) {
    if (e instanceof SealTrailError) return e;
    throw e;
  }
  throw new Error("expected a SealTrailError, got success");
}
