/**
 * RFC 3161 anchors against a REAL time-stamp authority: openssl's `ts -reply`
 * behind HTTP on 127.0.0.1, with a throwaway CA made for the run
 * (helpers/openssl-tsa.ts). Every token is judged twice, by our verifier and
 * by `openssl ts -verify`, and both must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SealTrailError, isSealTrailError, sha256, toHex, utf8 } from "@sealtrail/core";
import {
  buildTimeStampRequest,
  requestTimeStamp,
  verifyTimeStampToken,
  OID_SHA256,
  type TsaTrust,
} from "../src/anchors/rfc3161.js";
import { createRfc3161Anchor, verifyAnchor, type Rfc3161Anchor } from "../src/anchors/rfc3161-anchor.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";
import {
  cmsSignTstInfo,
  makeTestPki,
  opensslVerifyToken,
  requireOpenssl,
  startOpensslTsa,
  type OpensslTsa,
  type IssuedCert,
  type TestPki,
} from "./helpers/openssl-tsa.js";

const EKUS = ["none", "non-critical", "with-server-auth"] as const;

/** The SealTrailError a promise rejects with (fails the test on anything else). */
async function refusal(p: Promise<unknown>): Promise<SealTrailError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof SealTrailError)) throw new Error(`expected a SealTrailError, got ${e === null ? "success" : String(e)}`, { cause: e });
  return e;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function flipped(b: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const c = b.slice();
  c[at] = c[at]! ^ mask;
  return c;
}

/** GeneralizedTime text of a whole-second UTC date, as openssl writes it with clock_precision_digits = 0. */
function generalizedTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/** The TSTInfo bytes inside a token. */
function tstInfoOf(token: Uint8Array): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(token);
  const sd = new pkijs.SignedData({ schema: ci.content });
  return new Uint8Array(sd.encapContentInfo.eContent!.getValue());
}

describe("RFC 3161 anchors with openssl ts as the TSA", () => {
  let tsa: OpensslTsa;
  let log: TempLog;
  let trust: TsaTrust;
  let note: string;
  let message: Uint8Array;
  let token: Uint8Array;
  let other: TestPki;
  /** Certificates that may not time-stamp, issued before the token (a certificate must be valid at genTime). */
  const notTsa = new Map<string, IssuedCert>();

  beforeAll(async () => {
    requireOpenssl();
    [tsa, log, other] = await Promise.all([startOpensslTsa(), tempLog(), makeTestPki({ rootName: "Some Other Root" })]);
    trust = { roots: [tsa.pki.root.der] };
    for (const eku of EKUS) notTsa.set(eku, await tsa.pki.issueTsa(`Not A TSA (${eku})`, { eku }));
    await log.ctx.ledger.append("default", [log.submission({ title: "Seal tampering at gate 4" }), log.submission({ title: "Night cargo theft" })]);
    const cp = (await log.ctx.ledger.publish("default")) ?? (await log.ctx.store.latestCheckpoint("default"))!;
    expect(cp.size).toBe(3n);
    note = cp.note;
    message = utf8(note);
    token = await requestTimeStamp(tsa.url, message);
  });

  afterAll(async () => {
    await Promise.all([tsa?.close(), log?.close()]);
    other?.cleanup();
  });

  it("a token over a real checkpoint verifies with our verifier and with openssl ts -verify", async () => {
    const before = Date.now();
    const v = await verifyTimeStampToken(token, message, trust);
    expect(Math.abs(v.genTime.getTime() - before)).toBeLessThan(60_000);
    expect(v.tsaName).toBe("CN=SealTrail Test TSA,O=SealTrail Tests");
    expect(v.policy).toBe("1.3.6.1.4.1.99999.3161.1");
    expect(v.serial).toMatch(/^[0-9a-f]+$/);
    expect(v.accuracyMs).toBe(1000);
    expect(v.notAfter.getTime()).toBe(v.genTime.getTime() + 1000);
    expect(v.nonce).not.toBeNull();
    expect(v.signerCertificate).toEqual(tsa.tsa.der);
    // The same nonce, given back, is accepted; another is not.
    await verifyTimeStampToken(token, message, trust, { nonce: v.nonce! });
    expect((await refusal(verifyTimeStampToken(token, message, trust, { nonce: v.nonce! + 1n }))).message).toMatch(/nonce/);

    const ossl = await opensslVerifyToken(token, message, tsa.pki.root.certPath);
    expect(ossl.output).toMatch(/Verification: OK/);
  });

  it("each token gets its own serial, and the request is a DER TimeStampReq over SHA-256 of the note", async () => {
    const second = await requestTimeStamp(tsa.url, message);
    const [a, b] = await Promise.all([verifyTimeStampToken(token, message, trust), verifyTimeStampToken(second, message, trust)]);
    expect(a.serial).not.toBe(b.serial);
    const req = pkijs.TimeStampReq.fromBER(buildTimeStampRequest(message, { nonce: 7n }));
    expect(req.version).toBe(1);
    expect(req.certReq).toBe(true);
    expect(req.nonce!.toBigInt()).toBe(7n);
    expect(req.messageImprint.hashAlgorithm.algorithmId).toBe(OID_SHA256);
    expect(toHex(new Uint8Array(req.messageImprint.hashedMessage.valueBlock.valueHexView))).toBe(toHex(sha256(message)));
  });

  describe("a tampered token is refused by both verifiers", () => {
    const both = async (bad: Uint8Array, ours: RegExp) => {
      const e = await refusal(verifyTimeStampToken(bad, message, trust));
      expect(e.message).toMatch(ours);
      const ossl = await opensslVerifyToken(bad, message, tsa.pki.root.certPath);
      expect(ossl.ok, ossl.output).toBe(false);
      return { e, ossl };
    };

    it("a flipped byte in the signature", async () => {
      // The SignerInfo's signature is the last field of the token (no unsigned attributes).
      const { e } = await both(flipped(token, token.length - 1), /token signature/);
      expect(e.code).toBe("bad_signature");
    });

    it("a flipped byte in the message imprint", async () => {
      const at = indexOf(token, sha256(message));
      expect(at).toBeGreaterThan(0);
      // The TSTInfo no longer matches its signed digest: the signature check names it first.
      await both(flipped(token, at + 5), /token signature/);
    });

    it("a changed genTime", async () => {
      const v = await verifyTimeStampToken(token, message, trust);
      const at = indexOf(token, utf8(generalizedTime(v.genTime)));
      expect(at).toBeGreaterThan(0);
      // Second digit of the minutes: still a valid time, one to nine minutes off.
      const bad = token.slice();
      bad[at + 11] = bad[at + 11] === 0x30 ? 0x31 : 0x30;
      await both(bad, /token signature/);
    });
  });

  it("a token for another message is refused (message imprint)", async () => {
    const otherNote = utf8(note.replace(/\n\d+\n/, "\n4\n"));
    const e = await refusal(verifyTimeStampToken(token, otherNote, trust));
    expect(e.message).toMatch(/message imprint/);
    expect((await opensslVerifyToken(token, otherNote, tsa.pki.root.certPath)).ok).toBe(false);
  });

  it("a token checked against another root is refused (certificate chain)", async () => {
    const e = await refusal(verifyTimeStampToken(token, message, { roots: [other.root.der] }));
    expect(e.message).toMatch(/certificate chain/);
    expect(e.code).toBe("unknown_key");
    expect((await opensslVerifyToken(token, message, other.root.certPath)).ok).toBe(false);
    // The right root among others is enough.
    await verifyTimeStampToken(token, message, { roots: [other.root.der, tsa.pki.root.der] });
  });

  describe("a token signed with a certificate that may not time-stamp is refused by both", () => {
    // openssl ts -reply refuses such certificates, so the TSTInfo of a real token is re-signed with openssl cms.
    for (const eku of EKUS) {
      it(`extendedKeyUsage: ${eku}`, async () => {
        const bad = await cmsSignTstInfo(tstInfoOf(token), notTsa.get(eku)!, tsa.pki.root.certPath);
        const e = await refusal(verifyTimeStampToken(bad, message, trust));
        expect(e.message).toMatch(/timeStamping/);
        expect((await opensslVerifyToken(bad, message, tsa.pki.root.certPath)).ok).toBe(false);
      });
    }

    it("a TSA certificate issued after the token's genTime (certificate chain: validity is checked at genTime)", async () => {
      await new Promise((r) => setTimeout(r, 1100)); // certificates have one-second resolution
      const late = await tsa.pki.issueTsa("Late TSA");
      const bad = await cmsSignTstInfo(tstInfoOf(token), late, tsa.pki.root.certPath);
      const e = await refusal(verifyTimeStampToken(bad, message, trust));
      expect(e.message).toMatch(/certificate chain.*not yet valid/);
      expect((await opensslVerifyToken(bad, message, tsa.pki.root.certPath)).ok).toBe(false);
    });

    it("a proper TSA certificate but no ESS signing-certificate attribute", async () => {
      const bad = await cmsSignTstInfo(tstInfoOf(token), tsa.tsa, tsa.pki.root.certPath);
      const e = await refusal(verifyTimeStampToken(bad, message, trust));
      expect(e.message).toMatch(/signing certificate/);
      expect((await opensslVerifyToken(bad, message, tsa.pki.root.certPath)).ok).toBe(false);
    });
  });

  it("anchor records: created from a verified token, re-derived on verification, copies that disagree refused", async () => {
    const anchor = await createRfc3161Anchor(note, token, trust);
    expect(anchor).toMatchObject({ type: "rfc3161", checkpointSize: 3, checkpointHash: toHex(sha256(message)), tsa: "CN=SealTrail Test TSA,O=SealTrail Tests" });
    const json = JSON.parse(JSON.stringify(anchor)) as Rfc3161Anchor;
    const v = await verifyAnchor(json, note, trust);
    expect(v.checkpointSize).toBe(3n);
    expect(v.genTime.toISOString()).toBe(anchor.genTime);

    const refuse = async (a: unknown, n: string, re: RegExp) => expect((await refusal(verifyAnchor(a, n, trust))).message).toMatch(re);
    const earlier = new Date(Date.parse(anchor.genTime) - 365 * 86400_000).toISOString();
    await refuse({ ...json, genTime: earlier }, note, /genTime/);
    await refuse({ ...json, tsa: "CN=Someone Else" }, note, /tsa/);
    await refuse({ ...json, checkpointSize: 4 }, note, /checkpointSize/);
    await refuse({ ...json, checkpointHash: "00".repeat(32) }, note, /checkpointHash/);
    await refuse({ ...json, extra: 1 }, note, /unknown field/);
    await refuse({ ...json, token: "@@@" }, note, /token/);
    await refuse(null, note, /not an object/);
    // Another note (a later checkpoint of the same log) with the record's hash fixed up: the token still refuses it.
    await log.ctx.ledger.append("default", [log.submission({ title: "Later record" })]);
    const later = (await log.ctx.ledger.publish("default"))!;
    await refuse({ ...json, checkpointSize: 4, checkpointHash: toHex(sha256(utf8(later.note))) }, later.note, /message imprint/);
  });

  it("requestTimeStamp: an unreachable TSA, an HTTP error, a refusal and a replayed reply are SealTrailErrors", async () => {
    const down = await refusal(requestTimeStamp("http://127.0.0.1:1/tsa", message, fetch, { timeoutMs: 2000 }));
    expect(down.code).toBe("unavailable");
    const http500 = await refusal(requestTimeStamp(tsa.url, message, async () => new Response("no", { status: 500 })));
    expect(http500.message).toMatch(/HTTP 500/);

    const rejection = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({
        status: pkijs.PKIStatus.rejection,
        statusStrings: [new asn1js.Utf8String({ value: "unsupported algorithm" })],
        failInfo: new asn1js.BitString({ valueHex: new Uint8Array([0x80]), unusedBits: 7 }),
      }),
    });
    const refused = await refusal(
      requestTimeStamp(tsa.url, message, async () => new Response(new Uint8Array(rejection.toSchema().toBER()), { status: 200 })),
    );
    expect(refused.message).toMatch(/refused: rejection \(badAlg\): unsupported algorithm/);

    // A reply to an earlier request (another nonce) is not accepted as the answer to this one.
    const earlierQuery = buildTimeStampRequest(message, { nonce: 12345n });
    const earlierReply = new Uint8Array(await (await fetch(tsa.url, { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: earlierQuery })).arrayBuffer());
    const replayed = await refusal(requestTimeStamp(tsa.url, message, async () => new Response(earlierReply, { status: 200 })));
    expect(replayed.message).toMatch(/nonce/);

    const garbage = await refusal(requestTimeStamp(tsa.url, message, async () => new Response(new Uint8Array([0x30, 0x03, 0x02, 0x01]), { status: 200 })));
    expect(garbage.code).toBe("malformed");
  });

  it("treats the token as hostile: a flipped byte is refused with a SealTrailError unless it is in the unused copy of the root; truncations and garbage are refused", async () => {
    const good = await verifyTimeStampToken(token, message, trust);
    // The token carries a copy of the root (openssl's `certs`); the verifier trusts the policy's root, never that copy.
    const rootCopy = indexOf(token, tsa.pki.root.der);
    expect(rootCopy).toBeGreaterThan(0);
    const outcomes = new Map<string, number>();
    for (let at = 0; at < token.length; at += 7) {
      const bad = flipped(token, at, 0x5a);
      try {
        const v = await verifyTimeStampToken(bad, message, trust);
        // Only bytes that nothing relies on may change without a refusal.
        expect(at >= rootCopy && at < rootCopy + tsa.pki.root.der.length, `byte ${at} changed and still verifies`).toBe(true);
        expect(v.genTime).toEqual(good.genTime);
        expect(v.serial).toBe(good.serial);
        outcomes.set("same result", (outcomes.get("same result") ?? 0) + 1);
      } catch (e) {
        if (!isSealTrailError(e)) throw new Error(`byte ${at}: raw exception ${String(e)}`, { cause: e });
        const what = e.message.replace(/^rfc3161: ([^:]+):.*$/s, "$1");
        outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
      }
    }
    for (const bad of [new Uint8Array(0), token.subarray(0, 10), token.subarray(0, token.length - 1), new Uint8Array([...token, 0]), utf8("not a token")]) {
      await refusal(verifyTimeStampToken(bad, message, trust));
    }
    expect(outcomes.get("token signature") ?? 0).toBeGreaterThan(0);
    expect((outcomes.get("token") ?? 0) + (outcomes.get("TSTInfo") ?? 0)).toBeGreaterThan(0);
  });

  it("an RSA TSA works too, and the time a token request takes is measured", async () => {
    const rsa = await startOpensslTsa({ keyType: "rsa", name: "SealTrail RSA TSA" });
    try {
      const rsaTrust = { roots: [rsa.pki.root.der] };
      const times: number[] = [];
      const verifyTimes: number[] = [];
      for (const [name, t, tr] of [["ec", tsa, trust], ["rsa", rsa, rsaTrust]] as const) {
        times.length = 0;
        verifyTimes.length = 0;
        for (let i = 0; i < 10; i++) {
          const t0 = performance.now();
          const tok = await requestTimeStamp(t.url, message);
          const t1 = performance.now();
          await verifyTimeStampToken(tok, message, tr);
          times.push(t1 - t0);
          verifyTimes.push(performance.now() - t1);
        }
        times.sort((a, b) => a - b);
        verifyTimes.sort((a, b) => a - b);
        console.log(
          `rfc3161 ${name}: token request p50 ${times[5]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[9]!.toFixed(1)}); verify p50 ${verifyTimes[5]!.toFixed(1)} ms`,
        );
      }
      const tok = await requestTimeStamp(rsa.url, message);
      expect((await opensslVerifyToken(tok, message, rsa.pki.root.certPath)).ok).toBe(true);
      expect((await verifyTimeStampToken(tok, message, rsaTrust)).tsaName).toBe("CN=SealTrail RSA TSA,O=SealTrail Tests");
    } finally {
      await rsa.close();
    }
  });
});
