import { definePolicy } from "@aios/policy-runtime";

// Unhealthy when any block is; counts its rounds (management "rounds").
export default definePolicy({
  kind: "vdagHealthChecker",
  init() {
    return { defaultRounds: 0, fastChecks: 0 };
  },
  eval(input, { state }) {
    if (input.mode === "default") state.defaultRounds++;
    else state.fastChecks++;
    const unhealthyBlocks = Object.entries(input.healthCheckData)
      .filter(([, h]) => !h.healthy)
      .map(([id]) => id);
    if (unhealthyBlocks.length === 0) return { overallHealthy: true };
    return { overallHealthy: false, unhealthyBlocks, reason: `policy says ${input.mode}` };
  },
  management(action, _data, { state }) {
    if (action === "rounds") return state;
    throw new Error(`unknown command ${action}`);
  },
});
