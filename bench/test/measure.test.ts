import { describe, expect, it } from "vitest";
import { measure } from "../src/measure";

describe("measure", () => {
  it("reports p50 and p99 over the measured calls only, not the warm-up", async () => {
    let call = 0;
    // 10 warm-up calls take 20 ms each; the 100 measured ones are instant except every 50th.
    const figures = await measure(
      async () => {
        call++;
        const slow = call <= 10 || (call - 10) % 50 === 0;
        if (slow) await new Promise((r) => setTimeout(r, 20));
      },
      { n: 100, warmup: 10 },
    );
    expect(figures.n).toBe(100);
    expect(figures.p50_ms).toBeLessThan(5);
    expect(figures.p99_ms).toBeGreaterThanOrEqual(15);
    expect(figures.per_s).toBeGreaterThan(0);
  });
});
