import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRateLimiter, rateLimitSetting } from "../src";

const SETTING = "AIOS_RATE_LIMIT_TEST";

describe("rate limiter", () => {
  it("lets a burst through, then refuses with the seconds until the next request and the setting", () => {
    let t = 0;
    const limiter = createRateLimiter({ rate: 2, burst: 3, setting: SETTING }, () => t);
    expect([1, 2, 3].map(() => limiter.take("k").ok)).toEqual([true, true, true]);
    const refused = limiter.take("k");
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    if (!refused.ok) expect(refused.message).toContain(SETTING);
    t += 500; // half a second at 2/s refills one
    expect(limiter.take("k").ok).toBe(true);
    expect(limiter.take("k").ok).toBe(false);
  });

  it("keeps one bucket per key", () => {
    const limiter = createRateLimiter({ rate: 1, burst: 1, setting: SETTING }, () => 0);
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    expect(limiter.take("b").ok).toBe(true);
  });

  it("rounds Retry-After up to whole seconds for slow rates", () => {
    const limiter = createRateLimiter({ rate: 0.1, burst: 1, setting: SETTING }, () => 0);
    limiter.take("k");
    expect(limiter.take("k")).toMatchObject({ ok: false, retryAfterSeconds: 10 });
  });

  it("forgets the buckets of idle keys once it holds many", () => {
    let t = 0;
    const limiter = createRateLimiter({ rate: 1000, burst: 1, setting: SETTING }, () => t);
    for (let i = 0; i < 10_000; i++) limiter.take(`k${i}`);
    expect(limiter.size()).toBe(10_000);
    t += 10; // every bucket is full again
    limiter.take("new");
    expect(limiter.size()).toBe(1);
  });
});

describe("rate-limit setting", () => {
  const schema = z.object({ [SETTING]: rateLimitSetting(SETTING, "50/s") });
  const parse = (value?: string) => schema.safeParse(value === undefined ? {} : { [SETTING]: value });

  it("reads <rate>/s with a default burst of twice the rate, <rate>/s:<burst>, and off", () => {
    expect(parse().data?.[SETTING]).toEqual({ rate: 50, burst: 100, setting: SETTING });
    expect(parse("0.5/s:3").data?.[SETTING]).toEqual({ rate: 0.5, burst: 3, setting: SETTING });
    expect(parse("off").data?.[SETTING]).toBeNull();
  });

  it("refuses anything else naming the setting and the forms it takes", () => {
    for (const bad of ["50", "0/s", "-1/s", "50/m", "10/s:0", "fast"]) {
      const result = parse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message).toContain(SETTING);
    }
  });
});
