/**
 * Every function core exports answers an argument of the wrong JavaScript
 * type (null, undefined, a number, an object, an array where text, bytes or
 * an object is expected) with a SealTrailError naming the argument, never a
 * raw TypeError. The table below lists every function export of the
 * package's entry points; the first test fails for an export missing from
 * it, so a new export is either guarded and listed or listed with the
 * reason it needs no guard.
 */
import { describe, expect, it } from "vitest";
import * as core from "../src/index.node.js";
import { SealTrailError } from "../src/errors.js";
import { TestLog, assemble, makeWitness } from "./bundle/helpers.js";

const WRONG: readonly unknown[] = [null, undefined, 42, {}, []];

/** The kinds of {@link WRONG}, by which a table entry allows some of them. */
type Kind = "null" | "undefined" | "number" | "object" | "array";
const kind = (v: unknown): Kind => (v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as Kind));

interface Guarded {
  /** Arguments that pass every guard; each checked position is replaced by each wrong value in turn. */
  readonly args: () => unknown[];
  /** Position -> what the error message calls that argument. */
  readonly check: Readonly<Record<number, string>>;
  /** Position -> kinds of WRONG that are right there (an optional argument may be undefined, options {}, a count 42). */
  readonly allow?: Readonly<Record<number, readonly Kind[]>>;
  /** Position -> kinds of WRONG that are the right type there but not valid content: any SealTrailError will do. */
  readonly content?: Readonly<Record<number, readonly Kind[]>>;
  /** A class: called with `new`. */
  readonly construct?: true;
  /** A predicate: a value of the wrong type is simply not one (false), not an error. */
  readonly predicate?: true;
  /** Positions whose wrong values are reported (verifyBundle's bundle and policy), not thrown. */
  readonly reported?: readonly number[];
}

type Entry = Guarded | { readonly exempt: string };

// -- Fixtures: real keys, a real note, a real record, a real bundle.
const log = new TestLog();
const acme = log.author("acme");
const rec = log.record(acme, { title: "a risk" });
const note = log.checkpoint();
const body = core.parseNote(note).text;
const witness = makeWitness("witness.example/w1");
const cosigned = witness.cosign(note);
const wKey = core.generateWitnessKey("witness.example/w2");
const wSigner = core.witnessSignerFromKey(wKey.signerKey);
const pair = core.generateEd25519KeyPair();
const hash = new Uint8Array(32);
const bundle = assemble(log, [rec.index]);
const policy = { vkey: log.vkey };
const tiny = new core.MemoryTree();
tiny.append(core.hashLeaf(rec.rec.entry));
const tinyKey = core.generateSignerKey("example.com/tiny");
const tinyNote = core.signCheckpoint({ origin: "example.com/tiny", size: 1n, root: tiny.root(1n) }, core.signerFromKey(tinyKey.signerKey));
const tlogProof = core.formatTlogProof({ index: 0n, proof: [], checkpoint: tinyNote });
const signed = rec.rec.signed;
const envelope = signed.env;
const read = (id: { level: number; index: bigint }) => tiny.nodeHash(id as Parameters<MemoryTree["nodeHash"]>[0]);
type MemoryTree = InstanceType<typeof core.MemoryTree>;
const txRequest = { type: 0, chainId: 1n, nonce: 0n, gasLimit: 21_000n, to: new Uint8Array(20), value: 0n, data: new Uint8Array(0), gasPrice: 1n };
const event = { type: "ObjectEvent", eventTime: "2026-01-01T00:00:00.000Z", eventTimeZoneOffset: "+00:00", action: "OBSERVE", epcList: ["urn:epc:id:sgtin:0614141.107346.2017"] };

const noop = (): void => {};
const one = (check: string, args: () => unknown[] = () => []): Guarded => ({ args, check: { 0: check } });
const predicate = (check: string): Guarded => ({ args: () => [], check: { 0: check }, predicate: true });

const TABLE: Record<string, Entry> = {
  // -- errors.ts and classes that carry no input.
  SealTrailError: { exempt: "an error class: any code and message" },
  BundleTextSplitError: { exempt: "an error class: any message" },
  malformed: { exempt: "builds an error from any message" },
  isSealTrailError: { exempt: "a predicate over any value" },
  MemoryTree: { exempt: "takes no argument (its methods check theirs)" },
  cryptoBackendName: { exempt: "takes no argument" },
  emptyRoot: { exempt: "takes no argument" },
  generateEd25519KeyPair: { exempt: "takes no argument" },
  newPayloadSalt: { exempt: "takes no argument" },

  // -- bytes.ts, crypto.ts, signature-batch.ts
  utf8: one("text"),
  fromUtf8: one("input"),
  concat: one("part"),
  bytesEqual: { args: () => [hash, hash], check: { 0: "a", 1: "b" } },
  toHex: one("bytes"),
  fromHex: one("hex"),
  toBase64: one("bytes"),
  fromBase64: one("base64"),
  uintBE: { args: () => [1n, 4], check: { 0: "integer", 1: "width" }, allow: { 1: ["number"] } },
  readUintBE: { args: () => [hash, 0, 4], check: { 0: "bytes", 1: "offset", 2: "width" }, allow: { 1: ["number"], 2: ["number"] } },
  setCryptoBackend: { args: () => [], check: { 0: "crypto backend" }, content: { 0: ["object"] } },
  sha256: one("data"),
  sha256Hex: one("data"),
  createSha256: { exempt: "takes no argument" },
  randomBytes: { args: () => [], check: { 0: "byte count" }, allow: { 0: ["number"] } },
  ed25519PublicKey: one("Ed25519 seed"),
  ed25519Sign: { args: () => [pair.seed, hash], check: { 0: "Ed25519 seed", 1: "message" } },
  ed25519Verify: { args: () => [pair.publicKey, hash, new Uint8Array(64)], check: { 0: "public key", 1: "message", 2: "signature" } },
  packSignatureTasks: { args: () => [], check: { 0: "tasks" }, allow: { 0: ["array"] } },
  unpackSignatureTasks: { args: () => [new Uint8Array(0), 0, () => {}], check: { 0: "packed", 1: "count", 2: "callback" }, content: { 1: ["number"] } },
  verifyPackedSignatures: { args: () => [new Uint8Array(0), 0], check: { 0: "packed", 1: "count" }, content: { 1: ["number"] } },
  SignatureBatchWriter: { args: () => [], check: { 0: "initial bytes" }, allow: { 0: ["undefined", "number"] }, construct: true },

  // -- json
  canonicalize: { args: () => [], check: { 0: "value" }, allow: { 0: ["null", "number", "object", "array"] } },
  canonicalBytes: { args: () => [], check: { 0: "value" }, allow: { 0: ["null", "number", "object", "array"] } },
  parseJson: one("JSON"),
  parseIJson: { args: () => ["{}"], check: { 0: "JSON", 2: "options" }, allow: { 2: ["undefined", "object"] } },
  checkIJsonValue: { args: () => [], check: { 0: "JSON" }, allow: { 0: ["null", "number", "object", "array"] } },
  survivesDouble: predicate("literal"),

  // -- merkle
  hashLeaf: one("entry"),
  hashChildren: { args: () => [hash, hash], check: { 0: "left", 1: "right" } },
  inclusionPlan: { args: () => [0n, 1n], check: { 0: "index", 1: "size" } },
  consistencyPlan: { args: () => [1n, 1n], check: { 0: "first tree size", 1: "second tree size" } },
  rootPlan: one("size"),
  inclusionProof: { args: () => [0n, 1n, read], check: { 0: "index", 1: "size", 2: "read" } },
  consistencyProof: { args: () => [1n, 1n, read], check: { 0: "first tree size", 1: "second tree size", 2: "read" } },
  treeRoot: { args: () => [1n, read], check: { 0: "size", 1: "read" } },
  rootFromInclusionProof: { args: () => [0n, 1n, hash, []], check: { 0: "index", 1: "size", 2: "leaf hash", 3: "proof" }, allow: { 3: ["array"] } },
  verifyInclusion: { args: () => [0n, 1n, hash, [], tiny.root(1n)], check: { 0: "index", 1: "size", 2: "leaf hash", 3: "proof", 4: "root" }, allow: { 3: ["array"] } },
  verifyConsistency: { args: () => [1n, 1n, [], hash, hash], check: { 0: "first tree size", 1: "second tree size", 2: "proof", 3: "root", 4: "root" }, allow: { 2: ["array"] } },
  integrate: { args: () => [0n, () => new Uint8Array(0), [hash]], check: { 0: "size", 1: "readTile", 2: "leaf hashes" }, allow: { 2: ["array"] } },
  tileWidth: { args: () => [0, 0n, 1n], check: { 0: "level", 1: "index", 2: "size" }, allow: { 0: ["number"] } },
  tileForNode: { args: () => [{ level: 0, index: 0n }], check: { 0: "node id", 1: "size" }, content: { 0: ["object"] }, allow: { 1: ["undefined"] } },
  tilePath: { args: () => [], check: { 0: "tile id" }, content: { 0: ["object"] } },
  entriesPath: { args: () => [0n, 1], check: { 0: "index", 1: "width" }, allow: { 1: ["number"] } },
  parseTilePath: one("tile path"),
  edgeTiles: one("size"),
  nodeHashFromTile: { args: () => [hash, { level: 0, index: 0n }], check: { 0: "tile", 1: "node id" }, content: { 1: ["object"] } },
  encodeEntryBundle: { args: () => [], check: { 0: "entries" }, content: { 0: ["array"] } },
  parseEntryBundle: { args: () => [new Uint8Array(0)], check: { 0: "entry bundle", 1: "width" }, allow: { 1: ["undefined", "number"] } },

  // -- note
  parseNote: one("signed note"),
  openNote: { args: () => [note, [core.verifierFromKey(log.vkey)]], check: { 0: "signed note", 1: "verifiers" }, allow: { 1: ["array"] } },
  signNote: { args: () => [body, [log.signer]], check: { 0: "note text", 1: "signers" }, content: { 1: ["array"] } },
  addSignatures: { args: () => [note, [log.signer]], check: { 0: "note", 1: "signers" }, content: { 1: ["array"] } },
  parseSignatureLines: one("signature lines"),
  parseCheckpoint: one("checkpoint"),
  formatCheckpoint: { args: () => [], check: { 0: "checkpoint" }, content: { 0: ["object"] } },
  signCheckpoint: { args: () => [{ origin: "example.com/x", size: 1n, root: hash }, log.signer], check: { 0: "checkpoint", 1: "signer" }, content: { 0: ["object"] } },
  openCheckpoint: { args: () => [note, log.vkey], check: { 0: "checkpoint note", 1: "verifier key", 2: "options" }, allow: { 2: ["undefined", "object"] } },
  parseVerifierKey: one("verifier key"),
  verifierFromKey: one("verifier key"),
  parseSignerKey: one("signer key"),
  signerFromKey: one("signer key"),
  generateSignerKey: one("key name"),
  formatSignerKey: { args: () => ["example.com/x", pair.seed], check: { 0: "key name", 1: "seed" } },
  formatVerifierKey: { args: () => ["example.com/x", pair.publicKey], check: { 0: "key name", 1: "public key" } },
  keyId: { args: () => ["example.com/x", hash], check: { 0: "key name", 1: "public key" } },
  isValidKeyName: predicate("key name"),
  generateWitnessKey: one("key name"),
  formatWitnessVerifierKey: { args: () => ["example.com/x", pair.publicKey], check: { 0: "key name", 1: "public key" } },
  witnessSignerFromKey: one("signer key"),
  witnessVerifierFromKey: one("verifier key"),
  cosignatureMessage: { args: () => [body, 1n], check: { 0: "checkpoint body", 1: "time" } },
  cosignatureLine: { args: () => [note, wSigner, 1n], check: { 0: "signed note", 1: "witness", 2: "time" } },
  cosignCheckpoint: { args: () => [note, wSigner, 1n], check: { 0: "signed note", 1: "witness", 2: "time" } },
  parseCosignature: one("signature"),
  verifyCosignatures: { args: () => [cosigned, [witness.verifierKey]], check: { 0: "note", 1: "witness key" }, allow: { 1: ["array"] } },
  checkWitnessPolicy: {
    args: () => [cosigned, log.vkey, { witnesses: [witness.verifierKey], threshold: 1 }],
    check: { 0: "note", 1: "verifier key", 2: "witness policy" },
    content: { 2: ["object"] },
  },

  // -- proof
  formatTlogProof: { args: () => [], check: { 0: "tlog-proof" }, content: { 0: ["object"] } },
  parseTlogProof: one("tlog-proof"),
  verifyTlogProof: {
    args: () => [tlogProof, rec.rec.entry, tinyKey.verifierKey],
    check: { 0: "tlog-proof", 1: "entry", 2: "verifier key", 3: "options" },
    allow: { 3: ["undefined", "object"] },
  },

  // -- record
  keyIdOf: one("public key"),
  payloadCommitment: { args: () => [{ a: 1 }, hash], check: { 0: "payload", 1: "salt" }, allow: { 0: ["null", "number", "object", "array"] } },
  commitmentOfCanonicalPayload: { args: () => ["{}", hash], check: { 0: "canonical payload", 1: "salt" } },
  envelopeSigningMessage: { args: () => [], check: { 0: "envelope" }, allow: { 0: ["object"] } },
  encodeSignedEnvelope: { args: () => [], check: { 0: "signed envelope" } },
  signEnvelope: { args: () => [envelope, acme.seed], check: { 0: "envelope", 1: "seed" } },
  verifyEnvelopeSignature: { args: () => [signed, acme.publicKey], check: { 0: "signed envelope", 1: "public key" }, content: { 0: ["object"] } },
  parseEntry: one("entry"),
  parseSignedEnvelope: one("signed envelope"),
  validateEnvelope: one("envelope"),
  typeMatches: { args: () => ["sms.*", "sms.risk"], check: { 0: "pattern", 1: "type" }, predicate: true },
  isTypePattern: predicate("pattern"),
  isRecordType: predicate("type"),
  isName: predicate("name"),
  keyChangePublicKey: { args: () => [], check: { 0: "key change" }, content: { 0: ["object"] } },
  parseHashHex: one("hash"),
  checkPayload: { args: () => [], check: { 0: "payload" }, allow: { 0: ["object"] } },
  buildRecord: { args: () => [], check: { 0: "record input" }, content: { 0: ["object"] } },
  buildMemberRecord: { args: () => [], check: { 0: "record input" }, content: { 0: ["object"] } },
  buildKeyRecord: { args: () => [], check: { 0: "record input" }, content: { 0: ["object"] } },
  buildRedactionRecord: { args: () => [], check: { 0: "record input" }, content: { 0: ["object"] } },

  // -- client
  createClient: { args: () => [], check: { 0: "client options" } },
  createSmsClient: { args: () => [], check: { 0: "transport" } },

  // -- bundle
  parseVerificationPolicy: { args: () => [], check: { 0: "policy" }, content: { 0: ["object"] } },
  certificatesFromText: one("certificate text"),
  multiLeafProofPlan: { args: () => [[0], 1], check: { 0: "indices", 1: "size" }, content: { 0: ["array"] }, allow: { 1: ["number"] } },
  multiLeafProofRanges: { args: () => [[0], 1], check: { 0: "indices", 1: "size" }, content: { 0: ["array"] }, allow: { 1: ["number"] } },
  rootFromMultiLeafProof: {
    args: () => [[0], hash, 1, new Uint8Array(0)],
    check: { 0: "indices", 1: "leaf hashes", 2: "size", 3: "proof" },
    content: { 0: ["array"] },
    allow: { 2: ["number"] },
  },
  verifyMultiLeafProof: {
    args: () => [[0], hash, 1, new Uint8Array(0), hash],
    check: { 0: "indices", 1: "leaf hashes", 2: "size", 3: "proof", 4: "root" },
    content: { 0: ["array"] },
    allow: { 2: ["number"] },
  },
  verifyBundle: { args: () => [bundle, policy, {}], check: { 0: "bundle", 1: "policy", 2: "options" }, allow: { 2: ["undefined", "object"] }, reported: [0, 1] },
  verifyBundleText: { args: () => [JSON.stringify(bundle), policy, {}], check: { 0: "bundle text", 1: "policy", 2: "options" }, allow: { 2: ["undefined", "object"] }, reported: [1] },
  verifyBundleBytes: {
    args: () => [core.utf8(JSON.stringify(bundle)), policy, {}],
    check: { 0: "bundle bytes", 1: "policy", 2: "options" },
    allow: { 2: ["undefined", "object"] },
    reported: [1],
  },
  splitBundleText: one("bundle text"),
  splitBundleBytes: one("bundle bytes"),
  bundleCustodyChain: {
    args: () => [bundle, { records: [] }, {}],
    check: { 0: "bundle", 1: "report", 2: "options" },
    content: { 0: ["object"], 1: ["object"] },
    allow: { 2: ["undefined", "object"] },
  },

  // -- anchor
  evmAnchorCalldata: one("checkpoint hash"),
  parseEvmAnchorRecord: one("evm anchor: record"),
  verifyEvmAnchor: { args: () => [{}, note, { chainId: 1 }], check: { 0: "evm anchor: record", 1: "evm anchor: note", 2: "evm anchor: chain policy" }, content: { 2: ["object"] } },
  decodeBlockHeader: one("block header"),
  decodeReceipt: one("receipt"),
  decodeTransaction: one("transaction"),
  signTransaction: { args: () => [txRequest, pair.seed], check: { 0: "transaction request", 1: "private key" } },
  evmAddress: one("private key"),
  keccak256: one("data"),
  encodeRlp: { args: () => [], check: { 0: "rlp item" }, allow: { 0: ["array"] } },
  decodeRlp: one("rlp"),
  rlpUint: { args: () => [], check: { 0: "integer" }, allow: { 0: ["number"] } },
  readRlpUint: { args: () => [new Uint8Array(0), "x"], check: { 0: "x" }, allow: { 0: ["array"] } },
  rlpBytes: { args: () => [new Uint8Array(0), "x"], check: { 0: "x" }, allow: { 0: [] } },
  rlpList: { args: () => [[], "x"], check: { 0: "x" }, allow: { 0: ["array"] } },
  trieIndexKey: { args: () => [], check: { 0: "trie index" }, allow: { 0: ["number"] } },
  verifyTrieProof: { args: () => [hash, hash, []], check: { 0: "root", 1: "key", 2: "trie proof" }, content: { 2: ["array"] } },
  buildTrie: { args: () => [], check: { 0: "entries" }, allow: { 0: ["array"] } },

  // -- epcis
  gs1CheckDigit: one("digits"),
  epcUrnToDigitalLink: one("EPC URN"),
  isEpcUrn: predicate("EPC URN"),
  canonicalDigitalLink: one("GS1 Digital Link"),
  normaliseGs1Identifier: one("GS1 identifier"),
  compareCodePoints: { args: () => ["a", "b"], check: { 0: "a", 1: "b" } },
  formatHashNumber: { args: () => [], check: { 0: "number" }, allow: { 0: ["number"] } },
  eventPreHashString: { args: () => [event], check: { 0: "EPCIS event", 1: "hash context" }, content: { 0: ["object"] }, allow: { 1: ["undefined", "object"] } },
  eventHashId: { args: () => [event], check: { 0: "EPCIS event", 1: "hash context" }, content: { 0: ["object"] }, allow: { 1: ["undefined", "object"] } },
  epcisDocumentEvents: { args: () => [], check: { 0: "EPCIS document" }, content: { 0: ["object"] } },
  epcisDocumentHashContext: { args: () => [], check: { 0: "EPCIS document" }, allow: { 0: ["object"] } },
  epcisDocumentEventHashIds: { args: () => [], check: { 0: "EPCIS document" }, content: { 0: ["object"] } },
  normaliseTimestamp: one("timestamp"),

  // -- custody
  identifiersOf: { args: () => [], check: { 0: "EPCIS event" }, allow: { 0: ["object"] } },
  custodyChain: { args: () => ["urn:x", []], check: { 0: "identifier", 1: "events", 2: "options" }, allow: { 1: ["array"], 2: ["undefined", "object"] } },
  custodyIdentifierKey: one("identifier"),
  writeRightsOf: { args: () => [[], ["ops"]], check: { 0: "membership records", 1: "operators" }, allow: { 0: ["array"], 1: ["array"] } },
  securityPrefixes: { exempt: "reads any JSON-LD @context value: what is not one holds no prefix" },

  // -- sms
  catalogueDigest: { exempt: "takes no argument" },
  digestOf: { args: () => [], check: { 0: "value" }, allow: { 0: ["null", "number", "object", "array"] } },
  isSmsRecordType: predicate("type"),
  nextStatuses: { args: () => ["sms.audit", null], check: { 0: "type", 1: "status" }, allow: { 1: ["null"] } },
  checkSmsVersion: {
    args: () => ["sms.audit", null, { id: "A-1", status: "planned" }],
    check: { 0: "type", 1: "previous version", 2: "next version" },
    allow: { 1: ["null", "object"], 2: ["object"] },
  },
  validateSmsPayload: { args: () => ["sms.risk", {}], check: { 0: "type" } },
  smsJsonSchema: { args: () => ["sms.risk"], check: { 0: "type" } },
  referencesOf: { args: () => ["sms.risk", {}], check: { 0: "type" } },
  readSecurityExtension: { args: () => [event], check: { 0: "EPCIS event" }, allow: { 0: ["object"] } },

  // -- sms computations
  smsState: { args: () => [[]], check: { 0: "smsState: records", 1: "smsState: options" }, allow: { 0: ["array"], 1: ["undefined", "object"] } },
  smsRecord: { args: () => [core.smsState([]), "sms.risk", "R-1"], check: { 0: "smsRecord: state", 1: "smsRecord: type", 2: "smsRecord: id" } },
  computeKpis: {
    args: () => [core.smsState([]), { from: "2026-03-01", to: "2026-03-31" }],
    check: { 0: "computeKpis: state", 1: "computeKpis: period", 2: "computeKpis: options" },
    allow: { 2: ["undefined", "object"] },
  },
  computeReadiness: { args: () => [core.smsState([]), "2026-03-31"], check: { 0: "computeReadiness: state", 1: "computeReadiness: asOf" } },
  detectGaps: { args: () => [core.smsState([]), "2026-03-31"], check: { 0: "detectGaps: state", 1: "detectGaps: asOf" } },
  computeMaturity: { args: () => [core.smsState([]), "2026-03-31"], check: { 0: "computeMaturity: state", 1: "computeMaturity: asOf" } },
  dueItems: { args: () => [core.smsState([]), "2026-03-31"], check: { 0: "dueItems: state", 1: "dueItems: asOf" } },
  createSmsProjection: { args: () => [], check: { 0: "createSmsProjection: options" }, allow: { 0: ["undefined", "object"] } },
  compareSmsStates: {
    args: () => [core.smsState([]), core.smsState([]), 10],
    check: { 0: "compareSmsStates: expected", 1: "compareSmsStates: actual", 2: "compareSmsStates: limit" },
    allow: { 2: ["undefined", "number"] },
  },

  problemError: { args: () => [404, "{}"], check: { 0: "problemError: status", 1: "problemError: body" } },

  // -- files
  checkAttachments: { exempt: "reads any payload: what is not an object names no attachment, and a bad member is reported" },
  attachmentsOf: { exempt: "reads any payload: what is not an object names no attachment" },
  fileAddress: { args: () => ["0".repeat(64)], check: { 0: "hex" } },
  parseFileAddress: one("file address"),
  hashBytes: one("bytes"),
  hashStream: one("byte source"),
  byteChunks: one("byte source"),
  hashFileSource: one("file source"),
  checkFileAgainst: {
    args: () => [{ record: noop, inclusionProof: noop, verifierKey: noop, keyRecords: noop, anchors: noop }, "default", { sha256: "0".repeat(64), length: 0 }, [], {}],
    check: { 0: "deps", 1: "vault", 2: "digest", 3: "records", 4: "options" },
    allow: { 3: ["array"], 4: ["undefined", "object"] },
  },
};

/** What calling `f` with `args` gives: its value, or the error it throws (or rejects with). */
async function outcome(entry: Guarded, f: (...a: unknown[]) => unknown, args: unknown[]): Promise<{ value?: unknown; error?: unknown }> {
  try {
    const v = entry.construct === true ? new (f as unknown as new (...a: unknown[]) => unknown)(...args) : f(...args);
    return { value: await v };
  } catch (error) {
    return { error };
  }
}

const exported = Object.entries(core)
  .filter(([, v]) => typeof v === "function")
  .map(([k]) => k)
  .sort();

describe("every export answers a wrong argument type with a SealTrailError naming it", () => {
  it("every function export is in the table (a new one: guard it and list it, or list why it needs no guard)", () => {
    const missing = exported.filter((name) => !(name in TABLE));
    expect(missing, `exports missing from the table: ${missing.join(", ")}`).toEqual([]);
    const gone = Object.keys(TABLE).filter((name) => !exported.includes(name));
    expect(gone, `table entries naming no export: ${gone.join(", ")}`).toEqual([]);
  });

  for (const [name, entry] of Object.entries(TABLE)) {
    if ("exempt" in entry) continue;
    it(name, async () => {
      const f = (core as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      for (const [p, label] of Object.entries(entry.check)) {
        const at = Number(p);
        for (const wrong of WRONG) {
          if (entry.allow?.[at]?.includes(kind(wrong)) === true) continue;
          const args = entry.args();
          while (args.length <= at) args.push(undefined);
          args[at] = wrong;
          const what = `${name}: argument ${at} (${label}) = ${JSON.stringify(wrong) ?? "undefined"}`;
          const { value, error } = await outcome(entry, f, args);
          if (entry.predicate === true) {
            expect(error, what).toBeUndefined();
            expect(value, what).toBe(false);
          } else if (entry.reported?.includes(at) === true) {
            expect(error, what).toBeUndefined();
            expect((value as core.BundleReport).ok, what).toBe(false);
            expect((value as core.BundleReport).failures.map((x) => x.code), what).toEqual(["bundle_malformed"]);
          } else {
            expect(error, what).toBeInstanceOf(SealTrailError);
            const e = error as SealTrailError;
            // Content errors may have any code (a proof that fails is bad_proof); a wrong type is malformed or invalid, and named.
            if (entry.content?.[at]?.includes(kind(wrong)) !== true) {
              expect(["malformed", "invalid"], `${what}: ${e.message}`).toContain(e.code);
              expect(e.message, what).toContain(label);
            }
          }
        }
      }
    });
  }
});
