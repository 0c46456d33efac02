import { definePolicy } from "@aios/policy-runtime";

// One failed probe is often a GC pause or a slow model load; replacing on the first failure would
// churn instances. Replace after several consecutive failures instead.
// settings: failuresBeforeReplace (default 3), minHealthyFraction (default 0.5).
export default definePolicy({
  kind: "healthChecker",
  init() {
    return { failures: {} as Record<string, number> };
  },
  eval(input, { state, settings, log }) {
    const limit = Math.max(1, Number(settings.failuresBeforeReplace ?? 3));
    const minHealthy = Number(settings.minHealthyFraction ?? 0.5);
    const probes = Object.entries(input.healthCheckData);

    const counts: Record<string, number> = {};
    for (const [id, ok] of probes) counts[id] = ok ? 0 : (state.failures[id] ?? 0) + 1;
    // Rebuilding the map drops counters of instances that no longer exist.
    state.failures = counts;

    const replaceInstances = probes.filter(([id]) => (counts[id] ?? 0) >= limit).map(([id]) => id);
    for (const id of replaceInstances) state.failures[id] = 0;
    if (replaceInstances.length > 0) log.warn("replacing", replaceInstances);

    const healthyCount = probes.filter(([, ok]) => ok).length;
    const healthy = probes.length > 0 && healthyCount / probes.length >= minHealthy;
    if (healthy) return { healthy, replaceInstances };
    return { healthy, replaceInstances, reason: `${healthyCount} of ${probes.length} instances healthy` };
  },
});
