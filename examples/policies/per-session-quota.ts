import { definePolicy } from "@aios/policy-runtime";

// A number of requests per client session in each window of time keeps one client from starving
// the others on a shared vDAG, and lets it back in when the window rolls over.
// settings: limit (requests per window, default 100), windowSeconds (default 60; 86400 for a day).
// Windows are fixed and aligned to the epoch; the clock is the request's arrival (`input.input.ts`,
// set by the controller). A request without session_id counts against its caller
// (`anonymous:token:<id>` or `anonymous:address:<ip>`), not one session shared by every such caller.
// The window's count is the controller's count (`quota`) less what it was at the session's first
// request in the window, so the controller's reset of a session starts it over; a policy instance
// that starts mid-window (a new configuration, a dry run) counts from the first request it sees.
// Operators can raise one session's limit at run time with the management command
// setLimit {sessionId, limit} without redeploying the policy.
// Its windows and limits outlive a controller restart: the controller saves them with its counts
// (`aios.saveState`) and hands them back to the same policy when it starts again (`aios.restoreState`).
export default definePolicy({
  kind: "quotaChecker",
  init() {
    return {
      overrides: {} as Record<string, number>,
      /** Start (epoch ms) of the current window. */
      windowStart: 0,
      /** Per session seen in this window: its `quota` count when the window began for it. */
      before: {} as Record<string, number>,
    };
  },
  eval(input, { state, settings }) {
    const windowSeconds = Number(settings.windowSeconds ?? 60);
    const windowMs = windowSeconds * 1000;
    const now = input.input.ts;
    const start = now - (now % windowMs);
    if (start > state.windowStart) {
      state.windowStart = start;
      state.before = {};
    }
    // `quota` is the controller's count of the session's allowed requests, this one included. A
    // count at or below the window's record means an operator reset or deleted the session.
    let before = state.before[input.sessionId];
    if (before === undefined || input.quota <= before) {
      before = input.quota - 1;
      state.before[input.sessionId] = before;
    }
    const used = input.quota - before;
    const limit = state.overrides[input.sessionId] ?? Number(settings.limit ?? 100);
    if (used <= limit) return { allowed: true };
    const retryIn = Math.ceil((start + windowMs - now) / 1000);
    return {
      allowed: false,
      reason: `session ${input.sessionId} used its ${limit} requests per ${windowSeconds} s; try again in ${retryIn} s`,
    };
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
    if (action === "aios.saveState")
      return { state: { windowStart: state.windowStart, before: state.before, overrides: state.overrides } };
    if (action === "aios.restoreState") {
      const saved = (data ?? {}) as Partial<typeof state>;
      if (typeof saved.windowStart === "number") state.windowStart = saved.windowStart;
      if (saved.before && typeof saved.before === "object") state.before = { ...saved.before };
      if (saved.overrides && typeof saved.overrides === "object") state.overrides = { ...saved.overrides };
      return { ok: true };
    }
    return { ok: false, error: `unknown command or bad arguments: ${action}` };
  },
});
