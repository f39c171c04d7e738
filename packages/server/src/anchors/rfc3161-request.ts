/**
 * RFC 3161 requests: build a time-stamp request over a message (a checkpoint
 * note) and ask a time-stamp authority for a token over HTTP (RFC 3161
 * §3.4), reading its reply within a size cap.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SealTrailError, bytesEqual, concat, sha256 } from "@sealtrail/core";
import { MAX_TOKEN_SIZE, OID_SHA256, bigintFromBytes, errorText, fail, parseBer, rawOf, step } from "./rfc3161-asn1.js";
import { parseToken } from "./rfc3161-verify.js";

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

