import type { Logger } from "@aios/service-kit";
import { hasExited, type Workload } from "../drivers/driver";
import { executorClient } from "./executor-client";

/** How long one replaced instance may take to turn healthy before the next is replaced anyway. */
export const ROLL_HEALTHY_TIMEOUT_MS = 60_000;

/**
 * True once the instance answers as healthy: by the executor's health checker when the executor
 * runs here (it routes tasks only to instances it saw healthy), else by the instance's own
 * `/health` (an executor on another node probes a new instance as soon as it hears of it).
 */
export async function untilHealthy(
  instanceId: string,
  instance: Workload,
  executor: Workload | null,
  timeoutMs = ROLL_HEALTHY_TIMEOUT_MS,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const healthy = executor
      ? await executorClient
          .status(executor)
          .then((s) => s.instances?.some((i) => i.id === instanceId && i.state === "healthy") ?? false)
          .catch(() => false)
      : await fetch(`${instance.endpoint}/health`, { signal: AbortSignal.timeout(2_000) })
          .then((r) => r.ok)
          .catch(() => false);
    if (healthy) return true;
    if (await hasExited(instance)) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/**
 * The instances of this node that run an older configuration (a new component version, new
 * settings), replaced one at a time, each under its own id: stopped (its in-flight tasks end
 * first; tasks the executor sends meanwhile go to the others, or wait for a healthy one), started
 * again on the new configuration, handed to the executor (`announce`), and waited for until
 * healthy before the next one goes. While one is replaced, the rest of the block serves.
 */
export async function rollInstances(opts: {
  blockId: string;
  outdated: Array<[string, Workload]>;
  instances: Map<string, Workload>;
  start: (instanceId: string) => Promise<Workload>;
  announce: () => Promise<void>;
  executor: () => Workload | null;
  log: Logger;
}): Promise<void> {
  for (const [id, old] of opts.outdated) {
    await old.stop();
    opts.instances.delete(id);
    const fresh = await opts.start(id);
    opts.instances.set(id, fresh);
    await opts.announce();
    const healthy = await untilHealthy(id, fresh, opts.executor());
    opts.log.info("instance replaced on the block's new configuration", {
      blockId: opts.blockId,
      instanceId: id,
      healthy,
    });
  }
}
