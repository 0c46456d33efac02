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

/** How long a node waits for its turn at a block's rolling update before it leaves it to the next look. */
export const ROLL_TURN_WAIT_MS = 10_000;
/** How often a node that holds the turn takes it again (it lapses after 90 s untaken). */
const ROLL_TURN_RENEW_MS = 20_000;

/** The node's turn at a block's rolling update, kept by the API (`agents.work.rollTurn`). */
export interface RollTurn {
  /** Takes or renews the turn: true when this node holds it. */
  take(): Promise<boolean>;
  release(): Promise<void>;
}

/** Waits for the turn (another node may be rolling its own instances); false when it did not come. */
async function awaitTurn(turn: RollTurn, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await turn.take().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What a rolling update on one node works with. */
interface RollOptions {
  blockId: string;
  /** This node's instances on an older configuration, replaced in this order. */
  outdated: Array<[string, Workload]>;
  /** Every instance this node runs of the block, kept up to date as they are replaced. */
  instances: Map<string, Workload>;
  start: (instanceId: string) => Promise<Workload>;
  /** Tells the executor and the API what runs now. */
  announce: () => Promise<void>;
  executor: () => Workload | null;
  log: Logger;
}

/**
 * The instances of this node that run an older configuration (a new component version, new
 * settings), replaced one at a time, each under its own id: stopped (its in-flight tasks end
 * first; tasks the executor sends meanwhile go to the others, or wait for a healthy one), started
 * again on the new configuration, handed to the executor (`announce`), and waited for until
 * healthy before the next one goes. While one is replaced, the rest of the block serves. With a
 * `turn`, the block's nodes roll one after another (the API gives the turn to one node at a time),
 * so the whole block has at most one instance down at once; a node that waited `turnWaitMs` in
 * vain leaves its instances as they are (they serve on) and answers false: the next look tries again.
 */
export async function rollInstances(
  opts: RollOptions & {
    /** The node's turn across the block's nodes: taken before the first instance goes, given back after the last. */
    turn?: RollTurn;
    turnWaitMs?: number;
  },
): Promise<boolean> {
  const { turn } = opts;
  if (turn && !(await awaitTurn(turn, opts.turnWaitMs ?? ROLL_TURN_WAIT_MS))) {
    opts.log.info("another node is rolling the block's instances: this node's wait for the next look", {
      blockId: opts.blockId,
    });
    return false;
  }
  const renew = turn ? setInterval(() => void turn.take().catch(() => false), ROLL_TURN_RENEW_MS) : null;
  try {
    await rollEach(opts);
  } finally {
    if (renew) clearInterval(renew);
    await turn?.release().catch(() => undefined);
  }
  return true;
}

async function rollEach(opts: RollOptions): Promise<void> {
  for (const [id, old] of opts.outdated) {
    await old.stop();
    opts.instances.delete(id);
    // Its executor stops sending to it and checking it: a stopped instance is not an unhealthy one
    // (its health checker would ask for it to be replaced while it starts again).
    await opts.announce();
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
