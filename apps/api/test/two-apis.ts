import type { Server } from "node:http";
import { createDb, type Db } from "@aios/db";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { connectQueueBackend, type QueueBackend } from "@aios/queue";
import { createLogger, findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll } from "vitest";
import type { Principal } from "../src/auth/principal";
import { createPgEventBus } from "../src/domains/events/pg-event-bus";
import { appRouter } from "../src/router";
import { createApiServer } from "../src/server";
import { createServices, type Services } from "../src/services";
import { createCallerFactory } from "../src/trpc";
import { ADMIN } from "./harness";

const callerFactory = createCallerFactory(appRouter);

/** One API process as main.ts wires it: its own pool, its own bus over the shared database, its own HTTP server. */
export interface ApiProcess {
  services: Services;
  bus: ReturnType<typeof createPgEventBus>;
  url: string;
  caller(principal?: Principal | null): ReturnType<typeof callerFactory>;
}

/**
 * Two API processes on one database (its own per test file), as two replicas behind one address
 * would be: each with its own connections, live-events bus and HTTP server.
 */
export function useTwoApis(): { apis: ApiProcess[]; database: TestDatabase } {
  const apis: ApiProcess[] = [];
  const out = { apis, database: undefined as unknown as TestDatabase };
  let server: TestServer;
  const stops: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    server = await startTestServer();
    out.database = await createTestDatabase(server.adminUrl);
    for (let i = 0; i < 2; i++)
      apis.push(await startApi(out.database, i === 0 ? out.database.db : null, stops));
    await Promise.all(apis.map((a) => a.bus.listening()));
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await out.database?.drop();
    await server?.stop();
  });
  return out;
}

async function startApi(database: TestDatabase, shared: Db | null, stops: Array<() => Promise<void>>) {
  const log = createLogger({ service: "api-test" }, { level: "error" });
  const db = shared ?? createDb(database.url);
  if (!shared) stops.push(() => db.$disconnect());
  const redisUrl = process.env.AIOS_TEST_REDIS_URL;
  const queues: QueueBackend = connectQueueBackend(
    redisUrl ? { kind: "redis", url: redisUrl } : { kind: "postgres", url: database.url },
  );
  stops.push(() => queues.close());
  // Quick reconnects: the tests terminate the listening connection.
  const bus = createPgEventBus({
    databaseUrl: database.url,
    db,
    log,
    backoff: { initialMs: 50, maxMs: 1_000 },
  });
  stops.push(() => bus.stop());
  const services = createServices({
    db,
    queues,
    log,
    liveEvents: bus,
    config: { auth: "open", agentStaleSeconds: 30 },
  });
  const http: Server = createApiServer({ services, log, webOrigin: "http://127.0.0.1:3000" });
  const port = await findFreePort();
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return {
    services,
    bus,
    url: `http://127.0.0.1:${port}`,
    caller: (principal: Principal | null = ADMIN) => callerFactory({ services, log, principal }),
  } satisfies ApiProcess;
}
