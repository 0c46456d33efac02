import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { migrateDeploy } from "@aios/db";
import { createLogger, onShutdown, waitForPort } from "@aios/service-kit";
import { type DataStores, startDataStores } from "./data-stores";
import { loadLauncherEnv } from "./env";
import { secretsKey } from "./kept-secret";
import { prettyLine } from "./pretty";
import { startReaper } from "./reaper";
import { runStep, superviseService } from "./services";
import { forgetWebBuild, markWebBuilt, webBuildIsCurrent, webSourceHash } from "./web-build";

const repoRoot = resolve(import.meta.dirname, "../../..");
const env = loadLauncherEnv(repoRoot);
const color = process.stdout.isTTY === true;
const print = (source: string, line: string) =>
  process.stdout.write(`${env.AIOS_LOG_FORMAT === "json" ? line : prettyLine(source, line, color)}\n`);
const log = createLogger(
  { service: "launcher" },
  { level: env.AIOS_LOG_LEVEL, write: (line) => print("launcher", line) },
);
const shutdown = onShutdown(log, {
  timeoutMs: 35_000,
  // Everything the launcher started is stopped: the reaper has nothing left to do.
  onStopped: () => reaper.done(),
});

const tsx = ["--import", "tsx"];
const nextBin = resolve(repoRoot, "node_modules/next/dist/bin/next");
const webDir = resolve(repoRoot, "apps/web");
// Stops what the launcher started should the launcher itself die without stopping (SIGKILL).
const reaper = startReaper(join(env.home, "reaper.log"));
const deps = { log, reaper, isStopping: () => shutdown.isStopping(), print };
/** How long a service gets to stop before SIGKILL: the agent stops its workloads first. */
const STOP_MS: Record<string, number> = { agent: 30_000 };

/** The start sequence goes no further once a stop has begun (nothing starts behind the stop). */
function checkpoint() {
  if (shutdown.isStopping()) throw new StoppingError();
}
class StoppingError extends Error {
  constructor() {
    super("stopping");
  }
}

async function run(name: string, args: string[], childEnv: Record<string, string>, cwd = repoRoot) {
  checkpoint();
  await runStep({ name, args, env: childEnv, cwd }, deps, (stop) => shutdown.add(name, stop));
  checkpoint();
}

function serve(name: string, args: string[], childEnv: Record<string, string>, cwd = repoRoot) {
  checkpoint();
  const service = superviseService({ name, args, env: childEnv, cwd }, deps);
  shutdown.add(name, () => service.stop(STOP_MS[name]));
  return service;
}

/** The agent's token the bootstrap step wrote (AIOS_AUTH=token); none in open mode. */
function readToken(dir: string, file: "agent"): string | undefined {
  const path = join(dir, file);
  return env.AIOS_AUTH === "token" && existsSync(path) ? readFileSync(path, "utf8").trim() : undefined;
}

const optional = (name: string, value: string | undefined): Record<string, string> =>
  value ? { [name]: value } : {};

async function main() {
  log.info("starting AIOS", { home: env.home });
  const stores = await startDataStores(env, log);
  shutdown.add("data stores", () => stores.stop());
  for (const p of stores.processes) reaper.track(p.name, p.pid, { group: false, signal: p.signal });
  checkpoint();

  const base: Record<string, string> = {
    DATABASE_URL: stores.databaseUrl,
    AIOS_QUEUE_BACKEND: stores.queue.kind,
    ...(stores.queue.kind === "redis" ? { REDIS_URL: stores.queue.url } : {}),
    AIOS_AUTH: env.AIOS_AUTH,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  log.info("applying database migrations");
  const t0 = Date.now();
  await migrateDeploy(stores.databaseUrl);
  log.info("migrations applied", { ms: Date.now() - t0 });
  checkpoint();

  // AIOS_HOST: where the API, the console (and Redis) listen, loopback unless a management host.
  const host = env.AIOS_HOST;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const apiUrl = `http://${urlHost}:${env.AIOS_API_PORT}`;
  const webUrl = `http://${urlHost}:${env.AIOS_WEB_PORT}`;
  const grpcPort = env.AIOS_GRPC_PORT === "off" ? null : env.AIOS_GRPC_PORT;
  const grpcAddress = grpcPort === null ? "disabled" : `${urlHost}:${grpcPort}`;
  const apiEnv = {
    ...base,
    AIOS_API_HOST: host,
    AIOS_API_PORT: String(env.AIOS_API_PORT),
    ...(grpcPort === null ? {} : { AIOS_GRPC_PORT: String(grpcPort) }),
    AIOS_WEB_ORIGIN: webUrl,
    AIOS_SECRETS_KEY: env.AIOS_SECRETS_KEY ?? secretsKey(join(env.home, "secrets.key")),
  };
  await run("bootstrap", [...tsx, "apps/api/src/bootstrap.ts"], {
    ...apiEnv,
    AIOS_SEED: env.AIOS_SEED,
    AIOS_HOME: env.home,
    AIOS_CLUSTER_ID: env.AIOS_CLUSTER_ID,
  });
  const tokens = join(env.home, "tokens");
  serve("api", [...tsx, "apps/api/src/main.ts"], apiEnv);
  await waitForPort(env.AIOS_API_PORT, 30_000, host);
  // The API opens its gRPC port right after its HTTP one.
  if (grpcPort !== null) await waitForPort(grpcPort, 30_000, host);
  checkpoint();

  // A management host (AIOS_AGENT=0) runs none: its nodes' agents join from their own machines.
  if (env.AIOS_AGENT === "1") serveAgent(apiUrl, stores.queue, tokens);

  if (env.AIOS_WEB === "1") {
    const hash = webSourceHash(repoRoot);
    if (!webBuildIsCurrent(webDir, hash)) {
      log.info("building the console (first start or sources changed; about a minute)");
      // A build stopped halfway must not count as current at the next start.
      forgetWebBuild(webDir);
      await run("web build", [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" }, webDir);
      markWebBuilt(webDir, hash);
    }
    const webEnv = {
      AIOS_API_URL: apiUrl,
      // What the console's Open Inference Protocol card tells clients to call over gRPC.
      ...(grpcPort === null ? {} : { AIOS_PUBLIC_GRPC_ADDRESS: grpcAddress }),
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(env.AIOS_WEB_PORT),
      // The console has no token of its own: it acts with each signed-in user's token, its
      // session cookies sealed with a key kept here.
      AIOS_WEB_DATA_DIR: join(env.home, "web"),
    };
    serve("web", [nextBin, "start", "-p", String(env.AIOS_WEB_PORT), "-H", host], webEnv, webDir);
    await waitForPort(env.AIOS_WEB_PORT, 60_000, host);
    checkpoint();
  }
  log.info("AIOS is running", {
    console: env.AIOS_WEB === "1" ? webUrl : "disabled",
    api: apiUrl,
    grpc: grpcAddress,
    stop: "Ctrl-C",
  });
  process.stdout.write(
    `\n  AIOS console: ${env.AIOS_WEB === "1" ? webUrl : "(disabled)"}\n  API: ${apiUrl}\n` +
      `  gRPC (Open Inference Protocol): ${grpcAddress}\n\n`,
  );
}

function serveAgent(apiUrl: string, queue: DataStores["queue"], tokens: string) {
  const agentEnv: Record<string, string> = {
    AIOS_API_URL: apiUrl,
    AIOS_CLUSTER_ID: env.AIOS_CLUSTER_ID,
    AIOS_QUEUE_BACKEND: queue.kind,
    AIOS_QUEUE_URL: queue.url,
    AIOS_HOME: env.home,
    AIOS_AGENT_METRICS_PORT: String(env.AIOS_AGENT_METRICS_PORT),
    // One machine going down takes its blocks with it; nothing is left behind.
    AIOS_STOP_WORKLOADS_ON_EXIT: "1",
    ...optional("AIOS_AGENT_TOKEN", readToken(tokens, "agent")),
  };
  serve("agent", [...tsx, "apps/agents/src/main.ts"], agentEnv);
}

main().catch(async (err) => {
  // A stop during the start sequence is not a failure: the shutdown under way finishes and exits.
  if (err instanceof StoppingError || shutdown.isStopping()) return;
  log.error("start failed", { err });
  await shutdown.stop("start failed");
  process.exit(1);
});
