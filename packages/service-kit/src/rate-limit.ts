import { z } from "zod";

/**
 * Per-key rate limits (a token bucket per key): `rate` requests a second on average, `burst` at
 * once. A key is whatever identifies the caller (an API token's id; the peer address without one).
 * Buckets of idle keys are forgotten once full again, so the table stays as small as the set of
 * keys active within `burst / rate` seconds.
 */
export interface RateLimit {
  rate: number;
  burst: number;
  /** The setting that configures it, named in every refusal. */
  setting: string;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

export interface RateLimiter {
  readonly limit: RateLimit;
  /** Takes one request's worth from `key`'s bucket, or says how long until one is there. */
  take(key: string): RateDecision;
  /** How many keys have a bucket now (for tests and metrics). */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Past this many buckets, the full ones are swept before a new one is made. */
const SWEEP_AT = 10_000;

export function createRateLimiter(
  limit: RateLimit,
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.rate);
    bucket.at = t;
  };
  const sweep = (t: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= limit.burst) buckets.delete(key);
    }
  };
  return {
    limit,
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= SWEEP_AT) sweep(t);
        bucket = { tokens: limit.burst, at: t };
        buckets.set(key, bucket);
      } else refill(bucket, t);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.rate));
      return {
        ok: false,
        retryAfterSeconds,
        message: `rate limit: at most ${limit.rate} requests a second (bursts of ${limit.burst}) per key (${limit.setting}); retry in ${retryAfterSeconds} s`,
      };
    },
    size: () => buckets.size,
  };
}

/**
 * A rate-limit setting: `<rate>/s` or `<rate>/s:<burst>` (burst defaults to twice the rate, at
 * least 1), or `off`. Parsed to a RateLimit naming `setting`, or null for `off`.
 */
export function rateLimitSetting(setting: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx): RateLimit | null => {
      if (value.trim() === "off") return null;
      const match = /^\s*(\d+(?:\.\d+)?)\/s(?::(\d+))?\s*$/.exec(value);
      const rate = match ? Number(match[1]) : Number.NaN;
      if (!match || !(rate > 0)) {
        ctx.addIssue({
          code: "custom",
          message: `${setting} must be "<rate>/s", "<rate>/s:<burst>" or "off" (e.g. "50/s:100"), not "${value}"`,
        });
        return z.NEVER;
      }
      const burst = match[2] !== undefined ? Number(match[2]) : Math.max(1, Math.ceil(rate * 2));
      if (burst < 1) {
        ctx.addIssue({ code: "custom", message: `${setting}: the burst must be at least 1` });
        return z.NEVER;
      }
      return { rate, burst, setting };
    });
}
