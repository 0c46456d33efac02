import { describe, expect, it } from "vitest";
import { phaseFrames } from "../src/scenarios/frames";

describe("a phase's frames", () => {
  // Frame times (ms) and the main thread's CPU clock at each frame (ms).
  const frames = [0, 16, 32, 100, 116, 132];
  const cpu = [0, 2, 4, 30, 35, 36];

  it("takes the gaps of the frames that ended in it, and the CPU spent in each", () => {
    expect(phaseFrames(frames, cpu, 0, 3)).toEqual({ worstMs: 16, frames: 2, worstCpuMs: 2, medianCpuMs: 2 });
    expect(phaseFrames(frames, cpu, 3, 6)).toEqual({
      worstMs: 68,
      frames: 3,
      worstCpuMs: 26,
      medianCpuMs: 5,
    });
  });

  it("gives no CPU figures when the trace does not cover every frame", () => {
    expect(phaseFrames(frames, cpu.slice(0, 4), 3, 6)).toEqual({ worstMs: 68, frames: 3 });
    expect(phaseFrames(frames, undefined, 0, 6)).toEqual({ worstMs: 68, frames: 5 });
  });
});
