import { definePolicy } from "@aios/policy-runtime";

// Spot checks on sampled requests catch a vDAG that answers quickly but wrongly (empty results,
// missing fields), which health checks cannot see.
// settings: requiredFields (string[], default []), maxLatencyMs (optional), minPassRate (default 0.9).
export default definePolicy({
  kind: "qualityChecker",
  init() {
    return { checked: 0, passed: 0 };
  },
  eval(input, { state, settings, log }) {
    const required = Array.isArray(settings.requiredFields) ? settings.requiredFields.map(String) : [];
    const maxLatency = typeof settings.maxLatencyMs === "number" ? settings.maxLatencyMs : undefined;
    const data = input.response.data;

    const problems: string[] = [];
    if (Object.keys(data).length === 0) problems.push("empty response");
    for (const field of required) {
      if (data[field] === undefined || data[field] === null || data[field] === "")
        problems.push(`no ${field}`);
    }
    if (maxLatency !== undefined && (input.latencyMs ?? 0) > maxLatency) {
      problems.push(`took ${input.latencyMs} ms`);
    }

    const passed = problems.length === 0;
    state.checked++;
    if (passed) state.passed++;
    // One bad sample is noise; a falling pass rate is worth a warning in the policy's log.
    const passRate = state.passed / state.checked;
    if (passRate < Number(settings.minPassRate ?? 0.9)) {
      log.warn(`${input.vdagURI}: pass rate ${passRate.toFixed(2)} over ${state.checked} samples`);
    }
    const checks = required.length + 2;
    return {
      passed,
      score: Math.max(0, 1 - problems.length / checks),
      reason: problems.join("; ") || undefined,
    };
  },
});
