import type { Db } from "@aios/db";
import type { QueueBackend } from "@aios/queue";

export interface HealthReport {
  status: "ok" | "degraded";
  postgres: { ok: boolean; latencyMs?: number; error?: string };
  queue: { ok: boolean; backend: QueueBackend["kind"]; latencyMs?: number; error?: string };
  /** Redis as the queues' store; "not used" (with the backend that is) when queues live elsewhere. */
  redis:
    | { status: "ok"; latencyMs?: number }
    | { status: "unreachable"; error?: string }
    | { status: "not used"; queueBackend: Exclude<QueueBackend["kind"], "redis"> };
  agents: {
    total: number;
    live: number;
    /** Absent for a caller below viewer (anonymous in token mode): cluster ids are not public. */
    clusters?: Array<{ id: string; live: boolean; lastSeenAt: string | null }>;
  };
  /** The connections this process listens on (absent for a caller below viewer). None makes it degraded. */
  notifications?: NotificationStates;
}

/**
 * What this API process hears, and what it costs when it does not:
 * - `liveEvents`: other API processes' status events (`local`: it runs alone); without them its
 *   live views wait for their next poll.
 * - `tokenChanges`: changes to tokens (`off`: it keeps no tokens); without them it reads every
 *   request's token from the database.
 * - `replies`: asked control jobs' answers (`idle`: nothing asked yet); without them the answer is
 *   read from the finished job, later.
 */
export interface NotificationStates {
  liveEvents: "local" | "connecting" | "listening" | "stopped";
  tokenChanges: "off" | "connecting" | "listening";
  replies: "idle" | "connecting" | "listening" | "stopped";
}

/**
 * The report as a caller below viewer (anonymous, in token mode) sees it: whether each part
 * answers and how many agents are live, without cluster ids, latencies or error texts.
 */
export function anonymousHealthView(report: HealthReport): HealthReport {
  const redis: HealthReport["redis"] =
    report.redis.status === "not used" ? report.redis : { status: report.redis.status };
  return {
    status: report.status,
    postgres: { ok: report.postgres.ok },
    queue: { ok: report.queue.ok, backend: report.queue.backend },
    redis,
    agents: { total: report.agents.total, live: report.agents.live },
  };
}

/**
 * `GET /healthz`: the API is healthy when its database and queues answer. Agents are reported (a
 * cluster is live when its agent heartbeat is fresh) but do not make the API itself unhealthy.
 */
export function createHealthService(deps: {
  db: Db;
  queues: QueueBackend;
  agentStaleSeconds: number;
  notifications?: () => NotificationStates;
}) {
  const probe = deps.queues.queue("aios.health");
  return {
    async report(): Promise<HealthReport> {
      const [postgres, queue] = await Promise.all([
        timed(() => deps.db.$queryRaw`SELECT 1`),
        timed(() => probe.counts()),
      ]);
      let agents: HealthReport["agents"] = { total: 0, live: 0, clusters: [] };
      if (postgres.ok) {
        const cutoff = Date.now() - deps.agentStaleSeconds * 1000;
        const rows = await deps.db.cluster.findMany({
          select: { id: true, lastSeenAt: true },
          orderBy: { id: "asc" },
        });
        const clusters = rows.map((c) => ({
          id: c.id,
          live: (c.lastSeenAt?.getTime() ?? 0) >= cutoff,
          lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
        }));
        agents = { total: clusters.length, live: clusters.filter((c) => c.live).length, clusters };
      }
      return {
        status: postgres.ok && queue.ok ? "ok" : "degraded",
        postgres,
        queue: { ...queue, backend: deps.queues.kind },
        redis: redisStatus(deps.queues.kind, queue),
        agents,
        ...(deps.notifications ? { notifications: deps.notifications() } : {}),
      };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;

/** On the Redis backend the queue probe is a Redis round trip, so it says how Redis is. */
function redisStatus(
  backend: QueueBackend["kind"],
  probe: { ok: boolean; latencyMs?: number; error?: string },
): HealthReport["redis"] {
  if (backend !== "redis") return { status: "not used", queueBackend: backend };
  return probe.ok
    ? { status: "ok", ...(probe.latencyMs !== undefined && { latencyMs: probe.latencyMs }) }
    : { status: "unreachable", ...(probe.error !== undefined && { error: probe.error }) };
}

async function timed(
  fn: () => Promise<unknown>,
): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const t0 = performance.now();
  try {
    await withTimeout(fn(), 3_000);
    return { ok: true, latencyMs: Math.round((performance.now() - t0) * 100) / 100 };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}
