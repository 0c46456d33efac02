import { definePolicy } from "@aios/policy-runtime";

// A vDAG node's `modelParameters` are the node's own settings for its block; this adds them to the
// task's data, so one block (e.g. a general model) can serve several nodes differently.
export default definePolicy({
  kind: "vdagPreProcessing",
  init() {
    return {};
  },
  eval(input) {
    return { packet: { ...input.packet, data: { ...input.packet.data, ...(input.modelParameters ?? {}) } } };
  },
});
