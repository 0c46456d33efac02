import { definePolicy } from "@aios/policy-runtime";

// settings: limit (default 3). Management: setLimit {sessionId, limit}.
export default definePolicy({
  kind: "quotaChecker",
  init() {
    return { overrides: {} as Record<string, number> };
  },
  eval(input, { state, settings }) {
    const limit = state.overrides[input.sessionId] ?? Number(settings.limit ?? 3);
    if (input.quota <= limit) return { allowed: true };
    return { allowed: false, reason: `session ${input.sessionId} used its ${limit} requests` };
  },
  management(action, data, { state }) {
    const args = (data ?? {}) as { sessionId?: unknown; limit?: unknown };
    if (action === "setLimit" && typeof args.sessionId === "string" && typeof args.limit === "number") {
      state.overrides[args.sessionId] = args.limit;
      return { set: args.sessionId };
    }
    throw new Error(`unknown command ${action}`);
  },
});
