/**
 * Per-API-key rate limits: a token bucket for each key, refilled
 * continuously. Over the limit, a request is answered 429 with Retry-After
 * before any work is done. Buckets live in the process: behind a load
 * balancer each node enforces its own share.
 */
import { SealTrailError } from "@sealtrail/core";

/** Requests per second and burst size per API key. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** The default: generous for batch ingest, a brake on runaway clients. */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 200, burst: 400 };

/**
 * A limiter: `take(key)` spends one token or throws `rate_limited`.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ perSecond: 10, burst: 20 });
 * limiter.take(apiKeyId);
 * ```
 */
export function createRateLimiter(limit: RateLimit, now: () => number = () => performance.now()): { take(key: string): void } {
  if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new SealTrailError("invalid", "rate limit: perSecond > 0 and burst >= 1");
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (b === undefined) {
        b = { tokens: limit.burst, at: t };
        buckets.set(key, b);
      }
      b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
      b.at = t;
      if (b.tokens < 1) {
        const wait = Math.ceil((1 - b.tokens) / limit.perSecond);
        throw new SealTrailError("rate_limited", `over ${limit.perSecond} requests per second for this API key`, {
          detail: { retryAfter: Math.max(1, wait) },
        });
      }
      b.tokens -= 1;
    },
  };
}
