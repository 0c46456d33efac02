import { definePolicy } from "@aios/policy-runtime";

// Round robin spreads tasks evenly when the instances are alike. The counter lives in the policy's
// state, which the executor keeps between tasks.
export default definePolicy({
  kind: "loadBalancer",
  init() {
    return { next: 0 };
  },
  eval(input, { state }) {
    // An instance known to be unhealthy would fail the task; if all look unhealthy, try anyway
    // rather than refuse the task.
    const healthy = input.instances.filter((i) => i.healthy !== false);
    const pool = healthy.length > 0 ? healthy : input.instances;
    const instance = pool[state.next % pool.length]!;
    state.next = (state.next + 1) % Number.MAX_SAFE_INTEGER;
    return { instanceId: instance.id };
  },
  management(action, _data, { state }) {
    if (action === "reset") {
      state.next = 0;
      return { ok: true };
    }
    return { ok: false, error: `unknown command ${action}` };
  },
});
