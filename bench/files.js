/**
 * Evidence files over HTTP, to and from the directory store, against a real
 * `sealtrail serve` process on loopback. Beside the figures, this machine's
 * own ceilings measured in the same run: SHA-256 (node:crypto, one core,
 * over the same 1 MiB chunks the upload sends) and sequential disk writes
 * (write + fsync of a file of the same size in the same data directory).
 * An upload must hash and write every byte, so the lower of the two bounds
 * it (goal: at least 70% of it). Then a larger upload while the server's
 * resident memory is sampled (goal: peak less than 100 MiB above idle).
 *
 * Bodies are streamed from a generator, never held whole: the bench itself
 * holds one chunk at a time.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { log, now, tempDir } from "./util.js";

const CLI = fileURLToPath(new URL("../packages/server/bin/sealtrail.js", import.meta.url));
const VAULT = "default";
const CHUNK = 1 << 20;
const MiB = 1 << 20;

/** Chunks of a body of `length` bytes: one random block, each chunk tagged with its index (no two equal). */
function* chunks(block, length) {
  for (let off = 0, i = 0; off < length; off += CHUNK, i++) {
    const c = Buffer.allocUnsafe(Math.min(CHUNK, length - off));
    block.copy(c, 0, 0, c.length);
    c.writeUInt32BE(i, 16);
    yield c;
  }
}

function digest(block, length) {
  const h = createHash("sha256");
  for (const c of chunks(block, length)) h.update(c);
  return h.digest("hex");
}

/** SHA-256 of 1 MiB chunks on one core, bytes/s, over about `ms`. */
function sha256Rate(ms = 3000) {
  const buf = randomBytes(CHUNK);
  const h = createHash("sha256");
  let bytes = 0;
  const t0 = now();
  while (now() - t0 < ms) {
    for (let i = 0; i < 64; i++) h.update(buf);
    bytes += 64 * CHUNK;
  }
  h.digest();
  return (bytes * 1000) / (now() - t0);
}

/** Sequential write + fsync of `length` bytes in `dir`, bytes/s (as the store writes: 1 MiB writes, one fsync). */
function diskWriteRate(dir, length) {
  const path = join(dir, "disk-ceiling.bin");
  const buf = randomBytes(CHUNK);
  const t0 = now();
  const fd = openSync(path, "w");
  for (let off = 0; off < length; off += CHUNK) writeSync(fd, buf, 0, Math.min(CHUNK, length - off));
  fsyncSync(fd);
  closeSync(fd);
  const ms = now() - t0;
  rmSync(path);
  return (length * 1000) / ms;
}

/** Resident memory of a process, bytes (Linux /proc). */
function rssOf(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m === null ? NaN : Number(m[1]) * 1024;
}

async function startServer(data, maxBytes) {
  const args = [CLI, "serve", "--data", data, "--port", "0", "--host", "127.0.0.1", "--max-file-size", String(maxBytes), "--media-types", "*/*"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let token = null;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${stderr}`)), 60_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => {
      stderr += d;
      token ??= /operator API key \(shown once, keep it safe\): (stk_\S+)/.exec(stderr)?.[1] ?? null;
      const m = /SealTrail listening on (http:\/\/\S+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  if (token === null) throw new Error(`server printed no operator API key:\n${stderr}`);
  return {
    url,
    token,
    pid: child.pid,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** PUT a streamed body; resolves with the status and the time from the first byte sent to the answer. */
function upload(server, sha256, length, body) {
  const u = new URL(`${server.url}/v1/vaults/${VAULT}/files/sha256:${sha256}`);
  return new Promise((resolve, reject) => {
    const t0 = now();
    // A fresh connection each time (agent: false): a kept-alive one may be closed by the server as it is reused.
    const req = request(u, {
      agent: false,
      method: "PUT",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/octet-stream", "content-length": String(length) },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, ms: now() - t0, text }));
    });
    req.on("error", reject);
    pipeline(Readable.from(body, { objectMode: false, highWaterMark: 4 * CHUNK }), req).catch(reject);
  });
}

/** GET the file whole; resolves with the bytes counted and the time to the last byte. */
function download(server, sha256) {
  const u = new URL(`${server.url}/v1/vaults/${VAULT}/files/sha256:${sha256}`);
  return new Promise((resolve, reject) => {
    const t0 = now();
    const req = request(u, { agent: false, headers: { authorization: `Bearer ${server.token}` } });
    req.on("response", (res) => {
      let bytes = 0;
      res.on("data", (d) => (bytes += d.length));
      res.on("end", () => resolve({ status: res.statusCode, bytes, ms: now() - t0, etag: res.headers.etag }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function api(server, method, path, body) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * One run: the ceilings just before and just after an upload and a download
 * of `length` bytes (the machine is shared and its speed drifts: each ratio
 * is to the ceilings measured around it).
 */
async function oneRun(server, data, length) {
  const sha0 = sha256Rate(1500);
  const disk0 = diskWriteRate(data, length);
  const block = randomBytes(CHUNK);
  const sha256 = digest(block, length);
  const up = await upload(server, sha256, length, chunks(block, length));
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.text}`);
  // A download needs a record naming the file (the route serves readers of such records only).
  await api(server, "POST", `/v1/vaults/${VAULT}/records/custodial`, {
    type: "bench.evidence",
    payload: { title: "bench", attachments: [{ sha256, length, mediaType: "application/octet-stream", name: "bench.bin" }] },
  });
  const down = await download(server, sha256);
  if (down.status !== 200 || down.bytes !== length || down.etag !== `"sha256:${sha256}"`) throw new Error(`download: ${down.status}, ${down.bytes} bytes, ETag ${down.etag}`);
  const sha1 = sha256Rate(1500);
  const disk1 = diskWriteRate(data, length);
  const sha = (sha0 + sha1) / 2;
  const disk = (disk0 + disk1) / 2;
  const lower = Math.min(sha, disk);
  const uploadRate = (length * 1000) / up.ms;
  const downloadRate = (length * 1000) / down.ms;
  return { sha256Rate: sha, diskWriteRate: disk, uploadRate, downloadRate, uploadRatio: uploadRate / lower, downloadRatio: downloadRate / lower };
}

/**
 * @param {{ bytes?: number, memoryBytes?: number, runs?: number }} opts upload/download size (default 1 GiB),
 *   memory-test upload size (default 2 GiB), runs (default 3; the median ratio is reported)
 */
export async function benchFiles(opts = {}) {
  const length = opts.bytes ?? 1024 * MiB;
  const memoryLength = opts.memoryBytes ?? 2048 * MiB;
  const runs = opts.runs ?? 3;
  const data = tempDir("files");
  const server = await startServer(data, Math.max(length, memoryLength));
  try {
    const all = [];
    for (let i = 0; i < runs; i++) {
      log(`files: run ${i + 1}/${runs}: SHA-256 and write+fsync of ${length / MiB} MiB, upload and download of ${length / MiB} MiB over HTTP, the ceilings again`);
      all.push(await oneRun(server, data, length));
    }

    log(`files: upload ${memoryLength / MiB} MiB while sampling the server's resident memory`);
    const memBlock = randomBytes(CHUNK);
    const memSha = digest(memBlock, memoryLength);
    // Idle: after the uploads and downloads above, settled.
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssOf(server.pid);
    let peak = idle;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(server.pid))), 20);
    const big = await upload(server, memSha, memoryLength, chunks(memBlock, memoryLength));
    clearInterval(timer);
    peak = Math.max(peak, rssOf(server.pid));
    if (big.status !== 201) throw new Error(`upload answered ${big.status}: ${big.text}`);
    const mid = (k) => median(all.map((r) => r[k]));
    return {
      bytes: length,
      runs: all,
      sha256Rate: mid("sha256Rate"),
      diskWriteRate: mid("diskWriteRate"),
      uploadRate: mid("uploadRate"),
      downloadRate: mid("downloadRate"),
      uploadRatio: mid("uploadRatio"),
      downloadRatio: mid("downloadRatio"),
      memoryBytes: memoryLength,
      memoryUploadRate: (memoryLength * 1000) / big.ms,
      idleRss: idle,
      peakRss: peak,
    };
  } finally {
    await server.stop();
  }
}

/** The bench's rows of the closing table. */
export function filesRows(r, { fmtPct }) {
  const mbs = (x) => `${(x / 1e6).toFixed(0)} MB/s`;
  const ceiling = `SHA-256 ${mbs(r.sha256Rate)}, disk write+fsync ${mbs(r.diskWriteRate)}`;
  const mib = (x) => `${(x / MiB).toFixed(0)} MiB`;
  const each = (k) => r.runs.map((x) => fmtPct(x[k])).join(", ");
  return [
    ["files", `upload ${mib(r.bytes)} over HTTP, directory store (hash, write, fsync, link); median of ${r.runs.length}`, mbs(r.uploadRate), ceiling, `${fmtPct(r.uploadRatio)} of the lower (runs: ${each("uploadRatio")})`],
    ["files", `download ${mib(r.bytes)} over HTTP; median of ${r.runs.length}`, mbs(r.downloadRate), ceiling, `${fmtPct(r.downloadRatio)} of the lower (runs: ${each("downloadRatio")})`],
    [
      "files",
      `server RSS during a ${mib(r.memoryBytes)} upload (${mbs(r.memoryUploadRate)})`,
      `peak ${mib(r.peakRss - r.idleRss)} above idle`,
      `idle ${mib(r.idleRss)}`,
      r.peakRss - r.idleRss < 100 * MiB ? "under 100 MiB" : "over 100 MiB",
    ],
  ];
}
