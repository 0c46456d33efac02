import type { Db } from "@aios/db";
import type { QueueBackend } from "@aios/queue";
import { describe, expect, it } from "vitest";
import { anonymousHealthView, createHealthService } from "../src/domains/health/health.service";

const db = {
  $queryRaw: async () => [{ "?column?": 1 }],
  cluster: { findMany: async () => [] },
} as unknown as Db;

function queues(kind: QueueBackend["kind"], counts: () => Promise<Record<string, number>>): QueueBackend {
  return { kind, queue: () => ({ counts }) } as unknown as QueueBackend;
}

describe("health report", () => {
  it("reports Redis as ok when it holds the queues and answers", async () => {
    const health = createHealthService({
      db,
      queues: queues("redis", async () => ({})),
      agentStaleSeconds: 30,
    });
    const report = await health.report();
    expect(report.status).toBe("ok");
    expect(report.redis).toEqual({ status: "ok", latencyMs: expect.any(Number) });
  });

  it("reports Redis unreachable, with the error, and the API degraded", async () => {
    const down = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
    };
    const report = await createHealthService({
      db,
      queues: queues("redis", down),
      agentStaleSeconds: 30,
    }).report();
    expect(report.status).toBe("degraded");
    expect(report.redis).toEqual({ status: "unreachable", error: "connect ECONNREFUSED 127.0.0.1:6379" });
  });

  it('says Redis is "not used" and names the backend when queues live in PostgreSQL', async () => {
    const health = createHealthService({
      db,
      queues: queues("postgres", async () => ({})),
      agentStaleSeconds: 30,
    });
    expect((await health.report()).redis).toEqual({ status: "not used", queueBackend: "postgres" });
  });

  it("reports what this process listens on to viewers, and not to anonymous callers", async () => {
    const report = await createHealthService({
      db,
      queues: queues("postgres", async () => ({})),
      agentStaleSeconds: 30,
      notifications: () => ({ liveEvents: "listening", tokenChanges: "connecting", replies: "idle" }),
    }).report();
    // Not hearing makes the API slower, not unhealthy.
    expect(report.status).toBe("ok");
    expect(report.notifications).toEqual({
      liveEvents: "listening",
      tokenChanges: "connecting",
      replies: "idle",
    });
    expect(anonymousHealthView(report).notifications).toBeUndefined();
  });
});
