import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { connectQueueBackend, type QueueBackend } from "@aios/queue";
import { createLogger, findFreePort } from "@aios/service-kit";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect } from "vitest";
import type { Principal } from "../src/auth/principal";
import type { RateLimitConfig } from "../src/rate-limits";
import { appRouter } from "../src/router";
import { createApiServer } from "../src/server";
import { createServices, type Services } from "../src/services";
import { createCallerFactory } from "../src/trpc";
import type { OwnService } from "../src/workload-targets";

export const ADMIN: Principal = { role: "admin", scope: null, tokenId: null };
const callerFactory = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof callerFactory>;

export interface ApiHarness {
  services: Services;
  database: TestDatabase;
  queues: QueueBackend;
  /** A tRPC caller with a real context, acting as `principal`. */
  caller(principal?: Principal | null): Caller;
}

/** A real API stack per test file: its own migrated database, the shared Redis, the real router. */
export interface ApiHarnessOptions {
  auth?: "open" | "token";
  /** Per-key rate limits; none unless given. */
  rateLimits?: Partial<RateLimitConfig>;
  /** Lost-node grace (AIOS_NODE_LOST_SECONDS); with it the liveness sweep runs, as in the API's main. */
  nodeLostSeconds?: number;
  /** false: no worker takes async vDAG tasks (the test runs them through `vdagInference.tasks`). */
  vdagTaskWorker?: boolean;
  /** The queues' Redis, read when the API starts (default: the test setup's, AIOS_TEST_REDIS_URL). */
  redisUrl?: () => string;
  /** The PostgreSQL server (its admin URL) the test's database is made on (default: the test setup's). */
  adminUrl?: () => string;
  /** The largest blob the assets registry keeps, in MiB (AIOS_MAX_ASSET_MB; default 512). */
  maxAssetMb?: number;
  /** Networks quality webhooks may go to besides public addresses (AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS). */
  webhookAllowedNetworks?: string[];
  /** The key credentials are sealed with (AIOS_SECRETS_KEY); default a random one, null for none. */
  secretsKey?: Buffer | null;
}

export function useApi(opts: ApiHarnessOptions = {}): ApiHarness {
  const harness = {} as ApiHarness;
  let server: TestServer;
  let sweep: { stop(): Promise<void> } | undefined;
  let vdagTasks: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    const database = await createTestDatabase(opts.adminUrl?.() ?? server.adminUrl);
    const redisUrl = opts.redisUrl?.() ?? process.env.AIOS_TEST_REDIS_URL;
    const queues = connectQueueBackend(
      redisUrl ? { kind: "redis", url: redisUrl } : { kind: "postgres", url: database.url },
    );
    const log = createLogger({ service: "api-test" }, { level: "error" });
    const services = createServices({
      db: database.db,
      queues,
      log,
      config: {
        auth: opts.auth ?? "open",
        agentStaleSeconds: 30,
        rateLimits: opts.rateLimits,
        ...(opts.nodeLostSeconds ? { nodeLostSeconds: opts.nodeLostSeconds } : {}),
        ...(opts.maxAssetMb ? { maxAssetMb: opts.maxAssetMb } : {}),
        ...(opts.webhookAllowedNetworks
          ? { qualityWebhooks: { allowedNetworks: opts.webhookAllowedNetworks } }
          : {}),
        secretsKey: opts.secretsKey === undefined ? randomBytes(32) : opts.secretsKey,
        // As the API's main: no workload's address leads to its database or its queues' Redis.
        workloads: { ownServices: ownServicesOf(database.url, redisUrl) },
      },
    });
    if (opts.nodeLostSeconds) sweep = services.nodeLiveness.start();
    // Async vDAG requests are run by the task workers, as in the API's main.
    if (opts.vdagTaskWorker !== false) vdagTasks = services.vdagInference.tasks.start();
    Object.assign(harness, {
      services,
      database,
      queues,
      caller: (principal: Principal | null = ADMIN) => callerFactory({ services, log, principal }),
    });
  });
  afterAll(async () => {
    await sweep?.stop();
    await vdagTasks?.stop();
    // The data plane's audit events still on their way, as the API's main writes them before it stops.
    await harness.services?.audit.flush();
    await harness.services?.workloadTargets.dispatcher.close();
    await harness.queues?.close();
    await harness.database?.drop();
    await server?.stop();
  });
  return harness;
}

/** The test stack's database and Redis, as the API's main names them (`workloadTargetsOf`). */
function ownServicesOf(databaseUrl: string, redisUrl: string | undefined): OwnService[] {
  const db = new URL(databaseUrl);
  const services = [{ name: "the API's database (DATABASE_URL)", host: db.hostname, port: Number(db.port) }];
  if (redisUrl) {
    const redis = new URL(redisUrl);
    services.push({ name: "the queues' Redis (REDIS_URL)", host: redis.hostname, port: Number(redis.port) });
  }
  return services;
}

export function doc(action: string, values: Record<string, unknown>) {
  return { header: { templateUri: "Parser/V1", action }, body: { spec: { values } } };
}

/** The same stack served over real HTTP on a free port, for tests of other processes against it. */
export function useApiServer(opts: ApiHarnessOptions = {}): ApiHarness & { url: string } {
  const harness = useApi(opts) as ApiHarness & { url: string };
  let server: Server | undefined;
  beforeAll(async () => {
    const port = await findFreePort();
    server = createApiServer({
      services: harness.services,
      log: createLogger({ service: "api-test" }, { level: "error" }),
      webOrigin: "http://127.0.0.1:3000",
    });
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
    harness.url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return harness;
}

/** The TRPCError a call fails with (the test fails if it succeeds or fails otherwise). */
export async function rejection(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

/**
 * Reports a block's instances placed on `nodeId` the way that node's agent would: each listening
 * (at a made-up endpoint unless given), with the executor when it is placed there and the health
 * verdict `health` for every listening instance of the block. Answers the block's status.
 */
export async function reportPlaced(
  caller: Caller,
  blockId: string,
  nodeId: string,
  opts: {
    executorEndpoint?: string | null;
    health?: "healthy" | "unhealthy" | "starting" | Record<string, "healthy" | "unhealthy" | "starting">;
    endpoint?: (instanceId: string) => string;
  } = {},
) {
  const desired = await caller.agents.work.desiredBlock({ blockId, nodeId });
  if (!desired.exists) throw new Error(`block ${blockId} does not exist`);
  const instances = desired.removing
    ? []
    : desired.instances.map((i) => ({
        id: i.id,
        endpoint: opts.endpoint?.(i.id) ?? `http://127.0.0.1:9/${i.id}`,
      }));
  const body = {
    blockId,
    nodeId,
    executorEndpoint:
      desired.executorHere && !desired.removing ? (opts.executorEndpoint ?? "http://127.0.0.1:1") : null,
    instances,
  };
  // The executor judges an instance only once it knows where it listens: endpoints first.
  const first = await caller.agents.work.reportBlock(body);
  const now = await caller.agents.work.desiredBlock({ blockId, nodeId });
  const health =
    now.exists && now.executorHere && opts.health
      ? now.peers.map((i) => ({
          id: i.id,
          endpoint: i.endpoint,
          state: typeof opts.health === "string" ? opts.health : (opts.health?.[i.id] ?? "starting"),
        }))
      : undefined;
  return health ? caller.agents.work.reportBlock({ ...body, health }) : first;
}
