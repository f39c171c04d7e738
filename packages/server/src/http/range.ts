/**
 * The Range header of a download (RFC 9110 §14.1.2, §14.2): one byte range
 * is served as 206, a range wholly outside the file is unsatisfiable (416),
 * and anything else (several ranges, another unit, a malformed value) is
 * ignored, as §14.2 lets a server do: the whole file is served.
 */

/** An inclusive byte range inside a file. */
export interface ByteRangeOf {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

const SINGLE = /^bytes=(\d{0,16})-(\d{0,16})$/;

/**
 * The byte range that `header` asks of a file of `length` bytes: null for
 * the whole file, or "unsatisfiable".
 *
 * @example
 * ```ts
 * parseRange("bytes=0-99", 1000)  // { start: 0, end: 99 }
 * parseRange("bytes=-10", 1000)   // { start: 990, end: 999 }
 * parseRange("bytes=2000-", 1000) // "unsatisfiable"
 * ```
 */
export function parseRange(header: string | undefined, length: number): ByteRangeOf | null | "unsatisfiable" {
  if (header === undefined) return null;
  const m = SINGLE.exec(header.trim());
  if (m === null) return null;
  const [, first, last] = m as unknown as [string, string, string];
  if (first === "" && last === "") return null;
  if (first === "") {
    // A suffix: the last N bytes (§14.1.3).
    const n = Number(last);
    if (n === 0 || length === 0) return "unsatisfiable";
    return { start: Math.max(0, length - n), end: length - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= length) return "unsatisfiable";
  const end = last === "" ? length - 1 : Math.min(Number(last), length - 1);
  return { start, end };
}
