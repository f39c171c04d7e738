/**
 * Declared media types against the bytes (files/media-type.ts): what
 * file-type detects from the first bytes must not contradict the type an
 * author declares and signs; container formats (ZIP, CFB, XML) accept the
 * document types built on them; text types refuse binary; the allowed list
 * takes exact names and `type/*`.
 */
import { describe, expect, it } from "vitest";
import { SealTrailError } from "@sealtrail/core";
import { DEFAULT_MEDIA_TYPES, checkDeclaredType, detectMediaType, isAllowedMediaType } from "../src/files/media-type.js";

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const PDF = bytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], "IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
// A ZIP local file header (APPNOTE 4.3.7) of an entry named a.txt, stored.
const ZIP = bytes([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0], "a.txt", "hello");
const ELF = bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], new Array(56).fill(0));

async function refusal(p: Promise<unknown>): Promise<SealTrailError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SealTrailError);
  return e as SealTrailError;
}

describe("media types", () => {
  it("detects from magic numbers, and nothing from text", async () => {
    expect(await detectMediaType(PDF)).toBe("application/pdf");
    expect(await detectMediaType(PNG)).toBe("image/png");
    expect(await detectMediaType(bytes('{"a":1}'))).toBeUndefined();
    expect(await detectMediaType(new Uint8Array(0))).toBeUndefined();
  });

  it("accepts a declared type the bytes agree with or cannot show", async () => {
    await checkDeclaredType("application/pdf", PDF, DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("image/png", PNG, DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("text/csv", bytes("id,name\n1,seal\n"), DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("application/json", bytes('{"a":1}'), DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("text/plain", new Uint8Array(0), DEFAULT_MEDIA_TYPES);
    // Document formats inside a ZIP container, XML flavours.
    await checkDeclaredType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP, DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("application/zip", ZIP, DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("image/svg+xml", bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), DEFAULT_MEDIA_TYPES);
    await checkDeclaredType("image/svg+xml", bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), DEFAULT_MEDIA_TYPES);
  });

  it("refuses bytes that contradict the declared type, naming what they are", async () => {
    const png = await refusal(checkDeclaredType("application/pdf", PNG, DEFAULT_MEDIA_TYPES));
    expect(png.code).toBe("invalid");
    expect(png.detail).toMatchObject({ field: "mediaType", reason: "media_type_mismatch", declared: "application/pdf", detected: "image/png" });
    expect((await refusal(checkDeclaredType("text/plain", ZIP, DEFAULT_MEDIA_TYPES))).detail).toMatchObject({ detected: "application/zip" });
    // file-type knows the PDF magic number, and plain text does not have it.
    expect((await refusal(checkDeclaredType("application/pdf", bytes("just text\n"), DEFAULT_MEDIA_TYPES))).message).toContain("the bytes are not application/pdf");
    expect((await refusal(checkDeclaredType("image/png", new Uint8Array(0), DEFAULT_MEDIA_TYPES))).detail).toMatchObject({ reason: "media_type_mismatch" });
    // Undetected binary declared as text.
    expect((await refusal(checkDeclaredType("text/plain", bytes("abc", [0, 1, 2]), DEFAULT_MEDIA_TYPES))).message).toContain("NUL");
    // A DOCX must at least be a ZIP.
    expect((await refusal(checkDeclaredType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", PDF, DEFAULT_MEDIA_TYPES))).detail).toMatchObject({
      detected: "application/pdf",
    });
  });

  it("refuses a type not allowed or not written as RFC 6838 restricted names in lowercase", async () => {
    expect((await refusal(checkDeclaredType("application/x-elf", ELF, DEFAULT_MEDIA_TYPES))).detail).toMatchObject({ reason: "media_type" });
    for (const t of ["Application/PDF", "application/pdf; charset=x", "application", "", "text/plain/x"]) {
      expect((await refusal(checkDeclaredType(t, PDF, ["*/*"]))).detail).toMatchObject({ reason: "media_type" });
    }
    expect(isAllowedMediaType("image/avif", ["image/*"])).toBe(true);
    expect(isAllowedMediaType("image/avif", ["image/png"])).toBe(false);
    expect(isAllowedMediaType("model/step", ["*/*"])).toBe(true);
    // Allowed by a wildcard, and still checked against the bytes.
    expect((await refusal(checkDeclaredType("image/jpeg", PNG, ["image/*"]))).detail).toMatchObject({ detected: "image/png" });
  });
});
