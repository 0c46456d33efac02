import { describe, expect, it } from "vitest";
import { limitedCommand, outOfMemory, RUNTIME_RESERVE_MB } from "../src/drivers/instance-limits";

describe("an instance's limits as a command", () => {
  it("runs Node itself when nothing is limited", () => {
    expect(limitedCommand("/usr/bin/node", ["x.mjs"], {})).toEqual({
      command: "/usr/bin/node",
      args: ["x.mjs"],
    });
  });

  it("holds the heap, the address space (soft) and the priority, and execs Node in the shell's place", () => {
    const { command, args } = limitedCommand("/usr/bin/node", ["--import", "tsx", "x.ts"], {
      memoryMb: 256,
      nice: 10,
    });
    expect(command).toBe("/bin/sh");
    expect(args).toEqual([
      "-c",
      `ulimit -S -v ${(256 + RUNTIME_RESERVE_MB) * 1024} && exec nice -n 10 "$0" "$@"`,
      "/usr/bin/node",
      "--max-old-space-size=256",
      "--disable-wasm-trap-handler",
      "--import",
      "tsx",
      "x.ts",
    ]);
  });

  it("tells out of memory from other ends by the last lines", () => {
    expect(
      outOfMemory(["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"], 96),
    ).toBe("out of memory (its limit: 96 MB)");
    expect(outOfMemory(["RangeError: Array buffer allocation failed"], undefined)).toBe("out of memory");
    expect(outOfMemory(["Error: boom", "    at main (x.ts:1:1)"], 96)).toBeNull();
  });
});
