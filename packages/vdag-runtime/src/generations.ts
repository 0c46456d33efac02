import type { Logger } from "@aios/service-kit";
import type { TVdagControllerConfig } from "./config";
import { ControllerError } from "./controller-error";
import type { EngineContext, EngineObserver } from "./engine";
import { type CompiledPlan, compilePlan, PlanError } from "./plan";
import { loadPolicies, type PolicySet, releasePolicies } from "./policies";
import type { PoolRegistry } from "./pools";

/** One applied configuration; in-flight requests keep theirs when a new one is applied. */
export interface Generation {
  n: number;
  config: TVdagControllerConfig;
  plan: CompiledPlan;
  engine: EngineContext;
  policies: PolicySet;
  /** Requests (and quality samples) using it. */
  active: number;
  retired: boolean;
}

/**
 * The controller's configurations: the current one, and retired ones that requests still use. A
 * retired one's policies and executor pools are released once its last request is done.
 */
export class Generations {
  /** What new requests get. */
  current!: Generation;
  private readonly live = new Set<Generation>();
  private count = 0;

  constructor(private readonly deps: { pools: PoolRegistry; log: Logger; observer: EngineObserver }) {}

  /** Applies the first configuration; on failure the pools are closed. Throws ControllerError 400. */
  async start(config: TVdagControllerConfig): Promise<void> {
    try {
      this.current = await this.build(config);
    } catch (e) {
      await this.deps.pools.close();
      throw e;
    }
    this.live.add(this.current);
  }

  /**
   * Makes `config` current, keeping the policies that did not change (with their state); the old
   * one retires and is answered. Throws ControllerError 400, and the current one stays.
   */
  async replace(config: TVdagControllerConfig): Promise<Generation> {
    let next: Generation;
    try {
      next = await this.build(config, this.current.policies);
    } catch (e) {
      this.retainLiveOrigins();
      throw e;
    }
    const old = this.current;
    this.current = next;
    this.live.add(next);
    old.retired = true;
    this.settle(old);
    return old;
  }

  /** Releases a retired configuration once its last request is done. */
  settle(gen: Generation): void {
    if (!gen.retired || gen.active > 0 || !this.live.has(gen)) return;
    this.live.delete(gen);
    releasePolicies(gen.policies);
    this.retainLiveOrigins();
  }

  /** Some request (or quality sample) still uses a configuration. */
  busy(): boolean {
    return [...this.live].some((g) => g.active > 0);
  }

  /** Releases the policies of every configuration (the controller stops). */
  releaseAll(): void {
    for (const g of this.live) releasePolicies(g.policies);
    this.live.clear();
  }

  /** Keeps the executor pools that a live configuration's plan uses, closes the others. */
  private retainLiveOrigins(): void {
    const origins = new Set<string>();
    for (const g of this.live) for (const o of g.plan.origins) origins.add(o);
    this.deps.pools.retain(origins);
  }

  /** Plan and policies of a configuration; throws ControllerError 400. */
  private async build(config: TVdagControllerConfig, previous?: PolicySet): Promise<Generation> {
    let plan: CompiledPlan;
    try {
      plan = compilePlan(config.plan, this.deps.pools);
    } catch (e) {
      if (e instanceof PlanError) {
        throw new ControllerError(
          400,
          "controller",
          e.message,
          e.problems.map((message) => ({ path: "plan", message })),
        );
      }
      throw e;
    }
    if (plan.vdagURI !== config.vdagURI)
      throw new ControllerError(
        400,
        "controller",
        `plan.vdagURI ${plan.vdagURI} differs from vdagURI ${config.vdagURI}`,
      );
    let policies: PolicySet;
    try {
      policies = await loadPolicies(
        { quota: config.quota?.policy, health: config.health.policy, quality: config.quality?.policy },
        previous,
        this.deps.log,
      );
    } catch (e) {
      throw new ControllerError(400, "controller", (e as Error).message);
    }
    return {
      n: ++this.count,
      config,
      plan,
      policies,
      active: 0,
      retired: false,
      engine: {
        plan,
        stepTimeoutMs: config.stepTimeoutMs,
        retries: config.retries,
        fanInTimeoutMs: config.fanInTimeoutMs,
        observer: this.deps.observer,
      },
    };
  }
}
