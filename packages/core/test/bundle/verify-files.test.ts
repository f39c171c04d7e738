/**
 * The bundle verifier with the bundle's files (docs/formats.md §14 step 8):
 * over a real in-memory log, each attachment of each valid record is
 * verified, redacted (only by a valid file.erasure record), missing or
 * tampered, each file read once, and a resolver that fails mid-file makes
 * the attachment tampered, never an exception.
 */
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../src/bytes.js";
import { sha256 } from "../../src/crypto.js";
import { SealTrailError } from "../../src/errors.js";
import { FILE_ERASURE_RECORD_TYPE, verifyBundle, type BundleFileResolver, type EvidenceBundle } from "../../src/bundle/index.js";
import { TestLog, assemble, codes, copy } from "./helpers.js";

const text = (s: string) => utf8(s);
const hex = (b: Uint8Array) => toHex(sha256(b));
const descriptor = (b: Uint8Array, name: string) => ({ sha256: hex(b), length: b.length, mediaType: "text/plain", name });

async function* chunked(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += 3) yield b.subarray(i, i + 3);
}

describe("bundle verification with files", () => {
  const log = new TestLog();
  const alice = log.author("alice");
  const plan = text("security plan v3\n");
  const photo = text("seal 0042 intact\n");
  const statement = text("driver statement, personal data\n");
  const a = log.record(alice, { title: "plan", attachments: [descriptor(plan, "plan.txt"), descriptor(photo, "photo.txt")] }, { type: "doc.evidence" });
  const b = log.record(alice, { title: "again", attachments: [descriptor(photo, "photo.txt")] }, { type: "doc.evidence" });
  const c = log.record(alice, { title: "statement", attachments: [descriptor(statement, "statement.txt")] }, { type: "doc.evidence" });
  const erasure = log.record(alice, { file: `sha256:${hex(statement)}`, reason: "personal data" }, { type: FILE_ERASURE_RECORD_TYPE });
  const bundle = assemble(log, [a.index, b.index, c.index, erasure.index]);
  const policy = { vkey: log.vkey };

  function resolver(files: Record<string, Uint8Array | "broken">, calls: string[] = []): BundleFileResolver {
    return (h) => {
      calls.push(h);
      const f = files[h];
      if (f === undefined) return null;
      if (f === "broken") {
        return (async function* () {
          yield text("abc");
          throw new Error("archive entry truncated");
        })();
      }
      return chunked(f);
    };
  }

  it("verifies carried files, each read once, and reports the erased one redacted by its record", async () => {
    const calls: string[] = [];
    const r = await verifyBundle(bundle, policy, { files: resolver({ [hex(plan)]: plan, [hex(photo)]: photo }, calls) });
    expect(codes(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.files).toEqual({ verified: 3, redacted: 1, missing: 0, tampered: 0 });
    expect(calls.filter((h) => h === hex(photo))).toHaveLength(1);
    const line = (i: number) => r.records.find((x) => x.index === i)!.attachments;
    expect(line(a.index)!.map((x) => [x.position, x.name, x.status])).toEqual([
      [0, "plan.txt", "verified"],
      [1, "photo.txt", "verified"],
    ]);
    expect(line(c.index)).toEqual([
      expect.objectContaining({ status: "redacted", erasure: { index: erasure.index, by: "alice", at: expect.any(String), reason: "personal data" } }),
    ]);
    // The erasure record names no attachment of its own.
    expect(line(erasure.index)).toBeUndefined();
  });

  it("names a tampered file (other bytes, or unreadable) and a missing one, by record and attachment", async () => {
    const changed = Uint8Array.from(photo);
    changed[0]! ^= 1;
    const r = await verifyBundle(bundle, policy, { files: resolver({ [hex(photo)]: changed, [hex(plan)]: "broken" }) });
    expect(r.ok).toBe(false);
    expect(r.files).toEqual({ verified: 0, redacted: 1, missing: 0, tampered: 3 });
    const msgs = r.failures.map((f) => `${f.code} ${f.index}: ${f.message}`);
    expect(msgs).toContainEqual(expect.stringContaining(`attachment_tampered ${a.index}: entry ${a.index}: attachment 1 "photo.txt" (sha256:${hex(photo)}): the carried bytes are sha256:${hex(changed)}`));
    expect(msgs).toContainEqual(expect.stringContaining("cannot be read whole: archive entry truncated"));
    expect(r.records.find((x) => x.index === a.index)!.attachments![1]!.found).toEqual({ sha256: hex(changed), length: photo.length });

    const none = await verifyBundle(bundle, policy, { files: resolver({}) });
    expect(none.files).toEqual({ verified: 0, redacted: 1, missing: 3, tampered: 0 });
    expect(codes(none)).toEqual(["attachment_missing", "attachment_missing", "attachment_missing"]);
  });

  it("an erasure record that does not verify, or an erased list alone, redacts nothing", async () => {
    const forged = copy<Omit<EvidenceBundle, "records"> & { records: { index: number; payload?: string }[] }>(bundle);
    const e = forged.records.find((x) => x.index === erasure.index)!;
    e.payload = e.payload!.replace("personal data", "other reason!");
    const r = await verifyBundle({ ...forged, erased: [{ sha256: hex(statement), index: erasure.index }] }, policy, {
      files: resolver({ [hex(plan)]: plan, [hex(photo)]: photo }),
    });
    expect(r.files).toMatchObject({ redacted: 0, missing: 1 });
    expect(codes(r)).toEqual(expect.arrayContaining(["payload_changed", "attachment_missing"]));
  });

  it("without files, attachments are not looked at; a resolver that is not a function is refused", async () => {
    const r = await verifyBundle(bundle, policy);
    expect(r.ok).toBe(true);
    expect(r.files).toBeUndefined();
    await expect(verifyBundle(bundle, policy, { files: "zip" as unknown as BundleFileResolver })).rejects.toThrow(SealTrailError);
    const bad = await verifyBundle({ ...bundle, erased: "none" }, policy);
    expect(codes(bad)).toEqual(["bundle_malformed"]);
  });
});
