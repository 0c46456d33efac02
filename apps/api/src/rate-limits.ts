import { createRateLimiter, type RateLimit, type RateLimiter, rateLimitSetting } from "@aios/service-kit";
import { QuotaExceededError } from "./errors";

/** The API's per-key rate limits: data-plane invokes, and dry runs (which run code). */
export interface RateLimitConfig {
  infer: RateLimit | null;
  dryRun: RateLimit | null;
}

export type RateLimits = { [K in keyof RateLimitConfig]: RateLimiter | null };

/** The env fields that configure them (`<rate>/s[:<burst>]` or `off`), with their defaults. */
export const RATE_LIMIT_ENV = {
  AIOS_RATE_LIMIT_INFER: rateLimitSetting("AIOS_RATE_LIMIT_INFER", "500/s:1000"),
  AIOS_RATE_LIMIT_DRY_RUN: rateLimitSetting("AIOS_RATE_LIMIT_DRY_RUN", "5/s:20"),
};

export const rateLimitConfigOf = (env: {
  AIOS_RATE_LIMIT_INFER: RateLimit | null;
  AIOS_RATE_LIMIT_DRY_RUN: RateLimit | null;
}): RateLimitConfig => ({ infer: env.AIOS_RATE_LIMIT_INFER, dryRun: env.AIOS_RATE_LIMIT_DRY_RUN });

export function createRateLimits(config: Partial<RateLimitConfig> = {}): RateLimits {
  const of = (limit: RateLimit | null | undefined) => (limit ? createRateLimiter(limit) : null);
  return { infer: of(config.infer), dryRun: of(config.dryRun) };
}

/** Takes one call from `key`'s bucket, or refuses it: 429 with `Retry-After` and the setting named. */
export function assertWithinRate(limiter: RateLimiter | null, key: string): void {
  if (!limiter) return;
  const decision = limiter.take(key);
  if (!decision.ok) throw new QuotaExceededError(decision.message, decision.retryAfterSeconds);
}
