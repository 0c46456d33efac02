import { EventEmitter } from "node:events";
import { Pool } from "undici";
import { z } from "zod";
import { Occupancy, RateWindow, TaskStats } from "./stats";

export type InstanceStateName = "starting" | "healthy" | "unhealthy" | "draining";

export const ZInstancesUpdate = z.object({
  instances: z
    .array(
      z.object({
        id: z.string().min(1),
        endpoint: z.url(),
        /** The instance's data token (`AIOS_DATA_TOKEN`): sent as `authorization: Bearer` on its `/infer`. */
        dataToken: z.string().min(1).optional(),
      }),
    )
    .refine((list) => new Set(list.map((i) => i.id)).size === list.length, {
      message: "instance ids must be unique",
    }),
});
export type TInstancesUpdate = z.infer<typeof ZInstancesUpdate>;

export interface HealthResult {
  at: number;
  ok: boolean;
  /** Why it failed: HTTP status, error code, "refused". */
  detail?: string;
}

/** The executor's view of one instance: where it is, whether it may take tasks, what it does. */
export interface InstanceRecord {
  id: string;
  endpoint: string;
  /** The endpoint's path without a trailing slash ("" usually): prefixed to /infer and /health. */
  basePath: string;
  /** The instance's data token, as the agent gave it (undefined: it runs without one). */
  dataToken: string | undefined;
  /** What its `/infer` is sent with: the content type and the data token as `authorization: Bearer`. */
  inferHeaders: Record<string, string>;
  state: InstanceStateName;
  pool: Pool;
  addedAt: number;
  /** Tasks sent to it and not answered yet (`occupancy.count`: setting it keeps the time integral). */
  inFlight: number;
  /** Its in-flight tasks over time: the autoscaler's average in flight over its interval. */
  occupancy: Occupancy;
  consecutiveFailures: number;
  lastHealth?: HealthResult;
  stats: TaskStats;
  rate: RateWindow;
}

export interface MapperChange {
  added: InstanceRecord[];
  removed: InstanceRecord[];
}

/**
 * Which instances the block has (told by the agent with `PUT /instances`, full replacement) and
 * their state. Removed instances are drained: no new tasks, their pool closes once in-flight tasks
 * are done. Emits "changed" (MapperChange) and "state" (InstanceRecord) for the other services.
 */
export class Mapper extends EventEmitter {
  private readonly live = new Map<string, InstanceRecord>();
  private readonly draining = new Set<InstanceRecord>();
  private healthyCache: InstanceRecord[] | null = null;

  set(update: TInstancesUpdate["instances"]): MapperChange {
    const wanted = new Map(update.map((i) => [i.id, i]));
    const removed: InstanceRecord[] = [];
    for (const record of this.live.values()) {
      const w = wanted.get(record.id);
      if (w?.endpoint !== record.endpoint || w.dataToken !== record.dataToken) removed.push(record);
    }
    for (const record of removed) this.drain(record);
    const added: InstanceRecord[] = [];
    for (const [id, { endpoint, dataToken }] of wanted) {
      if (this.live.has(id)) continue;
      const record = newRecord(id, endpoint, dataToken);
      this.live.set(id, record);
      added.push(record);
    }
    this.healthyCache = null;
    const change = { added, removed };
    if (added.length > 0 || removed.length > 0) this.emit("changed", change);
    return change;
  }

  get(id: string): InstanceRecord | undefined {
    return this.live.get(id);
  }

  /** Instances that belong to the block (not draining), in the agent's order. */
  active(): InstanceRecord[] {
    return [...this.live.values()];
  }

  /** Everything, draining instances included (for /status and metrics). */
  all(): InstanceRecord[] {
    return [...this.live.values(), ...this.draining];
  }

  /** Instances that may take a task now (cached until a state changes). */
  healthy(): InstanceRecord[] {
    this.healthyCache ??= this.active().filter((r) => r.state === "healthy");
    return this.healthyCache;
  }

  setState(record: InstanceRecord, state: Exclude<InstanceStateName, "draining">): void {
    if (record.state === state || record.state === "draining") return;
    record.state = state;
    this.healthyCache = null;
    this.emit("state", record);
  }

  /** Called by the dispatcher when a task of this instance ends. */
  release(record: InstanceRecord): void {
    record.inFlight--;
    if (record.state === "draining" && record.inFlight <= 0) this.close(record);
  }

  /** Drains everything; resolves when all pools are closed or after timeoutMs (then destroys). */
  async shutdown(timeoutMs: number): Promise<void> {
    for (const record of [...this.live.values()]) this.drain(record);
    const deadline = Date.now() + timeoutMs;
    while (this.draining.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([...this.draining].map((r) => r.pool.destroy().catch(() => undefined)));
    this.draining.clear();
  }

  private drain(record: InstanceRecord): void {
    this.live.delete(record.id);
    record.state = "draining";
    this.healthyCache = null;
    this.draining.add(record);
    if (record.inFlight <= 0) this.close(record);
  }

  private close(record: InstanceRecord): void {
    this.draining.delete(record);
    record.pool.close().catch(() => undefined);
  }
}

function newRecord(id: string, endpoint: string, dataToken: string | undefined): InstanceRecord {
  const stats = new TaskStats();
  const occupancy = new Occupancy();
  const url = new URL(endpoint);
  return {
    id,
    endpoint,
    dataToken,
    basePath: url.pathname.replace(/\/+$/, ""),
    inferHeaders: {
      "content-type": "application/json",
      ...(dataToken ? { authorization: `Bearer ${dataToken}` } : {}),
    },
    state: "starting",
    // Our own task timeout bounds every request, so undici's own timeouts are off.
    pool: new Pool(url.origin, { headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 4_000 }),
    addedAt: Date.now(),
    get inFlight() {
      return occupancy.count;
    },
    set inFlight(n: number) {
      occupancy.count = n;
    },
    occupancy,
    consecutiveFailures: 0,
    stats,
    rate: new RateWindow(stats, occupancy),
  };
}
