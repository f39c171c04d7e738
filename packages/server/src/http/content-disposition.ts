/**
 * Content-Disposition of a download (RFC 6266 §4): `attachment`, an ASCII
 * `filename` for old clients and the exact name as `filename*` in UTF-8
 * (RFC 8187 §3.2). A stored name holds no path or control character (core's
 * attachment rules), yet it is the author's text: every byte outside the
 * safe sets is replaced (the fallback) or percent-encoded, so no name can
 * end the header's quoted string or add a parameter.
 */

// RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/**
 * The Content-Disposition header value of a download named `name`.
 *
 * @example
 * ```ts
 * contentDisposition('Plan "B" – 2026.pdf')
 * // attachment; filename="Plan _B_ _ 2026.pdf"; filename*=UTF-8''Plan%20%22B%22%20%E2%80%93%202026.pdf
 * ```
 */
export function contentDisposition(name: string): string {
  // Printable ASCII but for the quote and backslash of a quoted-string (RFC 9110 §5.6.4) and
  // the percent sign (some clients decode it in `filename`).
  const fallback = [...name].map((c) => (/^[\x20-\x7e]$/.test(c) && c !== '"' && c !== "\\" && c !== "%" ? c : "_")).join("");
  let encoded = "";
  for (const byte of new TextEncoder().encode(name)) {
    const c = String.fromCharCode(byte);
    encoded += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
