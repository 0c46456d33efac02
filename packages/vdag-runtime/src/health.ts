import { connectionFailure, errorCode, type Logger, parseJson } from "@aios/service-kit";
import type { CompiledPlan, PlanBlock } from "./plan";
import type { ControllerPolicy } from "./policies";
import { type ExecutorTarget, requestUntilAborted } from "./pools";

/** What the vdagHealthChecker policy gets per block (`ZBlockHealth`). */
export interface BlockHealth {
  healthy: boolean;
  instances?: number;
  healthyInstances?: number;
  error?: string;
}

export interface HealthVerdict {
  /** When the check finished, epoch ms. */
  at: number;
  healthy: boolean;
  reason?: string;
  unhealthyBlocks: string[];
  data: Record<string, BlockHealth>;
  /** `vDAG <uri> is unhealthy: ...` when unhealthy. */
  message?: string;
}

export interface HealthSources {
  plan(): CompiledPlan;
  policy(): ControllerPolicy | undefined;
  intervalMs(): number;
  /** Per probe. */
  timeoutMs: number;
  log: Logger;
}

/** A check triggered by a failed step waits at least this long after the previous one started. */
const MIN_GAP_MS = 100;

/** GET <executor>/health within `timeoutMs`; never throws. */
export async function probeExecutor(target: ExecutorTarget | null, timeoutMs: number): Promise<BlockHealth> {
  if (!target) return { healthy: false, error: "no executor endpoint" };
  const first = await probeOnce(target, timeoutMs);
  return first.stale ? (await probeOnce(target, timeoutMs)).health : first.health;
}

async function probeOnce(
  target: ExecutorTarget,
  timeoutMs: number,
): Promise<{ health: BlockHealth; stale?: boolean }> {
  try {
    const res = await requestUntilAborted(target.pool, {
      path: target.healthPath,
      method: "GET",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    const report = parseJson(text) as
      | { status?: unknown; instances?: { healthy?: unknown; total?: unknown } }
      | undefined;
    const healthy = res.statusCode === 200 && report?.status === "healthy";
    const out: BlockHealth = { healthy };
    const total = report?.instances?.total;
    const up = report?.instances?.healthy;
    if (typeof total === "number") out.instances = total;
    if (typeof up === "number") out.healthyInstances = up;
    if (!healthy && report?.status === undefined) out.error = `HTTP ${res.statusCode}`;
    return { health: out };
  } catch (err) {
    const name = (err as Error).name;
    const error =
      name === "TimeoutError" || name === "AbortError"
        ? "timeout"
        : (errorCode(err) ?? (err as Error).message);
    // A reset may be a reused keep-alive socket the executor had closed: it says nothing about the
    // executor, so the probe goes again.
    return { health: { healthy: false, error }, stale: connectionFailure(err) === "reset" };
  }
}

/**
 * The vDAG's health: every `interval` a full check (GET each distinct block's executor `/health`,
 * then the policy in mode "default", or without one: healthy iff every block is). Before each
 * request `fastCheck` decides on the cached data (the policy in mode "fast_check", or the cached
 * verdict); a verdict older than 3 intervals no longer refuses requests. A step that could not
 * reach its block triggers a check at once (`trigger`).
 */
export class HealthMonitor {
  last: HealthVerdict | undefined;
  rounds = 0;
  lastError: string | undefined;
  private running: Promise<HealthVerdict> | undefined;
  private again = false;
  private startedAt = 0;
  private loop: ReturnType<typeof setTimeout> | undefined;
  private soon: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  constructor(private readonly src: HealthSources) {}

  /** Runs the first check, then one every interval. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.check();
    this.schedule();
  }

  /** Restarts the periodic loop (after the interval changed); runs a check now. */
  async restart(): Promise<void> {
    if (this.loop) clearTimeout(this.loop);
    this.loop = undefined;
    await this.check();
    if (!this.stopped) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.loop) clearTimeout(this.loop);
    if (this.soon) clearTimeout(this.soon);
    this.loop = this.soon = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.loop = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.src.intervalMs());
    this.loop.unref();
  }

  /** A full check now (one at a time: a caller during a check gets that check). */
  check(): Promise<HealthVerdict> {
    this.running ??= this.runCheck().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.trigger();
      }
    });
    return this.running;
  }

  /** A step could not reach its block: check soon (coalesced, at most every MIN_GAP_MS). */
  trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.soon) return;
    const wait = this.startedAt + MIN_GAP_MS - Date.now();
    if (wait <= 0) {
      void this.check();
      return;
    }
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.check();
    }, wait);
    this.soon.unref();
  }

  /** Refusal message when the vDAG must not take a request now; undefined to go ahead. */
  async fastCheck(policy: ControllerPolicy | undefined, vdagURI: string): Promise<string | undefined> {
    const last = this.last;
    if (!last || Date.now() - last.at > 3 * this.src.intervalMs()) return undefined;
    if (policy) {
      const r = await policy.eval({ mode: "fast_check", vdagURI, healthCheckData: last.data });
      if (r.ok) {
        const v = r.value as { overallHealthy: boolean; unhealthyBlocks?: string[]; reason?: string };
        if (v.overallHealthy) return undefined;
        return this.message(vdagURI, last.data, v.unhealthyBlocks ?? [], v.reason);
      }
      this.src.log.warn("health policy failed in fast_check; using the last verdict", { error: r.message });
    }
    return last.healthy ? undefined : last.message;
  }

  private async runCheck(): Promise<HealthVerdict> {
    this.startedAt = Date.now();
    const plan = this.src.plan();
    const entries = [...plan.blocks.entries()];
    const probed = await Promise.all(entries.map(([, b]) => probeExecutor(b.target, this.src.timeoutMs)));
    const data: Record<string, BlockHealth> = {};
    entries.forEach(([id], i) => {
      data[id] = probed[i]!;
    });
    let healthy = probed.every((h) => h.healthy);
    let unhealthyBlocks = entries.filter((_, i) => !probed[i]!.healthy).map(([id]) => id);
    let reason: string | undefined;
    const policy = this.src.policy();
    this.lastError = undefined;
    if (policy) {
      const r = await policy.eval({ mode: "default", vdagURI: plan.vdagURI, healthCheckData: data });
      if (r.ok) {
        const v = r.value as { overallHealthy: boolean; unhealthyBlocks?: string[]; reason?: string };
        healthy = v.overallHealthy;
        unhealthyBlocks = v.unhealthyBlocks ?? (healthy ? [] : unhealthyBlocks);
        reason = v.reason;
      } else {
        this.lastError = r.message;
        this.src.log.warn("health policy failed; every block must be healthy this round", {
          error: r.message,
        });
      }
    }
    const verdict: HealthVerdict = { at: Date.now(), healthy, unhealthyBlocks, data };
    if (reason !== undefined) verdict.reason = reason;
    if (!healthy) verdict.message = this.message(plan.vdagURI, data, unhealthyBlocks, reason, plan.blocks);
    const was = this.last?.healthy;
    this.last = verdict;
    this.rounds++;
    if (was !== healthy && (was !== undefined || !healthy))
      this.src.log[healthy ? "info" : "warn"](healthy ? "vDAG healthy" : "vDAG unhealthy", {
        ...(verdict.message ? { reason: verdict.message } : {}),
      });
    return verdict;
  }

  private message(
    vdagURI: string,
    data: Record<string, BlockHealth>,
    unhealthyBlocks: string[],
    reason: string | undefined,
    blocks: Map<string, PlanBlock> = this.src.plan().blocks,
  ): string {
    const parts: string[] = [];
    if (reason) parts.push(reason);
    const list = unhealthyBlocks.map((id) => {
      const block = blocks.get(id);
      const labels = block?.labels ?? [];
      const cluster = block?.clusterId ? `, cluster ${block.clusterId}` : "";
      const h = data[id];
      const why =
        h?.error ?? (h ? `${h.healthyInstances ?? 0}/${h.instances ?? 0} instances healthy` : "unknown");
      return `block ${id} (node ${labels.join(", ") || "?"}${cluster}): ${why}`;
    });
    if (list.length > 0) parts.push(list.join("; "));
    return `vDAG ${vdagURI} is unhealthy: ${parts.join(" - ") || "no reason given"}`;
  }
}
