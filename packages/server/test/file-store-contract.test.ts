/**
 * The file store contract: every store must pass this suite unchanged
 * (`for (const kind of STORES)`): the directory store in a temp directory,
 * and the S3 store against a real S3-protocol server (s3rver) started here
 * on a random loopback port. Bodies are streamed from generators, never
 * held whole (helpers/file-body.ts).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SealTrailError } from "@sealtrail/core";
import { TMP_DIR } from "../src/files/directory-store.js";
import type { FileStore } from "../src/files/file-store.js";
import { FILES_DIR, openFileStore, parseS3Url, redactUrl } from "../src/files/index.js";
import { readAll, testBody } from "./helpers/file-body.js";
import { startS3, type TestS3 } from "./helpers/s3-server.js";
import { tempDir } from "./helpers/temp-log.js";

interface Opened {
  readonly store: FileStore;
  /** Temporary objects or files left behind (a refused upload must leave none). */
  leftovers(): Promise<string[]>;
  /** Every name under the store's root (files and objects), to see that a refused put named nothing. */
  names(): Promise<string[]>;
  cleanup(): Promise<void>;
}

interface StoreKind {
  readonly name: string;
  /** Of identical puts racing, exactly one reports `created` (S3 has no portable create-only copy). */
  readonly exclusiveCreate: boolean;
  /** Most resident memory a put and a get may add, whatever the file's size (the store's buffers). */
  readonly memoryBound: number;
  open(): Promise<Opened>;
}

let s3: TestS3 | undefined;
let prefixes = 0;

function walk(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

async function s3Keys(prefix: string): Promise<string[]> {
  const r = await s3!.client.send(new ListObjectsV2Command({ Bucket: s3!.bucket, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key!);
}

const STORES: StoreKind[] = [
  {
    name: "directory",
    exclusiveCreate: true,
    // Two 1 MiB write batches and a 1 MiB read chunk, with room for the allocator.
    memoryBound: 16 * 1024 * 1024,
    async open() {
      const t = tempDir("sealtrail-files-");
      // As the composition root opens it: `<data>/files`.
      const store = openFileStore({ dataDir: t.dir });
      const root = join(t.dir, FILES_DIR);
      return {
        store,
        leftovers: async () => walk(root).filter((p) => p.includes(`/${TMP_DIR}/`)),
        names: async () => walk(root).filter((p) => !p.includes(`/${TMP_DIR}/`)),
        cleanup: async () => {
          await store.close();
          t.cleanup();
        },
      };
    },
  },
  {
    name: "s3",
    exclusiveCreate: false,
    // lib-storage holds QUEUE_SIZE parts of 8 MiB in flight, one being filled and its copy (measured: about 35 MiB).
    memoryBound: 48 * 1024 * 1024,
    async open() {
      // A fresh prefix per test: the same bucket, nothing shared.
      const prefix = `p${prefixes++}`;
      const store = openFileStore({ dataDir: "unused", url: s3!.url.replace("/sealtrail?", `/${prefix}?`) });
      return {
        store,
        leftovers: () => s3Keys(`${prefix}/.tmp/`),
        names: async () => (await s3Keys(`${prefix}/`)).filter((k) => !k.startsWith(`${prefix}/.tmp/`)),
        cleanup: () => store.close(),
      };
    },
  },
];

const V = "vault-a";

// A garbage collection on demand, without a flag on the whole test run.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function refusal(p: Promise<unknown>): Promise<SealTrailError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SealTrailError);
  return e as SealTrailError;
}

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

for (const kind of STORES) {
  describe(`file store contract: ${kind.name}`, () => {
    let o: Opened;
    let store: FileStore;
    beforeEach(async () => {
      o = await kind.open();
      store = o.store;
    });
    afterEach(async () => {
      await o.cleanup();
    });

    it("puts, stats, gets, lists and deletes a file of several parts", async () => {
      // 12 MiB: more than one S3 multipart part and more than one directory write batch.
      const b = testBody(12 * 1024 * 1024 + 123);
      expect(await store.stat(V, b.sha256)).toBeNull();
      expect(await store.put(V, b.sha256, b.length, b.chunks())).toEqual({ created: true });
      expect(await store.stat(V, b.sha256)).toEqual({ length: b.length });
      expect(await readAll(await store.get(V, b.sha256))).toEqual({ sha256: b.sha256, length: b.length });
      const listed = [];
      for await (const f of store.list(V)) listed.push(f);
      expect(listed.map((f) => [f.sha256, f.length])).toEqual([[b.sha256, b.length]]);
      expect(listed[0]!.storedAt.getTime()).toBeGreaterThan(Date.now() - 600_000);
      expect(await store.delete(V, b.sha256)).toBe(true);
      expect(await store.stat(V, b.sha256)).toBeNull();
      expect(await store.delete(V, b.sha256)).toBe(false);
      expect((await refusal(store.get(V, b.sha256))).code).toBe("not_found");
      expect(await o.names()).toEqual([]);
    });

    it("stores an empty file", async () => {
      const b = testBody(0);
      expect(await store.put(V, b.sha256, 0, b.chunks())).toEqual({ created: true });
      expect(await store.stat(V, b.sha256)).toEqual({ length: 0 });
      expect(await readAll(await store.get(V, b.sha256))).toEqual({ sha256: b.sha256, length: 0 });
    });

    it("a second put of the same file is created:false, and its body is still checked", async () => {
      const b = testBody(300_000);
      expect(await store.put(V, b.sha256, b.length, b.chunks())).toEqual({ created: true });
      expect(await store.put(V, b.sha256, b.length, b.chunks())).toEqual({ created: false });
      expect(b.pulled()).toBe(b.length); // drained
      const e = await refusal(store.put(V, b.sha256, b.length, b.chunks({ flip: 5 })));
      expect(e.detail).toMatchObject({ reason: "digest" });
      expect(await readAll(await store.get(V, b.sha256))).toEqual({ sha256: b.sha256, length: b.length });
    });

    it("a body whose digest differs from its name is refused and nothing is kept", async () => {
      const b = testBody(9 * 1024 * 1024);
      const e = await refusal(store.put(V, b.sha256, b.length, b.chunks({ flip: b.length - 1 })));
      expect(e.code).toBe("invalid");
      expect(e.detail).toMatchObject({ reason: "digest", expected: b.sha256 });
      expect(await store.stat(V, b.sha256)).toBeNull();
      expect(await o.names()).toEqual([]);
      expect(await o.leftovers()).toEqual([]);
    });

    it("a body shorter than announced is refused and nothing is kept", async () => {
      const b = testBody(1_000_000);
      const short = testBody(999_999);
      const e = await refusal(store.put(V, b.sha256, b.length, short.chunks()));
      expect(e.detail).toMatchObject({ reason: "length", expected: 1_000_000, received: 999_999 });
      expect(await store.stat(V, b.sha256)).toBeNull();
      expect(await o.names()).toEqual([]);
      expect(await o.leftovers()).toEqual([]);
    });

    it("a body longer than announced is stopped as soon as it passes the length", async () => {
      const chunk = 64 * 1024;
      const b = testBody(2 * 1024 * 1024, chunk);
      // 64 MiB more than announced: the store must stop reading long before.
      const e = await refusal(store.put(V, b.sha256, b.length, b.chunks({ extra: 64 * 1024 * 1024 })));
      expect(e.detail).toMatchObject({ reason: "length", expected: b.length });
      expect(b.pulled()).toBeLessThanOrEqual(b.length + chunk);
      expect(await store.stat(V, b.sha256)).toBeNull();
      expect(await o.names()).toEqual([]);
      expect(await o.leftovers()).toEqual([]);
    });

    it("an aborted put keeps nothing", async () => {
      const b = testBody(20 * 1024 * 1024);
      const ac = new AbortController();
      async function* slow(): AsyncGenerator<Uint8Array> {
        let n = 0;
        for await (const c of b.chunks()) {
          if (++n === 40) ac.abort(new SealTrailError("request_timeout", "client went away"));
          yield c;
        }
      }
      const e = await refusal(store.put(V, b.sha256, b.length, slow(), { signal: ac.signal }));
      expect(e.code).toBe("request_timeout");
      expect(b.pulled()).toBeLessThan(b.length);
      expect(await store.stat(V, b.sha256)).toBeNull();
      expect(await o.names()).toEqual([]);
      expect(await o.leftovers()).toEqual([]);
    });

    it("serves byte ranges, and refuses a range outside the file", async () => {
      const b = testBody(3 * 1024 * 1024 + 7, 100_000);
      await store.put(V, b.sha256, b.length, b.chunks());
      for (const [start, end] of [
        [0, 0],
        [b.length - 1, b.length - 1],
        [99_990, 100_010],
        [1_000_000, 2_500_000],
        [0, b.length - 1],
      ] as const) {
        const got = await readAll(await store.get(V, b.sha256, { start, end }), true);
        expect(got.length).toBe(end - start + 1);
        for (const off of [start, Math.floor((start + end) / 2), end]) expect(got.bytes![off - start]).toBe(b.byteAt(off));
      }
      for (const range of [
        { start: 0, end: b.length },
        { start: 10, end: 9 },
        { start: -1, end: 3 },
        { start: 0.5, end: 3 },
      ]) {
        const e = await refusal(store.get(V, b.sha256, range));
        expect(e.code).toBe("invalid");
        expect(e.detail).toMatchObject({ reason: "range" });
      }
    });

    it("concurrent puts of the same file all succeed and store it once, whole", async () => {
      const b = testBody(6 * 1024 * 1024);
      const results = await Promise.all([0, 1, 2, 3].map(() => store.put(V, b.sha256, b.length, b.chunks())));
      const created = results.filter((r) => r.created).length;
      if (kind.exclusiveCreate) expect(created).toBe(1);
      else expect(created).toBeGreaterThanOrEqual(1);
      expect(await readAll(await store.get(V, b.sha256))).toEqual({ sha256: b.sha256, length: b.length });
      expect(await o.names()).toHaveLength(1);
      expect(await o.leftovers()).toEqual([]);
    });

    it("a vault's files are its own", async () => {
      const b = testBody(1000);
      await store.put(V, b.sha256, b.length, b.chunks());
      expect(await store.stat("vault-b", b.sha256)).toBeNull();
      expect((await refusal(store.get("vault-b", b.sha256))).code).toBe("not_found");
      expect(await store.delete("vault-b", b.sha256)).toBe(false);
      const listed = [];
      for await (const f of store.list("vault-b")) listed.push(f);
      expect(listed).toEqual([]);
      expect(await store.stat(V, b.sha256)).toEqual({ length: 1000 });
      // The same bytes in another vault are another file.
      expect(await store.put("vault-b", b.sha256, b.length, b.chunks())).toEqual({ created: true });
      expect(await store.delete(V, b.sha256)).toBe(true);
      expect(await store.stat("vault-b", b.sha256)).toEqual({ length: 1000 });
    });

    it("refuses names that are not a vault and a lowercase SHA-256", async () => {
      const b = testBody(10);
      const upper = b.sha256.toUpperCase();
      expect((await refusal(store.put(V, upper, 10, b.chunks()))).code).toBe("malformed");
      expect((await refusal(store.stat(V, "../" + b.sha256.slice(3)))).code).toBe("malformed");
      expect((await refusal(store.put("../etc", b.sha256, 10, b.chunks()))).code).toBe("invalid");
      expect((await refusal(store.put(".tmp", b.sha256, 10, b.chunks()))).code).toBe("invalid");
      expect((await refusal(store.put(V, b.sha256, -1, b.chunks()))).code).toBe("invalid");
      expect((await refusal(store.put(V, b.sha256, 2 ** 53, once(new Uint8Array(1))))).code).toBe("invalid");
      expect(await o.names()).toEqual([]);
    });

    it("a 96 MiB put and get stream: resident memory grows by the store's buffers, not by the file", async () => {
      const size = 96 * 1024 * 1024;
      const b = testBody(size, 256 * 1024);
      // Collect the chunks already consumed every 4 MiB, so that RSS shows what a store keeps, not garbage not yet collected.
      async function* collected(): AsyncGenerator<Uint8Array> {
        let n = 0;
        for await (const c of b.chunks()) {
          if (++n % 16 === 0) gc();
          // Sampled here too: a store that never yields to the event loop would starve the timer.
          peak = Math.max(peak, process.memoryUsage().rss);
          yield c;
        }
      }
      // Warm up: code loaded on first use (the S3 SDK) is not file memory.
      const warm = testBody(1024 * 1024);
      await store.put(V, warm.sha256, warm.length, warm.chunks());
      await readAll(await store.get(V, warm.sha256));
      gc();
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
      try {
        await store.put(V, b.sha256, b.length, collected());
        let read = 0;
        const got = await readAll(
          (async function* () {
            for await (const c of await store.get(V, b.sha256)) {
              if ((read += c.byteLength) >= 4 * 1024 * 1024) {
                read = 0;
                gc();
              }
              peak = Math.max(peak, process.memoryUsage().rss);
              yield c;
            }
          })(),
        );
        expect(got).toEqual({ sha256: b.sha256, length: size });
      } finally {
        clearInterval(timer);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      // A whole-file buffer would add at least 96 MiB.
      expect(peak - before).toBeLessThan(kind.memoryBound);
    });
  });
}

describe("file store URLs", () => {
  it("reads an s3:// URL: bucket, prefix, endpoint, region, path style, credentials", () => {
    const loc = parseS3Url("s3://evidence/prod/files/?endpoint=http://127.0.0.1:9000&region=eu-central-1&forcePathStyle=true&accessKeyId=A&secretAccessKey=B");
    expect(loc).toEqual({
      bucket: "evidence",
      prefix: "prod/files/",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-central-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "A", secretAccessKey: "B" },
    });
    expect(parseS3Url("s3://evidence").prefix).toBe("");
  });

  it("refuses what is not a store URL, naming the setting", () => {
    for (const url of ["ftp://host/x", "evidence", "s3:///prefix", "s3://evidence/p?regoin=x", "s3://evidence/p?accessKeyId=A"]) {
      const e = (() => {
        try {
          openFileStore({ dataDir: "unused", url });
        } catch (x) {
          return x;
        }
      })();
      expect(e, url).toBeInstanceOf(SealTrailError);
      expect((e as SealTrailError).detail, url).toMatchObject({ field: "filesUrl" });
    }
  });

  it("never shows credentials in messages", () => {
    expect(redactUrl("s3://evidence/p?endpoint=http://x&accessKeyId=AKIA&secretAccessKey=s3cr3t")).toBe("s3://evidence/p?endpoint=http://x&accessKeyId=***&secretAccessKey=***");
    expect(redactUrl("https://user:pw@host/x")).toBe("https://***@host/x");
  });
});
