import { definePolicy } from "@aios/policy-runtime";

// A vDAG is as slow as its slowest node, so each node gets the matching block that answers fastest.
// Blocks without latency metrics (new ones) come last: their speed is unknown.
export default definePolicy({
  kind: "assignment",
  init() {
    return {};
  },
  eval(input, { log }) {
    const running = input.filterResult.filter((b) => b.status === undefined || b.status === "running");
    const pool = running.length > 0 ? running : input.filterResult;
    const latency = (b: (typeof pool)[number]) => b.metrics?.latencyMs ?? Number.POSITIVE_INFINITY;
    const queue = (b: (typeof pool)[number]) => b.metrics?.queueLength ?? 0;
    const best = [...pool].sort((a, b) => latency(a) - latency(b) || queue(a) - queue(b))[0];
    if (!best) throw new Error(`no block matches vDAG node ${input.nodeLabel ?? "?"}`);
    log.info(`${input.nodeLabel ?? "node"} -> ${best.id}`);
    return { blockId: best.id };
  },
});
