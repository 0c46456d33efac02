import type { Autoscaler } from "../autoscaler";
import type { DesiredState } from "../desired";
import type { HealthChecker } from "../health-checker";
import type { Mapper } from "../mapper";
import type { Balancer } from "./balancer";
import type { ExecutorMetrics } from "./metrics";

export interface StatusSources {
  blockId: string;
  startedAt: number;
  mapper: Mapper;
  desired: DesiredState;
  balancer: Balancer;
  healthChecker: HealthChecker;
  autoscaler: Autoscaler;
  metrics: ExecutorMetrics;
}

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** `GET /status`: what the agent and the console show of the block's runtime. */
export function buildStatus(s: StatusSources) {
  const instances = s.mapper.all().map((r) => ({
    id: r.id,
    endpoint: r.endpoint,
    state: r.state,
    inFlight: r.inFlight,
    tasks: { completed: r.stats.completed, failed: r.stats.failed },
    latencyP50Ms: r.stats.p50() ?? null,
    consecutiveFailures: r.consecutiveFailures,
    lastHealth: r.lastHealth ? { ...r.lastHealth, at: iso(r.lastHealth.at) } : null,
    addedAt: iso(r.addedAt),
  }));
  const healthyCount = instances.filter((i) => i.state === "healthy").length;
  const hc = s.healthChecker;
  const as = s.autoscaler;
  return {
    blockId: s.blockId,
    healthy: healthyCount > 0,
    startedAt: iso(s.startedAt),
    inFlight: instances.reduce((sum, i) => sum + i.inFlight, 0),
    instances,
    tasks: s.metrics.counts(),
    loadBalancer: {
      policy: s.balancer.policyUri ?? null,
      policyErrors: s.balancer.policyErrors,
      lastPolicyError: s.balancer.lastPolicyError ?? null,
    },
    healthChecker: {
      policy: hc.policyUri ?? null,
      rounds: hc.rounds,
      lastRunAt: iso(hc.lastRunAt),
      blockHealthy: hc.blockHealthy ?? null,
      lastError: hc.lastError ?? null,
    },
    autoscaler: {
      policy: as.policyUri ?? null,
      rounds: as.rounds,
      lastRunAt: iso(as.lastRunAt),
      cooldownUntil: as.cooldownUntil > 0 ? iso(as.cooldownUntil) : null,
      lastDecision: as.lastDecision ? { ...as.lastDecision, at: iso(as.lastDecision.at) } : null,
      metrics: as.lastMetrics ?? null,
      lastError: as.lastError ?? null,
    },
    desired: s.desired.snapshot(),
  };
}
