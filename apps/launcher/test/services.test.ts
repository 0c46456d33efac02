import { describe, expect, it } from "vitest";
import { nextRestartDelay, RESTART_BACKOFF } from "../src/services";

describe("restart backoff of a crashed service", () => {
  it("starts at the first delay, doubles on each quick crash, and stops at the cap", () => {
    let delay: number | null = null;
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      delay = nextRestartDelay(delay, 100);
      seen.push(delay);
    }
    expect(seen).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("forgets earlier crashes after a stable run", () => {
    expect(nextRestartDelay(16_000, RESTART_BACKOFF.stableMs)).toBe(RESTART_BACKOFF.firstMs);
    expect(nextRestartDelay(16_000, RESTART_BACKOFF.stableMs - 1)).toBe(30_000);
  });
});
