/**
 * Evidence bundles with their files (docs/formats.md §14, "Bundles with
 * files"), end to end through the CLI on a real data directory: records
 * attach files (`append --attach`), one file is erased (`files erase`), and
 * `export --with-files` writes a ZIP that `verify` checks offline. Each
 * attachment is reported verified, redacted (with its erasure record),
 * missing or tampered, naming the record and the attachment; a ZIP rebuilt
 * with one changed byte, or without a file, fails.
 */
import { createHash } from "node:crypto";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { parseVerificationPolicy, verifyBundleBytes, type AttachmentReport, type BundleReport, type EvidenceBundle } from "@sealtrail/core";
import { BUNDLE_ENTRY, FILES_FOLDER, openBundleZip } from "../src/bundle/zip.js";
import { cli } from "./helpers/cli.js";
import { tempDir } from "./helpers/temp-log.js";

const VAULT = "default";
const sha = (b: Uint8Array | string): string => createHash("sha256").update(b).digest("hex");

/** Rebuild a ZIP bundle with its files changed by `edit` (undefined: left out). */
async function rebuild(from: string, to: string, edit: (sha256: string, bytes: Buffer) => Buffer | undefined): Promise<void> {
  const z = await openBundleZip(from);
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(z.bundle), BUNDLE_ENTRY);
  for (const h of z.carried) {
    const parts: Buffer[] = [];
    for await (const c of (await z.file(h))!) parts.push(c as Buffer);
    const bytes = edit(h, Buffer.concat(parts));
    if (bytes !== undefined) zip.addBuffer(bytes, `${FILES_FOLDER}${h}`);
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(to));
  z.close();
}

describe("evidence bundles with files (ZIP)", () => {
  const t = tempDir("sealtrail-bundle-files-");
  const data = join(t.dir, "data");
  const policyFile = join(t.dir, "policy.json");
  const zipFile = join(t.dir, "evidence.zip");
  const texts = {
    plan: "Site security plan, threat level 1: fences, CCTV, access badges.\n",
    photo: "seal 0042 intact at gate 3\n",
    statement: "driver J. Jansen, licence NL-123456\n",
  };
  const paths = Object.fromEntries(Object.keys(texts).map((k) => [k, join(t.dir, `${k}.txt`)])) as Record<keyof typeof texts, string>;
  const indexOf: Record<string, number> = {};
  let erasureIndex = 0;

  const attachmentsOf = (r: BundleReport, index: number): readonly AttachmentReport[] => r.records.find((x) => x.index === index)?.attachments ?? [];
  const verify = async (file: string) => {
    const v = await cli(["verify", file, "--policy", policyFile, "--json"]);
    return { code: v.code, report: JSON.parse(v.out) as BundleReport, err: v.err };
  };

  beforeAll(async () => {
    expect((await cli(["init", "--data", data])).code).toBe(0);
    for (const [k, v] of Object.entries(texts)) writeFileSync(paths[k as keyof typeof texts], v);
    const append = async (payload: object, ...files: string[]): Promise<number> => {
      const r = await cli(["append", "--data", data, "--vault", VAULT, "--type", "doc.evidence", ...files.flatMap((f) => ["--attach", f]), "-"], JSON.stringify(payload));
      expect(r.code, r.err).toBe(0);
      return Number(/"index":\s*(\d+)/.exec(r.out)?.[1] ?? /index (\d+)/.exec(r.out)?.[1]);
    };
    indexOf.plan = await append({ title: "security plan v1" }, paths.plan, paths.photo);
    indexOf.statement = await append({ title: "driver statement" }, paths.statement);
    // The same photo named again by a later record: carried once.
    indexOf.again = await append({ title: "gate 3 check" }, paths.photo);
    const erased = await cli(["files", "erase", "--data", data, "--vault", VAULT, "--reason", "personal data", `sha256:${sha(texts.statement)}`]);
    expect(erased.code, erased.err).toBe(0);
    erasureIndex = (JSON.parse(erased.out) as { index: number }).index;
    const vkey = await cli(["vkey", "--data", data, "--vault", VAULT]);
    writeFileSync(policyFile, JSON.stringify({ format: "sealtrail-policy/v1", vkey: vkey.out.trim() }));
    const ex = await cli(["export", "--data", data, "--vault", VAULT, "--query", "type=doc.evidence", "--with-files", "--out", zipFile]);
    expect(ex.code, ex.err).toBe(0);
    expect(ex.err).toContain("2 file(s) carried, 1 erased");
  });
  afterAll(() => t.cleanup());

  it("indexes of the records were read", () => {
    expect(Object.values(indexOf).every((i) => Number.isSafeInteger(i) && i > 0)).toBe(true);
  });

  it("the ZIP holds bundle.json, each file once, the erased one listed with its erasure record", async () => {
    const z = await openBundleZip(zipFile);
    try {
      expect([...z.carried].sort()).toEqual([sha(texts.plan), sha(texts.photo)].sort());
      const bundle = JSON.parse(Buffer.from(z.bundle).toString("utf8")) as EvidenceBundle;
      expect(bundle.erased).toEqual([{ sha256: sha(texts.statement), index: erasureIndex }]);
      expect(bundle.records.map((r) => r.index)).toContain(erasureIndex);
      const parts: Buffer[] = [];
      for await (const c of (await z.file(sha(texts.plan)))!) parts.push(c as Buffer);
      expect(Buffer.concat(parts).toString("utf8")).toBe(texts.plan);
      expect(await z.file(sha(texts.statement))).toBeNull();
    } finally {
      z.close();
    }
  });

  it("verifies: each attachment verified, the erased one redacted with its erasure record", async () => {
    const { code, report, err } = await verify(zipFile);
    expect(code, err).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.files).toEqual({ verified: 3, redacted: 1, missing: 0, tampered: 0 });
    expect(attachmentsOf(report, indexOf.plan!).map((a) => [a.name, a.status])).toEqual([
      ["plan.txt", "verified"],
      ["photo.txt", "verified"],
    ]);
    expect(attachmentsOf(report, indexOf.again!).map((a) => a.status)).toEqual(["verified"]);
    expect(attachmentsOf(report, indexOf.statement!)).toEqual([
      expect.objectContaining({ name: "statement.txt", status: "redacted", erasure: expect.objectContaining({ index: erasureIndex, by: "operator", reason: "personal data" }) }),
    ]);
    const text = await cli(["verify", zipFile, "--policy", policyFile]);
    expect(text.out).toContain(`attachment 0 "statement.txt" sha256:${sha(texts.statement)}`);
    expect(text.out).toMatch(/redacted by operator at .* \(entry \d+: personal data\)/);
    expect(text.out).toContain("attachments: 3 verified, 1 redacted, 0 missing, 0 tampered");
  });

  it("one changed byte in a carried file is named: the record, the attachment, what the bytes are", async () => {
    const bad = join(t.dir, "tampered.zip");
    await rebuild(zipFile, bad, (h, b) => {
      if (h !== sha(texts.photo)) return b;
      const c = Buffer.from(b);
      c[5]! ^= 0x20;
      return c;
    });
    const { code, report } = await verify(bad);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.files).toEqual({ verified: 1, redacted: 1, missing: 0, tampered: 2 });
    const tampered = report.failures.filter((f) => f.code === "attachment_tampered");
    expect(tampered.map((f) => f.index).sort()).toEqual([indexOf.plan, indexOf.again].sort());
    expect(tampered[0]!.message).toContain(`"photo.txt" (sha256:${sha(texts.photo)})`);
    const photo = attachmentsOf(report, indexOf.plan!)[1]!;
    expect(photo.status).toBe("tampered");
    expect(photo.found?.length).toBe(texts.photo.length);
    expect(photo.found?.sha256).not.toBe(sha(texts.photo));
    // The records themselves still hold: only their evidence does not.
    expect(report.counts.invalid).toBe(0);
  });

  it("a file left out of the archive is missing, and an erased one cannot be explained away by the list alone", async () => {
    const without = join(t.dir, "without.zip");
    await rebuild(zipFile, without, (h, b) => (h === sha(texts.plan) ? undefined : b));
    const { code, report } = await verify(without);
    expect(code).toBe(1);
    expect(report.files).toMatchObject({ missing: 1, redacted: 1 });
    expect(report.failures).toEqual([expect.objectContaining({ code: "attachment_missing", index: indexOf.plan })]);

    // The bundle's erased list naming the plan too changes nothing: only signed erasure records count.
    const z = await openBundleZip(without);
    const bundle = JSON.parse(Buffer.from(z.bundle).toString("utf8")) as EvidenceBundle;
    z.close();
    const forged = { ...bundle, erased: [...(bundle.erased ?? []), { sha256: sha(texts.plan), index: erasureIndex }] };
    const policy = parseVerificationPolicy(JSON.parse(readFileSync(policyFile, "utf8")));
    const r = await verifyBundleBytes(new TextEncoder().encode(JSON.stringify(forged)), policy, { files: async () => null });
    expect(r.files).toMatchObject({ missing: 3, redacted: 1 });
  });

  it("without the files, a JSON bundle's attachments are not looked at", async () => {
    const z = await openBundleZip(zipFile);
    const policy = parseVerificationPolicy(JSON.parse(readFileSync(policyFile, "utf8")));
    const r = await verifyBundleBytes(z.bundle, policy);
    z.close();
    expect(r.ok).toBe(true);
    expect(r.files).toBeUndefined();
    expect(r.records.some((x) => x.attachments !== undefined)).toBe(false);
  });

  it("export --with-files needs --out", async () => {
    const r = await cli(["export", "--data", data, "--vault", VAULT, "--query", "type=doc.evidence", "--with-files"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--with-files writes a ZIP archive");
  });
});
