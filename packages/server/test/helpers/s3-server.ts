/**
 * A real S3-protocol server for tests: s3rver (an S3 API over a local
 * directory, speaking the REST/XML protocol the AWS SDK sends), started in a
 * child process (fixtures/s3-server.mjs) on a random loopback port with a
 * fresh directory and bucket.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

const SERVER = join(import.meta.dirname, "..", "fixtures", "s3-server.mjs");

/** A running S3 server with one empty bucket. */
export interface TestS3 {
  /** `s3://bucket/prefix?endpoint=...` with the server's credentials, for createS3FileStore. */
  readonly url: string;
  readonly bucket: string;
  readonly endpoint: string;
  /** A client on the server, for looking behind the store's back. */
  readonly client: S3Client;
  close(): Promise<void>;
}

// The AWS SDK's notice about Node 20 support ending in 2027 is not a test result.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Start s3rver on 127.0.0.1:0 with bucket `bucket` and keys under `prefix`. */
export async function startS3(bucket = "evidence", prefix = "sealtrail"): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-s3-"));
  const child = spawn(process.execPath, [SERVER, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      const m = /^port (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`s3rver exited (${String(code)}) before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts the fixed credentials S3RVER/S3RVER.
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const q = new URLSearchParams({ endpoint, region: "us-east-1", forcePathStyle: "true", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
  return {
    url: `s3://${bucket}/${prefix}?${q.toString()}`,
    bucket,
    endpoint,
    client,
    async close() {
      client.destroy();
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
