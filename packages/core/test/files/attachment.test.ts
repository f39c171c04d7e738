import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ATTACHMENTS_MEMBER, MAX_ATTACHMENTS, attachmentSchema, attachmentsOf, checkAttachments, type Attachment } from "../../src/files/attachment.js";

const HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const hexOf = (i: number): string => i.toString(16).padStart(64, "0");
const good: Attachment = { sha256: HEX, length: 3, mediaType: "application/pdf", name: "Security policy v3.pdf" };

/** The problems of a payload whose attachment 1 is `bad` (attachment 0 valid), so pointers name the position. */
const problemsWith = (bad: Record<string, unknown>) => checkAttachments({ title: "x", attachments: [good, { ...good, sha256: hexOf(1), ...bad }] });

describe("checkAttachments", () => {
  it("accepts valid descriptors, an absent member and payloads that are not objects", () => {
    expect(checkAttachments({ attachments: [good, { ...good, sha256: hexOf(2), length: 0, mediaType: "image/svg+xml", name: "seal photo.jpg", effective: "2026-01-01", expires: "2026-12-31" }] })).toEqual([]);
    expect(checkAttachments({ attachments: [] })).toEqual([]);
    expect(checkAttachments({ title: "no files" })).toEqual([]);
    for (const p of [null, undefined, 42, "attachments", [good], [{ attachments: "x" }]]) expect(checkAttachments(p)).toEqual([]);
    expect(checkAttachments({ attachments: [{ ...good, length: Number.MAX_SAFE_INTEGER, name: "é".repeat(127) + "x" }] })).toEqual([]);
    expect(checkAttachments({ attachments: [{ ...good, mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }] })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["uppercase hex", { sha256: HEX.toUpperCase() }, "/attachments/1/sha256", /64 lowercase hex/],
    ["a short digest", { sha256: HEX.slice(1) }, "/attachments/1/sha256", /64 lowercase hex/],
    ["a prefixed digest", { sha256: `sha256:${HEX}` }, "/attachments/1/sha256", /64 lowercase hex/],
    ["a negative length", { length: -1 }, "/attachments/1/length", /integer from 0/],
    ["a fractional length", { length: 1.5 }, "/attachments/1/length", /integer from 0/],
    ["a length past 2^53-1", { length: 2 ** 53 }, "/attachments/1/length", /integer from 0/],
    ["a length as text", { length: "3" }, "/attachments/1/length", /integer from 0/],
    ["a capitalised media type", { mediaType: "Application/PDF" }, "/attachments/1/mediaType", /lowercase type\/subtype/],
    ["a media type with parameters", { mediaType: "text/plain; charset=utf-8" }, "/attachments/1/mediaType", /no parameters/],
    ["a media type without subtype", { mediaType: "application" }, "/attachments/1/mediaType", /type\/subtype/],
    ["a media type starting with a symbol", { mediaType: "application/+json" }, "/attachments/1/mediaType", /RFC 6838/],
    ["a name holding a slash", { name: "../etc/passwd" }, "/attachments/1/name", /not a path/],
    ["a name holding a backslash", { name: "C:\\evidence.pdf" }, "/attachments/1/name", /not a path/],
    ["a name holding a NUL", { name: "a\u0000.pdf" }, "/attachments/1/name", /control characters/],
    ["a name holding a newline", { name: "a\n.pdf" }, "/attachments/1/name", /control characters/],
    ["a name holding DEL", { name: "a\u007f.pdf" }, "/attachments/1/name", /control characters/],
    ["a name holding a C1 control", { name: "a\u0085.pdf" }, "/attachments/1/name", /control characters/],
    ["a name holding U+2028", { name: "a\u2028.pdf" }, "/attachments/1/name", /line separators/],
    ["a name holding U+2029", { name: "a\u2029.pdf" }, "/attachments/1/name", /line separators/],
    ["the name .", { name: "." }, "/attachments/1/name", /not \. or \.\./],
    ["the name ..", { name: ".." }, "/attachments/1/name", /not \. or \.\./],
    ["an empty name", { name: "" }, "/attachments/1/name", /at least one/],
    ["a leading space", { name: " a.pdf" }, "/attachments/1/name", /leading or trailing space/],
    ["a trailing space", { name: "a.pdf " }, "/attachments/1/name", /leading or trailing space/],
    ["a name of 256 UTF-8 bytes", { name: "é".repeat(128) }, "/attachments/1/name", /255 UTF-8 bytes/],
    ["a lone surrogate", { name: "a\ud800.pdf" }, "/attachments/1/name", /lone surrogate/],
    ["a name that is not text", { name: 7 }, "/attachments/1/name", /string/],
    ["an effective date that is not a date", { effective: "2026-13-01" }, "/attachments/1/effective", /YYYY-MM-DD/],
    ["an expiry date with a time", { expires: "2026-01-01T00:00:00Z" }, "/attachments/1/expires", /YYYY-MM-DD/],
    ["an expiry before the effective date", { effective: "2026-02-01", expires: "2026-01-31" }, "/attachments/1/expires", /not before the effective/],
    ["an unknown member", { url: "https://example.org/a.pdf" }, "/attachments/1/url", /not a member/],
    ["a digest named twice", { sha256: HEX }, "/attachments/1/sha256", /named once per record/],
  ])("refuses %s, naming its pointer", (_, bad, pointer, message) => {
    const problems = problemsWith(bad);
    expect(problems.map((p) => p.pointer)).toEqual([pointer]);
    expect(problems[0]!.message).toMatch(message);
  });

  it("refuses a missing member, naming it", () => {
    const { name: _, ...noName } = good;
    expect(checkAttachments({ attachments: [noName] })).toEqual([{ pointer: "/attachments/0/name", message: expect.any(String) }]);
  });

  it("refuses a member that is not an array, or a descriptor that is not an object", () => {
    expect(checkAttachments({ attachments: good }).map((p) => p.pointer)).toEqual(["/attachments"]);
    expect(checkAttachments({ attachments: null }).map((p) => p.pointer)).toEqual(["/attachments"]);
    expect(checkAttachments({ attachments: [good, "policy.pdf"] }).map((p) => p.pointer)).toEqual(["/attachments/1"]);
  });

  it(`refuses more than ${MAX_ATTACHMENTS} attachments`, () => {
    const many = (n: number) => ({ attachments: Array.from({ length: n }, (_, i) => ({ ...good, sha256: hexOf(i) })) });
    expect(checkAttachments(many(MAX_ATTACHMENTS))).toEqual([]);
    expect(checkAttachments(many(MAX_ATTACHMENTS + 1))).toEqual([{ pointer: "/attachments", message: `at most ${MAX_ATTACHMENTS} attachments` }]);
  });

  it("escapes an unknown member's name in its pointer (RFC 6901)", () => {
    expect(checkAttachments({ attachments: [{ ...good, "a/b~c": 1 }] }).map((p) => p.pointer)).toEqual(["/attachments/0/a~1b~0c"]);
  });

  it("never changes the payload it checks", () => {
    const payload = { [ATTACHMENTS_MEMBER]: [{ ...good, mediaType: "Application/PDF" }] };
    const before = JSON.stringify(payload);
    expect(checkAttachments(payload)).toHaveLength(1);
    expect(attachmentsOf(payload)).toEqual([]);
    expect(JSON.stringify(payload)).toBe(before);
  });

  it("a name is valid exactly when it has no path, control character or edge space (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), (name) => {
        const ok = attachmentSchema.safeParse({ ...good, name }).success;
        const expected =
          !/[/\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name) &&
          name !== "." &&
          name !== ".." &&
          !name.startsWith(" ") &&
          !name.endsWith(" ") &&
          new TextEncoder().encode(name).length <= 255;
        expect(ok).toBe(expected);
      }),
    );
  });
});

describe("attachmentsOf", () => {
  it("gives the valid descriptors in order, [] when none", () => {
    const second = { ...good, sha256: hexOf(9), name: "photo.jpg", mediaType: "image/jpeg" };
    expect(attachmentsOf({ attachments: [good, second] })).toEqual([good, second]);
    expect(attachmentsOf({})).toEqual([]);
    expect(attachmentsOf(null)).toEqual([]);
    expect(attachmentsOf({ attachments: "x" })).toEqual([]);
  });

  it("leaves out invalid descriptors and a digest named again", () => {
    const bad = { ...good, sha256: hexOf(3), name: "a/b" };
    expect(attachmentsOf({ attachments: [good, bad, { ...good, name: "again.pdf" }] })).toEqual([good]);
  });
});
