import { definePolicy } from "@aios/policy-runtime";

// Passes when the response has a trail of at least `minTrail` entries (settings, default 1).
export default definePolicy({
  kind: "qualityChecker",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const trail = input.response.data.trail;
    const length = Array.isArray(trail) ? trail.length : 0;
    const passed = length >= Number(settings.minTrail ?? 1);
    return { passed, score: passed ? 1 : 0, reason: `trail of ${length} after ${input.request.seq_no}` };
  },
});
