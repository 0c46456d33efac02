import { definePolicy } from "@aios/policy-runtime";

// The simplest useful event handler: makes block events visible in the policy log and counts them
// per name, which is often all that is needed to see whether a rare condition happens at all.
// The management command `counts` returns the tallies, `reset` clears them.
export default definePolicy({
  kind: "event",
  init() {
    return { counts: {} as Record<string, number> };
  },
  eval(input, { state, log }) {
    const count = (state.counts[input.eventName] ?? 0) + 1;
    state.counts[input.eventName] = count;
    log.info(
      `${input.blockId}${input.instanceId ? `/${input.instanceId}` : ""}: ${input.eventName}`,
      input.eventData,
    );
    return { eventName: input.eventName, count };
  },
  management(action, _data, { state }) {
    if (action === "counts") return { ok: true, counts: state.counts };
    if (action === "reset") {
      state.counts = {};
      return { ok: true };
    }
    return { ok: false, error: `unknown command ${action}` };
  },
});
