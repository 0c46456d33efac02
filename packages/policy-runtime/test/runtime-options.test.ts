import { describe, expect, it } from "vitest";
import { runtimePolicyOptions } from "../src/runtime-options";

describe("runtimePolicyOptions", () => {
  it("defaults to the sandbox process and the default limits", () => {
    expect(runtimePolicyOptions({})).toEqual({
      isolation: "process",
      limits: { cpuTimeMs: 50, memoryMb: 64 },
    });
  });

  it("reads the isolation and the limits", () => {
    const env = {
      AIOS_RUNTIME_POLICY_ISOLATION: "in-process",
      AIOS_RUNTIME_POLICY_CPU_MS: "200",
      AIOS_RUNTIME_POLICY_MEMORY_MB: "128",
    };
    expect(runtimePolicyOptions(env)).toEqual({
      isolation: "in-process",
      limits: { cpuTimeMs: 200, memoryMb: 128 },
    });
  });

  it("names the variable and the value it refuses", () => {
    expect(() => runtimePolicyOptions({ AIOS_RUNTIME_POLICY_ISOLATION: "thread" })).toThrow(
      'AIOS_RUNTIME_POLICY_ISOLATION must be "process" or "in-process", not "thread"',
    );
    expect(() => runtimePolicyOptions({ AIOS_RUNTIME_POLICY_CPU_MS: "0.5" })).toThrow(
      'AIOS_RUNTIME_POLICY_CPU_MS must be an integer of at least 1, not "0.5"',
    );
    expect(() => runtimePolicyOptions({ AIOS_RUNTIME_POLICY_MEMORY_MB: "4" })).toThrow(
      'AIOS_RUNTIME_POLICY_MEMORY_MB must be an integer of at least 8, not "4"',
    );
  });
});
