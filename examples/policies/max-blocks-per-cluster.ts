import { definePolicy } from "@aios/policy-runtime";

// Keeps each cluster to a number of blocks: a new block is denied once its cluster already runs
// settings.maxBlocks blocks that are not removed. Every other action is allowed unchanged.
// settings: maxBlocks (integer >= 0).
export default definePolicy({
  kind: "preCheck",
  init() {
    return {};
  },
  eval(input, { settings }) {
    if (input.action !== "add_block") return { allowed: true };
    const max = typeof settings.maxBlocks === "number" ? settings.maxBlocks : 10;
    const blocks = input.clusterBlocks ?? [];
    if (blocks.length >= max) {
      return {
        allowed: false,
        reason: `cluster ${input.clusterData.id} already runs ${blocks.length} block(s), the limit is ${max}`,
      };
    }
    return { allowed: true };
  },
});
