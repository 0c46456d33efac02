import { definePolicy } from "@aios/policy-runtime";

// A fixed number of requests per client session keeps one client from starving the others on a
// shared vDAG. settings: limit (default 100). Operators can raise one session's limit at run time
// with the management command setLimit {sessionId, limit} without redeploying the policy.
export default definePolicy({
  kind: "quotaChecker",
  init() {
    return { overrides: {} as Record<string, number> };
  },
  eval(input, { state, settings }) {
    const limit = state.overrides[input.sessionId] ?? Number(settings.limit ?? 100);
    // `quota` already counts this request, so the limit-th request is still allowed.
    if (input.quota <= limit) return { allowed: true };
    return { allowed: false, reason: `session ${input.sessionId} used its ${limit} requests` };
  },
  management(action, data, { state }) {
    const args = (data ?? {}) as { sessionId?: unknown; limit?: unknown };
    if (action === "setLimit" && typeof args.sessionId === "string" && typeof args.limit === "number") {
      state.overrides[args.sessionId] = args.limit;
      return { ok: true };
    }
    if (action === "clearLimit" && typeof args.sessionId === "string") {
      delete state.overrides[args.sessionId];
      return { ok: true };
    }
    return { ok: false, error: `unknown command or bad arguments: ${action}` };
  },
});
