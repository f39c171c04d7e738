/**
 * RFC 3161 token verification, offline, against the TSA roots a trust policy
 * names: the CMS signature, the certificate chain and its time-stamping
 * usage, the ESS signing certificate, the message imprint and the nonce.
 * Every check raises a SealTrailError naming what failed, and no library
 * exception escapes.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesEqual, sha256 } from "@sealtrail/core";
import { DIGESTS, KEY_ALGORITHMS, OID_CONTENT_TYPE_ATTR, OID_EXT_KEY_USAGE, OID_KEY_USAGE, OID_KP_TIME_STAMPING, OID_MESSAGE_DIGEST_ATTR, OID_SHA256, OID_SIGNED_DATA, OID_SIGNING_CERTIFICATE, OID_SIGNING_CERTIFICATE_V2, OID_TST_INFO, SIGNATURE_ALGORITHMS, digest, engine, fail, formatName, parseBer, parseDer, rawOf, step } from "./rfc3161-asn1.js";

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

export async function parseToken(token: Uint8Array): Promise<ParsedToken> {
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

