import { readdirSync, readFileSync } from "node:fs";

/** Pids of a vDAG controller's processes, found by its configuration in their environment. */
export function controllerPids(controllerId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (
        env.some(
          (v) => v.startsWith("AIOS_VDAG_CONTROLLER=") && v.includes(`"controllerId":"${controllerId}"`),
        )
      )
        pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** Pids of a block's executor processes (its policy sandbox aside), found by the block in their environment. */
export function executorPids(blockId: string): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      // The executor's program, from its bundle or (in tests) its source.
      const main = /block-runtime\/(dist|src)\/main\./.test(readFileSync(`/proc/${entry}/cmdline`, "utf8"));
      return main && env.includes(`BLOCK_ID=${blockId}`) ? [Number(entry)] : [];
    } catch {
      return []; // gone, or not ours
    }
  });
}
