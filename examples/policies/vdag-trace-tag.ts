import { definePolicy } from "@aios/policy-runtime";

// Records which node and block each task passed through, so a wrong answer from a vDAG can be traced
// to the block that produced it. The trace rides on the packet, not in `data`, because a component
// replaces `data` with its own output.
export default definePolicy({
  kind: "vdagPreProcessing",
  init() {
    return {};
  },
  eval(input) {
    const previous = Array.isArray(input.packet.trace) ? input.packet.trace : [];
    const entry = { nodeLabel: input.nodeLabel, blockId: input.blockId, at: Date.now() };
    return { packet: { ...input.packet, trace: [...previous, entry] } };
  },
});
