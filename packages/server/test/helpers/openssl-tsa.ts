/**
 * Test helper: openssl's `ts` acting as a real RFC 3161 time-stamp authority.
 *
 * - {@link makeTestPki} makes a throwaway PKI in a temp directory with the
 *   openssl command: a root CA, and TSA certificates issued by it (with the
 *   critical extendedKeyUsage timeStamping that RFC 3161 §2.3 requires, or
 *   deliberately without it for negative tests).
 * - {@link startOpensslTsa} runs a tiny HTTP server on 127.0.0.1 that answers
 *   `application/timestamp-query` POSTs (RFC 3161 §3.4) by piping the query
 *   through `openssl ts -reply -queryfile ... -config ...`.
 * - {@link opensslVerifyToken} asks `openssl ts -verify` for its opinion on a
 *   token, and {@link cmsSignTstInfo} signs arbitrary TSTInfo bytes with
 *   `openssl cms`, which (unlike `openssl ts -reply`) does not refuse a
 *   certificate that lacks the timeStamping purpose.
 *
 * Requires the `openssl` binary (OpenSSL 1.1 or 3). When it is missing,
 * {@link requireOpenssl} throws an error that says so, instead of the tests
 * being skipped in silence.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The openssl version line; throws a clear error when the binary is missing. */
export function requireOpenssl(): string {
  try {
    return execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
  } catch (e) {
    throw new Error(
      "the RFC 3161 tests need the `openssl` command (OpenSSL 1.1 or 3) on PATH: it plays a real time-stamp authority " +
        "(`openssl ts -reply`) and a second verifier (`openssl ts -verify`); install OpenSSL and run the tests again",
      { cause: e },
    );
  }
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd, timeout: 30_000 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args.slice(0, 2).join(" ")} failed: ${stderr.trim()}`, { cause: e });
  }
}

/** How a TSA certificate carries (or lacks) the timeStamping purpose. */
export type TsaEku = "critical" | "non-critical" | "none" | "with-server-auth";

/** A certificate and its key, as files in the PKI directory. */
export interface IssuedCert {
  readonly certPath: string;
  readonly keyPath: string;
  readonly der: Uint8Array;
}

/** A throwaway PKI: one root CA and the certificates issued by it. */
export interface TestPki {
  readonly dir: string;
  readonly root: IssuedCert;
  /** Issue a TSA certificate signed by the root. */
  issueTsa(name: string, opts?: { eku?: TsaEku }): Promise<IssuedCert>;
  cleanup(): void;
}

/** Key algorithm of every key in a PKI: EC P-256 (fast) or RSA 2048 (what many public TSAs use). */
export type KeyType = "ec" | "rsa";

function keyArgs(keyType: KeyType): string[] {
  return keyType === "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:2048"];
}

/** Make a root CA in a new temp directory. */
export async function makeTestPki(opts: { keyType?: KeyType; rootName?: string } = {}): Promise<TestPki> {
  requireOpenssl();
  const keyType = opts.keyType ?? "ec";
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-tsa-"));
  const rootName = opts.rootName ?? "SealTrail Test Root CA";
  // One extensions file for every certificate this PKI issues.
  writeFileSync(
    join(dir, "ext.cnf"),
    [
      "[ tsa_critical ]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, nonRepudiation",
      "extendedKeyUsage = critical, timeStamping",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "[ tsa_non-critical ]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, nonRepudiation",
      "extendedKeyUsage = timeStamping",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "[ tsa_with-server-auth ]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, nonRepudiation",
      "extendedKeyUsage = critical, timeStamping, serverAuth",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "[ tsa_none ]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, nonRepudiation",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "",
    ].join("\n"),
  );
  await openssl(
    [
      "req", "-x509", ...keyArgs(keyType), "-nodes", "-keyout", "root.key", "-out", "root.pem", "-days", "2",
      "-subj", `/O=SealTrail Tests/CN=${rootName}`,
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      "-addext", "subjectKeyIdentifier=hash",
    ],
    dir,
  );
  const der = async (pem: string): Promise<Uint8Array> => {
    const out = `${pem}.der`;
    await openssl(["x509", "-in", pem, "-outform", "DER", "-out", out], dir);
    return new Uint8Array(readFileSync(join(dir, out)));
  };
  const root: IssuedCert = { certPath: join(dir, "root.pem"), keyPath: join(dir, "root.key"), der: await der("root.pem") };
  let serial = 1;
  return {
    dir,
    root,
    async issueTsa(name, o = {}) {
      const base = `tsa-${++serial}`;
      await openssl(["req", ...keyArgs(keyType), "-nodes", "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", `/O=SealTrail Tests/CN=${name}`], dir);
      await openssl(
        [
          "x509", "-req", "-in", `${base}.csr`, "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", String(serial),
          "-days", "1", "-sha256", "-extfile", "ext.cnf", "-extensions", `tsa_${o.eku ?? "critical"}`, "-out", `${base}.pem`,
        ],
        dir,
      );
      return { certPath: join(dir, `${base}.pem`), keyPath: join(dir, `${base}.key`), der: await der(`${base}.pem`) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running openssl TSA behind HTTP. */
export interface OpensslTsa {
  /** POST timestamp queries here. */
  readonly url: string;
  readonly pki: TestPki;
  readonly tsa: IssuedCert;
  /** Requests answered so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/**
 * Start an openssl TSA on 127.0.0.1 with a fresh PKI (or the given one). The
 * TSA certificate always has the critical timeStamping EKU, since
 * `openssl ts -reply` refuses to sign with any other.
 */
export async function startOpensslTsa(opts: { pki?: TestPki; keyType?: KeyType; name?: string } = {}): Promise<OpensslTsa> {
  const pki = opts.pki ?? (await makeTestPki({ keyType: opts.keyType ?? "ec" }));
  const tsa = await pki.issueTsa(opts.name ?? "SealTrail Test TSA");
  const tsaDir = mkdtempSync(join(pki.dir, "ts-"));
  // The serial file must hold a hex serial to start from (openssl ts reads, increments and rewrites it).
  writeFileSync(join(tsaDir, "serial"), "01\n");
  const config = join(tsaDir, "tsa.cnf");
  writeFileSync(
    config,
    [
      "[ tsa ]",
      "default_tsa = tsa_config",
      "[ tsa_config ]",
      `serial = ${join(tsaDir, "serial")}`,
      "crypto_device = builtin",
      `signer_cert = ${tsa.certPath}`,
      `certs = ${pki.root.certPath}`,
      `signer_key = ${tsa.keyPath}`,
      "signer_digest = sha256",
      "default_policy = 1.3.6.1.4.1.99999.3161.1",
      "other_policies = 1.3.6.1.4.1.99999.3161.2",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1, millisecs:0, microsecs:0",
      "clock_precision_digits = 0",
      "ordering = yes",
      "tsa_name = yes",
      "ess_cert_id_chain = no",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );

  let count = 0;
  // One openssl process at a time: they share the serial file.
  let queue: Promise<unknown> = Promise.resolve();
  const reply = (query: Uint8Array): Promise<Uint8Array> => {
    const p = queue.then(async () => {
      const n = ++count;
      const q = join(tsaDir, `q${n}.tsq`);
      const r = join(tsaDir, `r${n}.tsr`);
      writeFileSync(q, query);
      await openssl(["ts", "-reply", "-queryfile", q, "-config", config, "-out", r], tsaDir);
      return new Uint8Array(readFileSync(r));
    });
    queue = p.catch(() => undefined);
    return p;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.headers["content-type"] !== "application/timestamp-query") {
        res.writeHead(415, { "content-type": "text/plain" }).end("POST application/timestamp-query\n");
        return;
      }
      reply(Buffer.concat(chunks)).then(
        (body) => res.writeHead(200, { "content-type": "application/timestamp-reply", "content-length": body.length }).end(body),
        (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(e)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("TSA server has no TCP address");
  return {
    url: `http://127.0.0.1:${addr.port}/tsa`,
    pki,
    tsa,
    requests: () => count,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (opts.pki === undefined) pki.cleanup();
    },
  };
}

/** What `openssl ts -verify` says of a token over `data`, trusting `caFile`. */
export async function opensslVerifyToken(token: Uint8Array, data: Uint8Array, caFile: string): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-tsv-"));
  try {
    writeFileSync(join(dir, "token.der"), token);
    writeFileSync(join(dir, "data"), data);
    try {
      const { stdout, stderr } = await run("openssl", ["ts", "-verify", "-data", "data", "-in", "token.der", "-token_in", "-CAfile", caFile], {
        cwd: dir,
        timeout: 30_000,
      });
      return { ok: /Verification: OK/.test(stdout), output: `${stdout}${stderr}` };
    } catch (e) {
      const x = e as { stdout?: string; stderr?: string };
      return { ok: false, output: `${x.stdout ?? ""}${x.stderr ?? ""}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sign TSTInfo bytes into a time-stamp token shape (CMS SignedData with
 * eContentType id-ct-TSTInfo) with `openssl cms`, which signs with any
 * certificate. Its signed attributes carry no ESS signing-certificate
 * attribute.
 */
export async function cmsSignTstInfo(tstInfo: Uint8Array, signer: IssuedCert, extraCerts?: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-cms-"));
  try {
    writeFileSync(join(dir, "tstinfo.der"), tstInfo);
    await openssl(
      [
        "cms", "-sign", "-binary", "-nodetach", "-nosmimecap", "-md", "sha256",
        "-econtent_type", "1.2.840.113549.1.9.16.1.4",
        "-in", "tstinfo.der", "-signer", signer.certPath, "-inkey", signer.keyPath,
        ...(extraCerts !== undefined ? ["-certfile", extraCerts] : []),
        "-outform", "DER", "-out", "token.der",
      ],
      dir,
    );
    return new Uint8Array(readFileSync(join(dir, "token.der")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
