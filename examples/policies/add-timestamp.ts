import { definePolicy } from "@aios/policy-runtime";

// Clients and the quality checker want to know when and where a result was produced, and how long
// the task took since it entered the system, without every component reporting it itself.
// settings: field (default "processed").
export default definePolicy({
  kind: "blockPostProcessing",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const field = String(settings.field ?? "processed");
    const now = Date.now();
    const stamp = {
      at: new Date(now).toISOString(),
      blockId: input.blockData.id,
      elapsedMs: Math.max(0, now - input.packet.ts),
    };
    return { packet: { ...input.packet, data: { ...input.packet.data, [field]: stamp } } };
  },
});
