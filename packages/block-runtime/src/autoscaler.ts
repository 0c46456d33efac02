import type { PolicyQuery } from "@aios/policy-runtime";
import type { Logger } from "@aios/service-kit";
import type { RuntimeSettings } from "./config";
import type { DesiredState } from "./desired";
import type { InstanceRecord, Mapper } from "./mapper";
import type { BlockPolicy } from "./policies";
import type { Occupancy } from "./stats";

export type ScaleDecision =
  | { skip: true; reason?: string }
  | { skip: false; operation: "upscale"; instancesCount: number; reason?: string }
  | { skip: false; operation: "downscale"; instancesList: string[]; reason?: string };

export interface InstanceMetrics {
  id: string;
  status: string;
  healthy: boolean;
  inFlight: number;
  /** Median latency of the instance's recent tasks, ms. */
  latencyMs?: number;
  /** Tasks per second over the last interval. */
  fps: number;
  /** Average tasks in flight over the last interval, each for the time it was (finished or not). */
  avgInFlight: number;
  tasksProcessed: number;
}

export interface BlockMetrics {
  instances: number;
  /** Tasks at instances now, plus those waiting in the executor (`waiting`). */
  inFlight: number;
  /** Requests in the executor that are not at an instance now (waiting for a healthy one, being picked). */
  waiting: number;
  /** Requests that wait: `waiting` plus tasks in flight beyond one per healthy instance (inside instances). */
  queueLength: number;
  latencyMs?: number;
  fps: number;
  /**
   * Average requests in the block over the last interval (in the executor, at instances or waiting
   * for one), each for the time it was: what the load was between two rounds, not at one instant.
   */
  avgInFlight: number;
  tasksProcessed: number;
}

export function collectMetrics(
  records: InstanceRecord[],
  /**
   * The executor's `/infer` requests (arrival to answer) and how many of them are at an instance,
   * draining ones included; absent: the instances' figures alone.
   */
  executor?: { requests: Occupancy; dispatched: number },
): {
  instances: InstanceMetrics[];
  block: BlockMetrics;
} {
  const instances = records.map((r) => {
    const { tasksPerSecond, avgConcurrency } = r.rate.take();
    const p50 = r.stats.p50();
    return {
      id: r.id,
      status: r.state,
      healthy: r.state === "healthy",
      inFlight: r.inFlight,
      ...(p50 === undefined ? {} : { latencyMs: p50 }),
      fps: tasksPerSecond,
      avgInFlight: avgConcurrency,
      tasksProcessed: r.stats.completed,
    };
  });
  const sum = (f: (m: InstanceMetrics) => number) => instances.reduce((s, m) => s + f(m), 0);
  const latencies = instances.flatMap((m) => (m.latencyMs === undefined ? [] : [m.latencyMs]));
  const atInstances = sum((m) => m.inFlight);
  const waiting = executor ? Math.max(0, executor.requests.count - executor.dispatched) : 0;
  const avgAtInstances = sum((m) => m.avgInFlight);
  return {
    instances,
    block: {
      instances: instances.length,
      inFlight: atInstances + waiting,
      waiting,
      queueLength: waiting + Math.max(0, atInstances - instances.filter((m) => m.healthy).length),
      ...(latencies.length ? { latencyMs: latencies.reduce((a, b) => a + b, 0) / latencies.length } : {}),
      fps: sum((m) => m.fps),
      avgInFlight: executor ? Math.max(executor.requests.take(), avgAtInstances) : avgAtInstances,
      tasksProcessed: sum((m) => m.tasksProcessed),
    },
  };
}

/**
 * Built-in rule: enough instances for `target` tasks in flight each (now or on average over the
 * interval). Instances in `removing` are already on their way out and are not counted for a downscale.
 */
export function targetInFlightRule(
  instances: InstanceMetrics[],
  block: BlockMetrics,
  target: number,
  bounds: { minInstances: number; maxInstances: number },
  removing: ReadonlySet<string> = new Set(),
): ScaleDecision {
  const load = Math.max(block.inFlight, block.avgInFlight);
  const wanted = Math.min(bounds.maxInstances, Math.max(bounds.minInstances, Math.ceil(load / target)));
  const reason = `load ${load.toFixed(2)}`;
  if (wanted > instances.length) {
    return { skip: false, operation: "upscale", instancesCount: wanted - instances.length, reason };
  }
  const staying = instances.filter((m) => !removing.has(m.id));
  if (wanted < staying.length) {
    // Unhealthy first, then the idlest: as little work as possible is interrupted.
    const victims = [...staying]
      .sort((a, b) => Number(a.healthy) - Number(b.healthy) || a.inFlight - b.inFlight)
      .slice(0, staying.length - wanted)
      .map((m) => m.id);
    return { skip: false, operation: "downscale", instancesList: victims, reason };
  }
  return { skip: true };
}

export interface AutoscalerDeps {
  mapper: Mapper;
  /** The executor's `/infer` requests over time: those not at an instance count as waiting. */
  requests?: Occupancy;
  desired: DesiredState;
  settings: Pick<RuntimeSettings, "autoscaleIntervalMs" | "cooldownMs" | "targetInFlightPerInstance">;
  blockData: { minInstances: number; maxInstances: number } & Record<string, unknown>;
  policy?: BlockPolicy;
  /** The policy's `ctx.query`: its cluster's metrics (`remoteMetricsQuery`); none without it. */
  query?: PolicyQuery;
  log: Logger;
  now?: () => number;
}

/**
 * Every interval: metrics -> the block's autoscaler policy (or the target-in-flight rule) ->
 * bounded by min..maxInstances -> published as `scaleTo`/`remove` on /desired. After a scaling
 * decision no other is taken for cooldownMs.
 */
export class Autoscaler {
  rounds = 0;
  lastRunAt: number | undefined;
  cooldownUntil = 0;
  lastDecision: (ScaleDecision & { at: number }) | undefined;
  lastMetrics: BlockMetrics | undefined;
  lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: AutoscalerDeps) {}

  get policyUri(): string | undefined {
    return this.deps.policy?.uri;
  }

  start(): void {
    this.timer = setInterval(() => void this.round(), this.deps.settings.autoscaleIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async round(): Promise<ScaleDecision> {
    const { mapper, desired } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const records = mapper.active();
    const { requests } = this.deps;
    const dispatched = mapper.all().reduce((n, r) => n + r.inFlight, 0);
    const { instances, block } = collectMetrics(records, requests && { requests, dispatched });
    this.lastMetrics = block;
    this.lastRunAt = now;
    this.rounds++;
    if (now < this.cooldownUntil) return { skip: true, reason: "cooling down" };
    // Before the agent told it the block's instances there is no load to judge; an "upscale" to
    // minInstances then (which the agent runs anyway) would start a cooldown and block the first
    // real decision for cooldownMs.
    if (records.length === 0) return { skip: true, reason: "no instances known yet" };
    // A starting instance takes no load yet: judging now would scale on a transient.
    if (records.some((r) => r.state === "starting")) return { skip: true, reason: "instances starting" };
    const decision = this.bound(await this.decide(instances, block), records);
    if (!decision.skip) {
      this.cooldownUntil = now + this.deps.settings.cooldownMs;
      this.lastDecision = { ...decision, at: now };
      if (decision.operation === "upscale") {
        // The load needs every instance: pending removals are called off.
        desired.cancelRemovals();
        desired.scaleTo(records.length + decision.instancesCount);
      } else {
        const staying = records.filter((r) => !desired.isRemoving(r.id)).length;
        desired.scaleTo(staying - decision.instancesList.length, decision.instancesList);
      }
      this.deps.log.info("autoscaler decision", { ...decision, instances: records.length });
    }
    return decision;
  }

  private async decide(instances: InstanceMetrics[], block: BlockMetrics): Promise<ScaleDecision> {
    const { policy, blockData, settings, desired } = this.deps;
    if (!policy) {
      const removing = new Set(instances.filter((m) => desired.isRemoving(m.id)).map((m) => m.id));
      return targetInFlightRule(instances, block, settings.targetInFlightPerInstance, blockData, removing);
    }
    try {
      const out = (await policy.eval(
        { blockData, currentInstances: instances, blockMetrics: block },
        this.deps.query,
      )) as ScaleDecision;
      this.lastError = undefined;
      return out;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.deps.log.warn("autoscaler policy failed; skipping this round", { err });
      return { skip: true, reason: "policy failed" };
    }
  }

  /** Keeps the result within min..maxInstances, to known instances, never removing one twice. */
  private bound(d: ScaleDecision, records: InstanceRecord[]): ScaleDecision {
    if (d.skip) return d;
    const { minInstances, maxInstances } = this.deps.blockData;
    if (d.operation === "upscale") {
      const n = Math.min(d.instancesCount, maxInstances - records.length);
      return n > 0
        ? { ...d, instancesCount: n }
        : { skip: true, reason: `at maxInstances (${maxInstances})` };
    }
    const staying = records.filter((r) => !this.deps.desired.isRemoving(r.id));
    const known = [...new Set(d.instancesList)].filter((id) => staying.some((r) => r.id === id));
    const list = known.slice(0, Math.max(0, staying.length - minInstances));
    return list.length > 0
      ? { ...d, instancesList: list }
      : { skip: true, reason: `at minInstances (${minInstances})` };
  }
}
