import { definePolicy } from "@aios/policy-runtime";

// The periodic check is strict (every block fully healthy) so operators hear about degraded blocks
// early; the per-request fast check only refuses requests no block could serve, because one healthy
// instance per block is enough to answer.
export default definePolicy({
  kind: "vdagHealthChecker",
  init() {
    return {};
  },
  eval(input, { log }) {
    const entries = Object.entries(input.healthCheckData);
    const canServe = (h: (typeof entries)[number][1]) =>
      h.healthy || (h.error === undefined && (h.healthyInstances ?? 0) > 0);
    const unhealthyBlocks = entries
      .filter(([, h]) => (input.mode === "fast_check" ? !canServe(h) : !h.healthy))
      .map(([blockId]) => blockId);
    const overallHealthy = entries.length > 0 && unhealthyBlocks.length === 0;
    if (!overallHealthy && input.mode === "default") log.warn(`${input.vdagURI} degraded`, unhealthyBlocks);
    if (overallHealthy) return { overallHealthy };
    const reason = entries.length === 0 ? "no blocks reported" : `unhealthy: ${unhealthyBlocks.join(", ")}`;
    return { overallHealthy, unhealthyBlocks, reason };
  },
});
