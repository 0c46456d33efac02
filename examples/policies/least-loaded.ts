import { definePolicy } from "@aios/policy-runtime";

// Least loaded suits instances of uneven speed (different GPUs, long and short tasks): the task
// goes where the fewest tasks wait.
export default definePolicy({
  kind: "loadBalancer",
  init() {
    return { turn: 0 };
  },
  eval(input, { state }) {
    const load = (i: (typeof input.instances)[number]) => (i.inFlight ?? 0) + (i.queueLength ?? 0);
    const candidates = input.instances.filter((i) => i.healthy !== false);
    const pool = candidates.length > 0 ? candidates : input.instances;
    const least = Math.min(...pool.map(load));
    // Metrics lag behind dispatches, so several instances often look equally idle; rotating among
    // them avoids piling a burst onto the first one.
    const tied = pool.filter((i) => load(i) === least);
    const instance = tied[state.turn++ % tied.length]!;
    return { instanceId: instance.id };
  },
});
