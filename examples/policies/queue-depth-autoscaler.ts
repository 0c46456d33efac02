import { definePolicy } from "@aios/policy-runtime";

// Scales on waiting work rather than CPU: for inference, queue depth is what users feel as latency.
// settings: targetQueuePerInstance (default 4), cooldownSeconds (default 120).
export default definePolicy({
  kind: "autoscaler",
  init() {
    return { lastScaleAt: 0 };
  },
  eval(input, { state, settings, log }) {
    const target = Math.max(1, Number(settings.targetQueuePerInstance ?? 4));
    const cooldownMs = Number(settings.cooldownSeconds ?? 120) * 1000;
    // A fresh instance needs time to load its model before the queue reflects it; without a
    // cooldown the next round would scale again on the same backlog.
    if (Date.now() - state.lastScaleAt < cooldownMs) return { skip: true, reason: "cooling down" };

    const instances = input.currentInstances;
    const waiting = instances.reduce((sum, i) => sum + (i.queueLength ?? 0) + (i.inFlight ?? 0), 0);
    const { minInstances, maxInstances } = input.blockData;
    const wanted = Math.min(maxInstances, Math.max(minInstances, Math.ceil(waiting / target)));

    if (wanted > instances.length) {
      state.lastScaleAt = Date.now();
      log.info(`queue ${waiting}: ${instances.length} -> ${wanted} instances`);
      return { skip: false, operation: "upscale", instancesCount: wanted - instances.length };
    }
    if (wanted < instances.length) {
      // Remove the idlest instances so that as little work as possible is interrupted.
      const idlest = [...instances]
        .sort((a, b) => (a.queueLength ?? 0) + (a.inFlight ?? 0) - ((b.queueLength ?? 0) + (b.inFlight ?? 0)))
        .slice(0, instances.length - wanted);
      state.lastScaleAt = Date.now();
      return { skip: false, operation: "downscale", instancesList: idlest.map((i) => i.id) };
    }
    return { skip: true };
  },
});
