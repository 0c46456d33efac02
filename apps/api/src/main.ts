import { createDb } from "@aios/db";
import { connectQueueBackend, queueTelemetry } from "@aios/queue";
import { createLogger, initTracing, onShutdown } from "@aios/service-kit";
import { startGrpcInferenceServer } from "./data-plane/open-inference/grpc-server";
import { sweepOrphanBlobs } from "./domains/assets/asset.service";
import { createPgEventBus } from "./domains/events/pg-event-bus";
import { createTokenCache, startTokenChanges } from "./domains/tokens/token-cache";
import {
  grpcListenOf,
  loadApiEnv,
  policyLimitsOf,
  qualityWebhookSettingsOf,
  queueBackendOf,
  secretsKeyOf,
  vdagTaskSettingsOf,
  workloadTargetsOf,
} from "./env";
import { rateLimitConfigOf } from "./rate-limits";
import { createApiServer } from "./server";
import { createServices } from "./services";

const env = loadApiEnv();
const log = createLogger({ service: "api" }, { level: env.AIOS_LOG_LEVEL });
const shutdown = onShutdown(log);
// OpenTelemetry spans, exported when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed last.
const traces = await initTracing("aios-api", { "service.instance.id": `api-${process.pid}` }, log);
shutdown.add("traces", () => traces.shutdown());

const db = createDb(env.DATABASE_URL);
shutdown.add("database", () => db.$disconnect());
const queues = connectQueueBackend({ ...queueBackendOf(env), telemetry: await queueTelemetry() });
shutdown.add("queues", () => queues.close());
// Live status events reach every API process on this database (LISTEN/NOTIFY).
const liveEvents = createPgEventBus({ databaseUrl: env.DATABASE_URL, db, log });
shutdown.add("live events", () => liveEvents.stop());
// Tokens read are kept while PostgreSQL tells this process of every change to them.
const tokenChanges = startTokenChanges({
  databaseUrl: env.DATABASE_URL,
  log,
  onChange: (id) => tokenCache.forget(id),
});
const tokenCache = createTokenCache(tokenChanges);
shutdown.add("token changes", () => tokenChanges.stop());

const services = createServices({
  db,
  queues,
  log,
  liveEvents,
  tokenCache,
  config: {
    auth: env.AIOS_AUTH,
    agentStaleSeconds: env.AIOS_AGENT_STALE_SECONDS,
    nodeLostSeconds: env.AIOS_NODE_LOST_SECONDS,
    policyLimits: policyLimitsOf(env),
    rateLimits: rateLimitConfigOf(env),
    maxAssetMb: env.AIOS_MAX_ASSET_MB,
    vdagTasks: vdagTaskSettingsOf(env),
    secretsKey: secretsKeyOf(env),
    qualityWebhooks: qualityWebhookSettingsOf(env),
    workloads: workloadTargetsOf(env),
  },
});
// Data-plane calls' audit events still on their way are written before the database closes.
shutdown.add("audit events", () => services.audit.flush());
// The tasks of vDAG requests answered but not yet written, likewise.
shutdown.add("vDAG task rows", () => services.vdagInference.flushTasks());
// Block events told but not yet stored, and their event policies' runs (each step has its timeout).
shutdown.add("block events", () => services.blockEvents.idle());
// The connections to workloads and webhook receivers, closed once the calls using them have ended
// (steps run in reverse: after the HTTP server, the vDAG tasks and the webhook sender stop).
shutdown.add("workload connections", () => services.workloadTargets.dispatcher.close());
shutdown.add("webhook connections", () => services.webhookTargets.dispatcher.close());
// Lost nodes: their instances are placed again on the cluster's other nodes.
const liveness = services.nodeLiveness.start();
shutdown.add("node liveness", () => liveness.stop());
// Async vDAG requests: this process takes queued tasks, and queues again those no job carries.
const vdagTasks = services.vdagInference.tasks.start();
shutdown.add("vDAG tasks", () => vdagTasks.stop());
// Quality webhooks: this process posts the due deliveries of the outbox (rows claimed, never twice).
const qualityWebhooks = services.qualityWebhooks.start();
shutdown.add("quality webhooks", () => qualityWebhooks.stop());
// Uploaded blobs no asset names are removed a day after their upload (checked every hour).
const sweepBlobs = () =>
  sweepOrphanBlobs(db)
    .then((removed) => removed > 0 && log.info("removed unregistered asset blobs", { removed }))
    .catch((err: Error) => log.warn("asset blob sweep failed", { err: err.message }));
void sweepBlobs();
const blobSweep = setInterval(sweepBlobs, 3_600_000);
blobSweep.unref();
shutdown.add("asset blob sweep", () => clearInterval(blobSweep));
const server = createApiServer({
  services,
  log,
  webOrigin: env.AIOS_WEB_ORIGIN,
  maxBodyMb: env.AIOS_MAX_BODY_MB,
});
// The Open Inference Protocol over gRPC (AIOS_GRPC_PORT), started once the HTTP server listens.
const grpcListen = grpcListenOf(env);
let grpcServer: ReturnType<typeof startGrpcInferenceServer> | undefined;
server.listen(env.AIOS_API_PORT, env.AIOS_API_HOST, () => {
  log.info("api listening", { url: `http://${env.AIOS_API_HOST}:${env.AIOS_API_PORT}`, queues: queues.kind });
  if (!grpcListen || shutdown.isStopping()) return;
  grpcServer = startGrpcInferenceServer({ services, log, maxBodyMb: env.AIOS_MAX_BODY_MB, ...grpcListen });
  grpcServer.then(
    ({ port }) => {
      const host = grpcListen.host.includes(":") ? `[${grpcListen.host}]` : grpcListen.host;
      log.info("api gRPC listening (Open Inference Protocol)", { address: `${host}:${port}` });
    },
    (err: Error) => {
      log.error("api gRPC server could not listen", { host: grpcListen.host, port: grpcListen.port, err });
      void shutdown.stop("gRPC server failed").then(() => process.exit(1));
    },
  );
});
shutdown.add(
  "http server",
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Live subscriptions (SSE) never go idle: give in-flight calls a moment, then close them.
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
    }),
);
shutdown.add("gRPC server", async () => {
  const grpc = await grpcServer?.catch(() => null);
  await grpc?.close();
});
