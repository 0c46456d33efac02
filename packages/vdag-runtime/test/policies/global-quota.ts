import { definePolicy } from "@aios/policy-runtime";

// A limit over all sessions together; it also checks that only this session's count crosses over.
export default definePolicy({
  kind: "quotaChecker",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const seen = Object.keys(input.quotaTable ?? {});
    if (seen.length !== 1 || seen[0] !== input.sessionId) throw new Error(`quotaTable has ${seen.join(",")}`);
    const limit = Number(settings.limit ?? 2);
    if ((input.total ?? 0) <= limit) return { allowed: true };
    return { allowed: false, reason: `the vDAG took its ${limit} requests` };
  },
});
