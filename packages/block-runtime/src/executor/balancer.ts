import type { TAiosPacket } from "@aios/contracts";
import type { Logger } from "@aios/service-kit";
import type { InstanceRecord } from "../mapper";
import type { BlockPolicy } from "../policies";

/** The built-in choice: each healthy instance in turn. */
export class RoundRobin {
  private next = 0;

  pick<T>(candidates: readonly T[]): T | undefined {
    if (candidates.length === 0) return undefined;
    const chosen = candidates[this.next % candidates.length];
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return chosen;
  }
}

/** Candidates for a (re)try: the healthy instances this task has not tried yet. */
export function untried(
  healthy: readonly InstanceRecord[],
  tried: ReadonlySet<InstanceRecord>,
): InstanceRecord[] {
  // By record: an instance restarted under its id (a new endpoint) is a new record, worth a try.
  return tried.size === 0 ? (healthy as InstanceRecord[]) : healthy.filter((r) => !tried.has(r));
}

/** What a loadBalancer policy sees of an instance. */
export function instanceView(r: InstanceRecord) {
  return {
    id: r.id,
    status: r.state,
    healthy: r.state === "healthy",
    inFlight: r.inFlight,
    latencyMs: r.stats.ewmaMs,
    tasksProcessed: r.stats.completed,
  };
}

/**
 * Picks the instance of a task: the block's loadBalancer policy when it has one, else round robin.
 * A policy that fails or names an instance that is not a candidate falls back to round robin for
 * that task (counted in `policyErrors`), so a broken policy degrades routing, not availability.
 */
export class Balancer {
  policyErrors = 0;
  lastPolicyError: string | undefined;
  private readonly rr = new RoundRobin();

  constructor(
    private readonly blockId: string,
    private readonly policy: BlockPolicy | undefined,
    private readonly log: Logger,
  ) {}

  get policyUri(): string | undefined {
    return this.policy?.uri;
  }

  async pick(candidates: InstanceRecord[], packet: TAiosPacket): Promise<InstanceRecord | undefined> {
    if (candidates.length === 0) return undefined;
    if (!this.policy) return this.rr.pick(candidates);
    try {
      const out = (await this.policy.eval({
        mode: "load_balance",
        blockId: this.blockId,
        packet,
        instances: candidates.map(instanceView),
      })) as { instanceId: string };
      const chosen = candidates.find((c) => c.id === out.instanceId);
      if (chosen) return chosen;
      this.fail(`policy chose ${JSON.stringify(out.instanceId)}, not one of the candidates`);
    } catch (err) {
      this.fail((err as Error).message);
    }
    return this.rr.pick(candidates);
  }

  private fail(message: string): void {
    this.policyErrors++;
    if (this.lastPolicyError !== message) this.log.warn("loadBalancer policy failed", { message });
    this.lastPolicyError = message;
  }
}
