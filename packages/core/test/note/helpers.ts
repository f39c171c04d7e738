// Shared test helpers for note and proof tests (not a test file).
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { SealTrailError, type ErrorCode } from "../../src/errors.js";

const TESTDATA = new URL("../../../../testdata/note/", import.meta.url);

export function readTestdata(name: string): string {
  return readFileSync(new URL(name, TESTDATA), "utf8");
}

export function readTestdataJson<T>(name: string): T {
  return JSON.parse(readTestdata(name)) as T;
}

/** Run fn and return the SealTrailError it throws; fail on success or on any other error. */
export function catchSealTrail(fn: () => unknown): SealTrailError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SealTrailError) return e;
    throw new Error(`expected a SealTrailError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected a SealTrailError, but the call succeeded");
}

export function expectSealTrail(fn: () => unknown, code?: ErrorCode, message?: string): SealTrailError {
  const e = catchSealTrail(fn);
  if (code !== undefined) expect(e.code, e.message).toBe(code);
  if (message !== undefined) expect(e.message).toContain(message);
  return e;
}

/** Either returns normally or throws a SealTrailError; anything else fails the test. */
export function onlySealTrailErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SealTrailError)) throw new Error(`non-SealTrailError thrown: ${String(e)}`, { cause: e });
  }
}

export const enc = new TextEncoder();
export const dec = new TextDecoder();
