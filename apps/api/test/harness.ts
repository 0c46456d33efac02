import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { connectQueueBackend, type QueueBackend } from "@aios/queue";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll } from "vitest";
import type { Principal } from "../src/context";
import { appRouter } from "../src/router";
import { createServices, type Services } from "../src/services";
import { createCallerFactory } from "../src/trpc";

export const ADMIN: Principal = { role: "admin", scope: null, tokenId: null };

export interface ApiHarness {
  services: Services;
  database: TestDatabase;
  queues: QueueBackend;
  /** A tRPC caller with a real context, acting as `principal`. */
  caller(principal?: Principal | null): ReturnType<ReturnType<typeof createCallerFactory<typeof appRouter>>>;
}

/** A real API stack per test file: its own migrated database, the shared Redis, the real router. */
export function useApi(opts: { auth?: "open" | "token" } = {}): ApiHarness {
  const harness = {} as ApiHarness;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const database = await createTestDatabase(server.adminUrl);
    const redisUrl = process.env.AIOS_TEST_REDIS_URL;
    const queues = connectQueueBackend(
      redisUrl ? { kind: "redis", url: redisUrl } : { kind: "postgres", url: database.url },
    );
    const log = createLogger({ service: "api-test" }, { level: "error" });
    const services = createServices({
      db: database.db,
      queues,
      log,
      config: { auth: opts.auth ?? "open", agentStaleSeconds: 30 },
    });
    const factory = createCallerFactory(appRouter);
    Object.assign(harness, {
      services,
      database,
      queues,
      caller: (principal: Principal | null = ADMIN) => factory({ services, log, principal }),
    });
  });
  afterAll(async () => {
    await harness.queues?.close();
    await harness.database?.drop();
    await server?.stop();
  });
  return harness;
}

export function doc(action: string, values: Record<string, unknown>) {
  return { header: { templateUri: "Parser/V1", action }, body: { spec: { values } } };
}
