/**
 * RFC 3161 time-stamp protocol: build a request over a message (a checkpoint
 * note), ask a time-stamp authority for a token over HTTP (RFC 3161 §3.4),
 * and verify a token offline against the TSA roots that a trust policy names.
 *
 * A token is hostile input: it may come from a bundle that anyone can edit.
 * Parsing runs under asn1js resource limits, every check raises a
 * SealTrailError naming what failed ("token signature", "certificate chain",
 * "message imprint", ...), and no library exception escapes.
 *
 * This file imports no Node built-in (WebCrypto and fetch are globals in
 * Node 20 and in browsers), so the verifier can move to a browser-safe
 * package when the bundle verifier needs it (docs/adr/0006-rfc3161.md).
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SealTrailError, bytesEqual, concat, sha256, toHex, type ErrorCode } from "@sealtrail/core";

/** id-sha256 (RFC 5754 §2.2): the only message imprint hash SealTrail asks for and accepts. */
export const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
/** id-signedData (RFC 5652 §5.1). */
export const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
/** id-ct-TSTInfo (RFC 3161 §2.4.2). */
export const OID_TST_INFO = "1.2.840.113549.1.9.16.1.4";
/** id-kp-timeStamping (RFC 3161 §2.3, RFC 5280 §4.2.1.12). */
export const OID_KP_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

const OID_EXT_KEY_USAGE = "2.5.29.37";
const OID_KEY_USAGE = "2.5.29.15";
const OID_CONTENT_TYPE_ATTR = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST_ATTR = "1.2.840.113549.1.9.4";
/** ESS signing-certificate (RFC 2634 §5.4, SHA-1 cert hash) and its v2 (RFC 5035 §3, any hash, default SHA-256). */
const OID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12";
const OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";

/** Digest algorithms accepted for the CMS signature and the ESS certificate hash. */
const DIGESTS: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "SHA-1", // only for ESS signingCertificate v1, whose certHash is SHA-1 by definition
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

/** CMS signature algorithms accepted (RFC 5754, RFC 5753, RFC 4056), with the digest each names (null: the SignerInfo's). */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: "RSA" | "EC"; digest: string | null }>> = {
  "1.2.840.113549.1.1.1": { key: "RSA", digest: null }, // rsaEncryption
  "1.2.840.113549.1.1.10": { key: "RSA", digest: null }, // RSASSA-PSS (hash in its parameters)
  "1.2.840.113549.1.1.11": { key: "RSA", digest: "SHA-256" },
  "1.2.840.113549.1.1.12": { key: "RSA", digest: "SHA-384" },
  "1.2.840.113549.1.1.13": { key: "RSA", digest: "SHA-512" },
  "1.2.840.10045.4.3.2": { key: "EC", digest: "SHA-256" },
  "1.2.840.10045.4.3.3": { key: "EC", digest: "SHA-384" },
  "1.2.840.10045.4.3.4": { key: "EC", digest: "SHA-512" },
};
const KEY_ALGORITHMS: Readonly<Record<string, "RSA" | "EC">> = {
  "1.2.840.113549.1.1.1": "RSA",
  "1.2.840.113549.1.1.10": "RSA",
  "1.2.840.10045.2.1": "EC",
};

/** Largest token or reply parsed; real tokens with a chain are a few kilobytes. */
export const MAX_TOKEN_SIZE = 256 * 1024;
/** asn1js limits for hostile input. */
const BER_LIMITS = { maxDepth: 32, maxNodes: 4096, maxContentLength: MAX_TOKEN_SIZE } as const;

/** The WebCrypto engine every pkijs call is given (Node 20+ and browsers have globalThis.crypto). */
function engine(): pkijs.CryptoEngine {
  const c = (globalThis as { crypto?: { subtle?: unknown } }).crypto;
  if (c?.subtle === undefined) throw new SealTrailError("internal", "rfc3161: no WebCrypto (globalThis.crypto.subtle) in this runtime");
  return new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto });
}

/** Trust policy for tokens: the TSA roots (DER X.509 certificates). */
export interface TsaTrust {
  /** DER certificates of the CAs whose TSAs are trusted (a CA certificate, not the TSA's own). */
  readonly roots: readonly Uint8Array[];
}

/** What a verified token says, all of it read from signed bytes. */
export interface VerifiedTimeStamp {
  /** TSTInfo genTime (RFC 3161 §2.4.2): when the TSA stamped the message. */
  readonly genTime: Date;
  /** genTime plus the declared accuracy: the latest moment the message can have existed unstamped. */
  readonly notAfter: Date;
  /** Declared accuracy in milliseconds, or null when the token declares none. */
  readonly accuracyMs: number | null;
  /** TSTInfo serialNumber, lower-case hex. */
  readonly serial: string;
  /** The signer certificate's subject, RFC 4514 string (most specific first). */
  readonly tsaName: string;
  /** TSAPolicyId, dotted OID. */
  readonly policy: string;
  /** TSTInfo nonce, when the token has one. */
  readonly nonce: bigint | null;
  /** DER of the certificate that signed the token. */
  readonly signerCertificate: Uint8Array;
}

// -- errors -------------------------------------------------------------------

function fail(code: ErrorCode, what: string, detail: string, cause?: unknown): SealTrailError {
  return new SealTrailError(code, `rfc3161: ${what}: ${detail}`, cause === undefined ? undefined : { cause });
}

/** Run a step; any non-SealTrail exception becomes a SealTrailError naming the step. */
async function step<T>(code: ErrorCode, what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof SealTrailError) throw e;
    throw fail(code, what, errorText(e), e);
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message.slice(0, 200);
  if (typeof e === "object" && e !== null && "resultMessage" in e) return String((e as { resultMessage: unknown }).resultMessage).slice(0, 200);
  return String(e).slice(0, 200);
}

// -- ASN.1 helpers ------------------------------------------------------------

function parseBer(bytes: Uint8Array, what: string): asn1js.AsnType {
  if (!(bytes instanceof Uint8Array)) throw fail("malformed", what, "not bytes");
  if (bytes.length === 0) throw fail("malformed", what, "empty");
  if (bytes.length > MAX_TOKEN_SIZE) throw fail("too_large", what, `over ${MAX_TOKEN_SIZE} bytes`);
  const { offset, result } = asn1js.fromBER(bytes, BER_LIMITS);
  if (offset === -1 || result.error !== "") throw fail("malformed", what, `not BER/DER (${result.error || "parse error"})`);
  if (offset !== bytes.length) throw fail("malformed", what, `${bytes.length - offset} trailing bytes`);
  return result;
}

/**
 * Parse bytes that must be DER. asn1js accepts a constructed value whose
 * declared length disagrees with its contents, so besides parsing, the value
 * must re-encode to exactly the same bytes: one token, one encoding.
 */
function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const result = parseBer(bytes, what);
  if (!bytesEqual(new Uint8Array(result.toBER(false)), bytes)) throw fail("malformed", what, "not DER (lengths or encodings are not canonical)");
  return result;
}

/** The original encoding of a parsed block (what signatures and hashes cover). */
function rawOf(block: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(block.valueBeforeDecodeView);
}

function bigintFromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${toHex(b)}`);
}

async function digest(algorithm: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await engine().digest({ name: algorithm }, data));
}

/**
 * A random positive nonce (62 bits) from the platform's CSPRNG.
 *
 * @example
 * ```ts
 * const tsq = buildTimeStampRequest(message, { nonce: randomNonce() });
 * ```
 */
export function randomNonce(): bigint {
  const b = new Uint8Array(8);
  globalThis.crypto.getRandomValues(b);
  b[0] = (b[0]! & 0x3f) | 0x40; // positive, and always 8 bytes in DER: 62 random bits
  return bigintFromBytes(b);
}

// -- request --------------------------------------------------------------------

/** Options of {@link buildTimeStampRequest}. */
export interface TimeStampRequestOptions {
  /** Nonce (RFC 3161 §2.4.1): echoed in the token, binds the reply to this request. */
  readonly nonce?: bigint;
  /** Ask the TSA to include its certificate (default true: verification needs it). */
  readonly certReq?: boolean;
  /** TSAPolicyId to ask for, dotted OID. */
  readonly policy?: string;
}

/**
 * DER TimeStampReq (RFC 3161 §2.4.1) over SHA-256(message).
 *
 * @example
 * ```ts
 * const tsq = buildTimeStampRequest(new TextEncoder().encode(note), { nonce: randomNonce(), certReq: true });
 * ```
 */
export function buildTimeStampRequest(message: Uint8Array, opts: TimeStampRequestOptions = {}): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: sha256(message) }),
    }),
    certReq: opts.certReq ?? true,
    ...(opts.policy !== undefined ? { reqPolicy: opts.policy } : {}),
    ...(opts.nonce !== undefined ? { nonce: asn1js.Integer.fromBigInt(opts.nonce) } : {}),
  });
  return new Uint8Array(req.toSchema().toBER(false));
}

/** Options of {@link requestTimeStamp}. */
export interface RequestTimeStampOptions {
  /** Nonce to send (default: a fresh random one). */
  readonly nonce?: bigint;
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  readonly policy?: string;
}

const PKI_STATUS = ["granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"];
const FAIL_INFO: Readonly<Record<number, string>> = {
  0: "badAlg",
  2: "badRequest",
  5: "badDataFormat",
  14: "timeNotAvailable",
  15: "unacceptedPolicy",
  16: "unacceptedExtension",
  17: "addInfoNotAvailable",
  25: "systemFailure",
};

async function readCapped(res: Response, cap: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > cap) throw fail("too_large", "time-stamp reply", `over ${cap} bytes`);
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel();
      throw fail("too_large", "time-stamp reply", `over ${cap} bytes`);
    }
    parts.push(value);
  }
  return concat(...parts);
}

/**
 * Ask the TSA at `tsaUrl` for a time-stamp token over `message` (RFC 3161
 * §3.4: POST application/timestamp-query). Checks the reply's status
 * (granted or grantedWithMods) and that the token echoes this request's
 * message imprint and nonce, then returns the DER TimeStampToken (a CMS
 * ContentInfo). The signature and the TSA's certificate are NOT checked
 * here: pass the token to {@link verifyTimeStampToken} with a trust policy.
 *
 * Transport failures and HTTP errors are `unavailable`; a refusal by the TSA
 * or a reply that does not match the request is `invalid`.
 *
 * @example
 * ```ts
 * const token = await requestTimeStamp("https://tsa.example/tsr", noteBytes);
 * const { genTime } = await verifyTimeStampToken(token, noteBytes, { roots: [tsaRootDer] });
 * ```
 */
export async function requestTimeStamp(
  tsaUrl: string,
  message: Uint8Array,
  fetchImpl: typeof fetch = globalThis.fetch,
  opts: RequestTimeStampOptions = {},
): Promise<Uint8Array> {
  const nonce = opts.nonce ?? randomNonce();
  const body = buildTimeStampRequest(message, { nonce, certReq: true, ...(opts.policy !== undefined ? { policy: opts.policy } : {}) });
  let res: Response;
  try {
    res = await fetchImpl(tsaUrl, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (e) {
    throw fail("unavailable", "time-stamp authority", `${tsaUrl} unreachable (${errorText(e)})`, e);
  }
  let reply: Uint8Array;
  try {
    reply = await readCapped(res, MAX_TOKEN_SIZE);
  } catch (e) {
    if (e instanceof SealTrailError) throw e;
    throw fail("unavailable", "time-stamp authority", `reading the reply failed (${errorText(e)})`, e);
  }
  if (res.status !== 200) throw fail("unavailable", "time-stamp authority", `HTTP ${res.status} from ${tsaUrl}`);
  const token = await step("malformed", "time-stamp reply", () => tokenFromReply(reply));
  // Unauthenticated, but catches a TSA (or anything between) answering another request.
  const parsed = await parseToken(token);
  if (!bytesEqual(parsed.imprint, sha256(message)) || parsed.imprintAlg !== OID_SHA256) {
    throw fail("invalid", "message imprint", "the TSA's token is not over the message sent");
  }
  if (parsed.tst.nonce === undefined || parsed.tst.nonce.toBigInt() !== nonce) {
    throw fail("invalid", "nonce", "the TSA's token does not echo the request's nonce");
  }
  return token;
}

/** The DER TimeStampToken of a granted TimeStampResp (RFC 3161 §2.4.2). */
function tokenFromReply(reply: Uint8Array): Uint8Array {
  const asn = parseBer(reply, "time-stamp reply");
  const resp = new pkijs.TimeStampResp({ schema: asn });
  const status = resp.status.status as number;
  if (status !== 0 && status !== 1) {
    const text = (resp.status.statusStrings ?? []).map((s) => s.valueBlock.value).join("; ").slice(0, 200);
    const bits = resp.status.failInfo === undefined ? [] : bitNames(new Uint8Array(resp.status.failInfo.valueBlock.valueHexView));
    throw fail(
      "invalid",
      "time-stamp authority",
      `refused: ${PKI_STATUS[status] ?? `status ${status}`}${bits.length > 0 ? ` (${bits.join(", ")})` : ""}${text ? `: ${text}` : ""}`,
    );
  }
  const seq = asn as asn1js.Sequence;
  const tokenBlock = seq.valueBlock.value[1];
  if (resp.timeStampToken === undefined || tokenBlock === undefined) throw fail("invalid", "time-stamp reply", "granted without a token");
  return rawOf(tokenBlock);
}

function bitNames(b: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.length * 8; i++) {
    if ((b[i >> 3]! & (0x80 >> (i & 7))) !== 0) out.push(FAIL_INFO[i] ?? `bit ${i}`);
  }
  return out;
}

// -- token parsing -------------------------------------------------------------------

interface ParsedToken {
  signed: pkijs.SignedData;
  signer: pkijs.SignerInfo;
  /** Certificates carried by the token, parsed and raw, in order. */
  certs: { cert: pkijs.Certificate; der: Uint8Array }[];
  eContent: Uint8Array;
  tst: pkijs.TSTInfo;
  imprintAlg: string;
  imprint: Uint8Array;
}

async function parseToken(token: Uint8Array): Promise<ParsedToken> {
  return step("malformed", "token", () => {
    const asn = parseDer(token, "token");
    const ci = new pkijs.ContentInfo({ schema: asn });
    if (ci.contentType !== OID_SIGNED_DATA) throw fail("malformed", "token", `content type ${ci.contentType} is not SignedData`);
    const signed = new pkijs.SignedData({ schema: ci.content });
    const eci = signed.encapContentInfo;
    if (eci.eContentType !== OID_TST_INFO) throw fail("malformed", "token", `encapsulated content ${eci.eContentType} is not TSTInfo`);
    if (eci.eContent === undefined) throw fail("malformed", "token", "no TSTInfo content");
    // RFC 3161 §2.4.2: the token MUST NOT contain any signature but the TSA's.
    if (signed.signerInfos.length !== 1) throw fail("malformed", "token", `${signed.signerInfos.length} signers, exactly one expected`);
    // RFC 5652 §5.1: version 3 for any content type but id-data; §5.3: SignerInfo version 1 (issuer and serial) or 3 (key id).
    if (signed.version !== 3) throw fail("malformed", "token", `SignedData version ${signed.version}, 3 expected`);
    const signer = signed.signerInfos[0]!;
    if (signer.version !== (signer.sid instanceof pkijs.IssuerAndSerialNumber ? 1 : 3)) throw fail("malformed", "token", `SignerInfo version ${signer.version} does not match its sid`);
    if (signed.digestAlgorithms.some((a) => a.algorithmParams !== undefined && !(a.algorithmParams instanceof asn1js.Null))) {
      throw fail("malformed", "token", "a digest algorithm with parameters");
    }
    if (!signed.digestAlgorithms.some((a) => a.algorithmId === signer.digestAlgorithm.algorithmId)) {
      throw fail("malformed", "token", "the signer's digest algorithm is not listed in digestAlgorithms");
    }
    const eContent = new Uint8Array(eci.eContent.getValue());
    const tst = new pkijs.TSTInfo({ schema: parseDer(eContent, "TSTInfo") });
    if (tst.version !== 1) throw fail("malformed", "TSTInfo", `version ${tst.version}`);
    if (!(tst.genTime instanceof Date) || Number.isNaN(tst.genTime.getTime())) throw fail("malformed", "TSTInfo", "genTime is not a time");
    // Raw DER of each certificate: the ESS hash covers the bytes as sent.
    const rawSet = certificateSetOf(ci.content as asn1js.Sequence);
    const certs: ParsedToken["certs"] = [];
    for (const [i, c] of (signed.certificates ?? []).entries()) {
      const raw = rawSet[i];
      if (c instanceof pkijs.Certificate && raw !== undefined) certs.push({ cert: c, der: raw });
    }
    return {
      signed,
      signer,
      certs,
      eContent,
      tst,
      imprintAlg: tst.messageImprint.hashAlgorithm.algorithmId,
      imprint: new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
    };
  });
}

/** The raw encodings of the `certificates [0] IMPLICIT CertificateSet` of a SignedData. */
function certificateSetOf(signedData: asn1js.Sequence): Uint8Array[] {
  for (const el of signedData.valueBlock.value) {
    if (el.idBlock.tagClass === 3 && el.idBlock.tagNumber === 0 && el instanceof asn1js.Constructed) {
      return el.valueBlock.value.map(rawOf);
    }
  }
  return [];
}

// -- verification ---------------------------------------------------------------------

/** Options of {@link verifyTimeStampToken}. */
export interface VerifyTimeStampOptions {
  /** The nonce sent in the request: the token must echo it. */
  readonly nonce?: bigint;
}

/**
 * Verify a DER TimeStampToken over `message` against the TSA roots of a trust
 * policy, as RFC 3161 §2.4.2 and RFC 5652 §5.4 describe, and return what it
 * says. Checks, in order, each failure naming itself:
 * - "token": it parses (ContentInfo, SignedData, one signer, TSTInfo v1);
 * - "token signature": content-type and message-digest signed attributes,
 *   then the signer's signature over them (SHA-256/384/512);
 * - "certificate chain": the signer certificate chains to one of
 *   `trust.roots`, every certificate valid at genTime (pkijs
 *   CertificateChainValidationEngine; no revocation data is consulted);
 * - "timeStamping": the signer certificate's extendedKeyUsage is critical and
 *   holds id-kp-timeStamping only, and its keyUsage (if any) is limited to
 *   digitalSignature and nonRepudiation (RFC 3161 §2.3; as OpenSSL checks);
 * - "signing certificate": the ESS signingCertificate(V2) attribute names
 *   the signer certificate (RFC 2634 §5.4, RFC 5035);
 * - "tsa name": TSTInfo.tsa, when a directory name, is the signer's subject;
 * - "message imprint": SHA-256 of `message`;
 * - "nonce": the expected nonce, when given.
 *
 * @example
 * ```ts
 * const { genTime, tsaName } = await verifyTimeStampToken(token, noteBytes, { roots: [rootDer] });
 * ```
 */
export async function verifyTimeStampToken(
  token: Uint8Array,
  message: Uint8Array,
  trust: TsaTrust,
  opts: VerifyTimeStampOptions = {},
): Promise<VerifiedTimeStamp> {
  if (!(message instanceof Uint8Array)) throw fail("invalid", "message", "not bytes");
  const roots = await step("invalid", "trust policy", () => parseRoots(trust));
  const t = await parseToken(token);
  const crypto = engine();

  // Token signature (RFC 5652 §5.4, §11.1, §11.2).
  const signerCert = await step("bad_signature", "token signature", () => findSignerCertificate(t, crypto));
  await step("bad_signature", "token signature", async () => {
    const attrs = t.signer.signedAttrs;
    if (attrs === undefined) throw fail("bad_signature", "token signature", "no signed attributes");
    const contentTypes = attrs.attributes.filter((a) => a.type === OID_CONTENT_TYPE_ATTR);
    const digests = attrs.attributes.filter((a) => a.type === OID_MESSAGE_DIGEST_ATTR);
    if (contentTypes.length !== 1 || contentTypes[0]!.values.length !== 1) throw fail("bad_signature", "token signature", "needs one content-type attribute");
    if (digests.length !== 1 || digests[0]!.values.length !== 1) throw fail("bad_signature", "token signature", "needs one message-digest attribute");
    const ct: unknown = contentTypes[0]!.values[0];
    if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== OID_TST_INFO) {
      throw fail("bad_signature", "token signature", "content-type attribute is not id-ct-TSTInfo");
    }
    const md: unknown = digests[0]!.values[0];
    if (!(md instanceof asn1js.OctetString)) throw fail("bad_signature", "token signature", "message-digest attribute is not an octet string");
    const alg = DIGESTS[t.signer.digestAlgorithm.algorithmId];
    if (alg === undefined || alg === "SHA-1") throw fail("bad_signature", "token signature", `digest algorithm ${t.signer.digestAlgorithm.algorithmId} not accepted`);
    const params = t.signer.digestAlgorithm.algorithmParams as unknown;
    if (params !== undefined && !(params instanceof asn1js.Null)) throw fail("bad_signature", "token signature", "digest algorithm with parameters");
    const sigAlg = SIGNATURE_ALGORITHMS[t.signer.signatureAlgorithm.algorithmId];
    const keyAlg = KEY_ALGORITHMS[signerCert.cert.subjectPublicKeyInfo.algorithm.algorithmId];
    if (sigAlg === undefined || keyAlg === undefined || sigAlg.key !== keyAlg || (sigAlg.digest !== null && sigAlg.digest !== alg)) {
      throw fail("bad_signature", "token signature", `signature algorithm ${t.signer.signatureAlgorithm.algorithmId} not accepted with this key and digest`);
    }
    const sigParams = t.signer.signatureAlgorithm.algorithmParams as unknown;
    if (t.signer.signatureAlgorithm.algorithmId !== "1.2.840.113549.1.1.10" && sigParams !== undefined && !(sigParams instanceof asn1js.Null)) {
      throw fail("bad_signature", "token signature", "signature algorithm with unexpected parameters");
    }
    if (keyAlg === "EC") parseDer(new Uint8Array(t.signer.signature.valueBlock.valueHexView), "token signature");
    if (!bytesEqual(await digest(alg, t.eContent), new Uint8Array(md.valueBlock.valueHexView))) {
      throw fail("bad_signature", "token signature", "TSTInfo does not match the signed message digest");
    }
    const ok = await crypto.verifyWithPublicKey(attrs.encodedValue, t.signer.signature, signerCert.cert.subjectPublicKeyInfo, t.signer.signatureAlgorithm, alg);
    if (!ok) throw fail("bad_signature", "token signature", "does not verify with the signer certificate");
  });

  // Certificate chain to a configured root, valid at genTime.
  const genTime = t.tst.genTime;
  await step("unknown_key", "certificate chain", async () => {
    const others = t.certs.filter((c) => c !== signerCert).map((c) => c.cert);
    const chain = new pkijs.CertificateChainValidationEngine({ certs: [...others, signerCert.cert], trustedCerts: roots, checkDate: genTime });
    const r = await chain.verify({}, crypto);
    if (!r.result) throw fail("unknown_key", "certificate chain", `signer certificate does not chain to a trusted TSA root (${String(r.resultMessage)})`);
  });

  await step("unknown_key", "timeStamping", () => checkTimeStampingUsage(signerCert.cert));
  await step("bad_signature", "signing certificate", () => checkEssSigningCertificate(t, signerCert.der));

  const tsaName = await step("malformed", "tsa name", () => formatName(signerCert.cert.subject));
  if (t.tst.tsa !== undefined && t.tst.tsa.type === 4) {
    if (!(t.tst.tsa.value instanceof pkijs.RelativeDistinguishedNames) || !t.tst.tsa.value.isEqual(signerCert.cert.subject)) {
      throw fail("invalid", "tsa name", "TSTInfo names another TSA than the signer certificate");
    }
  }

  if (t.imprintAlg !== OID_SHA256) throw fail("invalid", "message imprint", `hash algorithm ${t.imprintAlg} is not SHA-256`);
  if (!bytesEqual(t.imprint, sha256(message))) throw fail("invalid", "message imprint", "the token is over another message");

  const nonce = t.tst.nonce === undefined ? null : t.tst.nonce.toBigInt();
  if (opts.nonce !== undefined && nonce !== opts.nonce) throw fail("invalid", "nonce", "the token does not carry the nonce of the request");

  const serialBytes = new Uint8Array(t.tst.serialNumber.valueBlock.valueHexView);
  if (serialBytes.length > 21) throw fail("malformed", "TSTInfo", "serial number longer than 160 bits");
  const accuracyMs = await step("malformed", "TSTInfo", () => accuracyOf(t.tst));
  return {
    genTime,
    notAfter: new Date(genTime.getTime() + (accuracyMs ?? 0)),
    accuracyMs,
    serial: t.tst.serialNumber.toBigInt().toString(16),
    tsaName,
    policy: t.tst.policy,
    nonce,
    signerCertificate: signerCert.der,
  };
}

function parseRoots(trust: TsaTrust): pkijs.Certificate[] {
  if (typeof trust !== "object" || trust === null || !Array.isArray(trust.roots) || trust.roots.length === 0) {
    throw fail("invalid", "trust policy", "no TSA roots");
  }
  return trust.roots.map((der, i) => {
    try {
      return new pkijs.Certificate({ schema: parseBer(der, `TSA root ${i}`) });
    } catch (e) {
      throw fail("invalid", "trust policy", `TSA root ${i} is not a DER certificate`, e);
    }
  });
}

/** The certificate the SignerInfo's sid names (RFC 5652 §5.3: issuer and serial, or subject key identifier). */
async function findSignerCertificate(t: ParsedToken, crypto: pkijs.CryptoEngine): Promise<ParsedToken["certs"][number]> {
  const sid: unknown = t.signer.sid;
  if (t.certs.length === 0) throw fail("bad_signature", "token signature", "the token carries no certificate (request it with certReq)");
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    // Byte-exact names: the TSA wrote both, and X.500 name matching would let an unsigned field vary.
    const issuer = new Uint8Array(sid.issuer.valueBeforeDecode ?? new ArrayBuffer(0));
    if (issuer.length === 0) throw fail("bad_signature", "token signature", "signer identifier has no issuer");
    const found = t.certs.find((c) => bytesEqual(new Uint8Array(c.cert.issuer.valueBeforeDecode), issuer) && c.cert.serialNumber.isEqual(sid.serialNumber));
    if (found !== undefined) return found;
  } else if (sid instanceof asn1js.BaseBlock) {
    const inner = sid.idBlock.isConstructed ? (sid as asn1js.Constructed).valueBlock.value[0] : sid;
    const keyId = inner instanceof asn1js.BaseBlock ? new Uint8Array((inner.valueBlock as { valueHexView?: Uint8Array }).valueHexView ?? []) : new Uint8Array();
    for (const c of t.certs) {
      const ski = await crypto.digest({ name: "SHA-1" }, c.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
      if (bytesEqual(new Uint8Array(ski), keyId)) return c;
    }
  }
  throw fail("bad_signature", "token signature", "the signer certificate is not in the token");
}

/** RFC 3161 §2.3, with OpenSSL's reading of it (check_purpose_timestamp_sign). */
function checkTimeStampingUsage(cert: pkijs.Certificate): void {
  const what = "timeStamping";
  const exts = cert.extensions ?? [];
  const ekus = exts.filter((e) => e.extnID === OID_EXT_KEY_USAGE);
  if (ekus.length === 0) throw fail("unknown_key", what, "the signer certificate has no extendedKeyUsage id-kp-timeStamping");
  const eku = ekus[0]!;
  const purposes = eku.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  if (ekus.length !== 1 || purposes.length !== 1 || purposes[0] !== OID_KP_TIME_STAMPING) {
    throw fail("unknown_key", what, `the signer certificate's extendedKeyUsage must be id-kp-timeStamping only (has ${purposes.join(", ") || "none"})`);
  }
  if (eku.critical !== true) throw fail("unknown_key", what, "the signer certificate's extendedKeyUsage is not critical");
  const ku = exts.find((e) => e.extnID === OID_KEY_USAGE);
  if (ku !== undefined) {
    const bits = ku.parsedValue instanceof asn1js.BitString ? new Uint8Array(ku.parsedValue.valueBlock.valueHexView) : new Uint8Array();
    const first = bits[0] ?? 0;
    const rest = bits.subarray(1).some((b) => b !== 0);
    // digitalSignature (0x80) and/or nonRepudiation (0x40), nothing else.
    if ((first & 0xc0) === 0 || (first & 0x3f) !== 0 || rest) throw fail("unknown_key", what, "the signer certificate's keyUsage allows more than signing");
  }
}

/** ESS signingCertificate / signingCertificateV2: the first ESSCertID must hash to the signer certificate. */
async function checkEssSigningCertificate(t: ParsedToken, signerDer: Uint8Array): Promise<void> {
  const what = "signing certificate";
  const attrs = t.signer.signedAttrs?.attributes ?? [];
  const v2 = attrs.filter((a) => a.type === OID_SIGNING_CERTIFICATE_V2);
  const v1 = attrs.filter((a) => a.type === OID_SIGNING_CERTIFICATE);
  const attr = v2[0] ?? v1[0];
  if (attr === undefined || v2.length + v1.length > 2 || v2.length > 1 || v1.length > 1) {
    throw fail("bad_signature", what, "the token needs one ESS signingCertificate or signingCertificateV2 attribute");
  }
  const value: unknown = attr.values[0];
  const certIds = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const first = certIds instanceof asn1js.Sequence ? certIds.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) throw fail("bad_signature", what, "ESSCertID missing");
  let alg = "SHA-1";
  let hashBlock = first.valueBlock.value[0];
  if (attr.type === OID_SIGNING_CERTIFICATE_V2) {
    alg = "SHA-256"; // RFC 5035 §4: hashAlgorithm DEFAULT id-sha256
    if (hashBlock instanceof asn1js.Sequence) {
      const oid = hashBlock.valueBlock.value[0];
      const name = oid instanceof asn1js.ObjectIdentifier ? DIGESTS[oid.valueBlock.toString()] : undefined;
      if (name === undefined || name === "SHA-1") throw fail("bad_signature", what, "ESSCertIDv2 hash algorithm not accepted");
      alg = name;
      hashBlock = first.valueBlock.value[1];
    }
  }
  if (!(hashBlock instanceof asn1js.OctetString)) throw fail("bad_signature", what, "ESSCertID has no certificate hash");
  if (!bytesEqual(new Uint8Array(hashBlock.valueBlock.valueHexView), await digest(alg, signerDer))) {
    throw fail("bad_signature", what, "the signed attributes name another certificate than the signer's");
  }
}

function accuracyOf(tst: pkijs.TSTInfo): number | null {
  const a = tst.accuracy;
  if (a === undefined) return null;
  const s = typeof a.seconds === "number" ? a.seconds : 0;
  const ms = typeof a.millis === "number" ? a.millis : 0;
  const us = typeof a.micros === "number" ? a.micros : 0;
  if (![s, ms, us].every((n) => Number.isSafeInteger(n) && n >= 0)) throw fail("malformed", "TSTInfo", "bad accuracy");
  return s * 1000 + ms + Math.ceil(us / 1000);
}

const NAME_KEYS: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** RFC 4514 string of a Name, most specific RDN first. */
function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const key = NAME_KEYS[tv.type] ?? tv.type;
      const v: unknown = tv.value;
      const block = v as { valueBlock?: { value?: unknown } };
      const text = typeof block.valueBlock?.value === "string" ? block.valueBlock.value : `#${v instanceof asn1js.BaseBlock ? toHex(rawOf(v)) : ""}`;
      return `${key}=${escapeRdnValue(text)}`;
    })
    .reverse()
    .join(",");
}

function escapeRdnValue(s: string): string {
  // RFC 4514 §2.4; control characters are written as \XX.
  let out = s.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}
