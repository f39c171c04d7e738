/**
 * The request body parser of every JSON route: a body becomes a record
 * signed exactly as it was sent, or it is refused (I-JSON, RFC 7493, via
 * core's parseIJson): UTF-8 only, declared or not, with no byte-order mark,
 * no duplicate member names, and no number a double would change.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SealTrailError, parseIJson } from "@sealtrail/core";

// Member names refused in any body: "__proto__" would reach an object's
// prototype through Object.assign, as Fastify's own parser guards against.
const REFUSED_NAMES = ["__proto__"];

/**
 * Refuse a request whose Content-Type declares a charset other than UTF-8
 * (RFC 8259 §8.1: JSON exchanged between systems is UTF-8).
 *
 * @example
 * ```ts
 * requireUtf8Charset(req); // throws for "application/json; charset=latin1"
 * ```
 */
export function requireUtf8Charset(req: FastifyRequest): void {
  const ct = req.headers["content-type"] ?? "";
  for (const param of ct.split(";").slice(1)) {
    const eq = param.indexOf("=");
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    const charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") {
      throw new SealTrailError("malformed", `Content-Type: charset=${charset} is not accepted; JSON is sent as UTF-8 (RFC 8259 §8.1)`, {
        detail: { header: "content-type", rule: "I-JSON (RFC 7493): utf8" },
      });
    }
  }
}

/**
 * Replace Fastify's JSON parser in `app` (and the scopes it registers) with
 * the I-JSON one.
 *
 * @example
 * ```ts
 * registerJsonBody(app);
 * ```
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser(["application/json"]);
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    try {
      requireUtf8Charset(req);
      const bytes = body as Buffer;
      if (bytes.length === 0) throw new SealTrailError("malformed", "request body: empty, but its Content-Type is application/json");
      done(null, parseIJson(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), "request body", { refuseNames: REFUSED_NAMES }));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
