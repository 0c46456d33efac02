import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedDataDirFor, startPostgres } from "@aios/db";
import { findRedisServer, type QueueBackendConfig, startRedisServer } from "@aios/queue";
import { isLoopbackHost, type Logger } from "@aios/service-kit";
import type { TLauncherEnv } from "./env";
import { redisPassword } from "./kept-secret";

export interface DataStores {
  databaseUrl: string;
  queue: QueueBackendConfig;
  /** The server processes started here, with the signal that stops each cleanly. */
  processes: Array<{ name: string; pid: number; signal: "SIGTERM" | "SIGINT" }>;
  stop(): Promise<void>;
}

/**
 * Postgres from DATABASE_URL, else an embedded Postgres 17 under AIOS_HOME (its password in
 * AIOS_HOME/postgres.password, mode 0600); Redis from REDIS_URL, else a redis-server from PATH on
 * a private port (AIOS_REDIS_PORT), else BullMQ's PostgreSQL backend. A private Redis listens on
 * loopback and, when AIOS_HOST is off loopback, there too, behind the password kept in
 * AIOS_HOME/redis.password (0600).
 */
export async function startDataStores(env: TLauncherEnv, log: Logger): Promise<DataStores> {
  const stops: Array<() => Promise<void>> = [];
  const processes: DataStores["processes"] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => log.warn("stop failed", { err }));
  };
  try {
    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      log.info("postgres: using DATABASE_URL");
    } else {
      const dataDir = join(env.home, "postgres");
      log.info("postgres: starting embedded PostgreSQL 17", { dataDir });
      const pg = await startPostgres({
        dataDir,
        // As root, postgres runs as its own OS user; a private checkout (/root, 0700) keeps its
        // data under /var/lib/aios instead, the same directory on every start.
        fallbackDataDir: sharedDataDirFor(env.home),
        // Its superuser password: random, made at the first start, only this user reads it.
        passwordFile: join(env.home, "postgres.password"),
        log: (line, level) => log[level](line, { source: "postgres" }),
      });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      const postmaster = postmasterPid(pg.dataDir);
      // SIGINT: PostgreSQL's fast shutdown.
      if (postmaster) processes.push({ name: "postgres", pid: postmaster, signal: "SIGINT" });
    }
    let queue: QueueBackendConfig;
    const redisBinary = findRedisServer();
    if (env.REDIS_URL) {
      queue = { kind: "redis", url: env.REDIS_URL };
      log.info("queues: Redis from REDIS_URL");
    } else if (redisBinary) {
      const offLoopback = !isLoopbackHost(env.AIOS_HOST);
      const redis = await startRedisServer({
        dir: join(env.home, "redis"),
        binary: redisBinary,
        ...(env.AIOS_REDIS_PORT ? { port: env.AIOS_REDIS_PORT } : {}),
        ...(offLoopback
          ? { bind: ["127.0.0.1", env.AIOS_HOST], password: redisPassword(join(env.home, "redis.password")) }
          : {}),
      });
      stops.push(() => redis.stop());
      processes.push({ name: "redis", pid: redis.pid, signal: "SIGTERM" });
      queue = { kind: "redis", url: redis.url };
      log.info("queues: Redis (private redis-server)", {
        binary: redisBinary,
        port: redis.port,
        ...(offLoopback ? { host: env.AIOS_HOST, password: "redis.password" } : {}),
      });
    } else {
      queue = { kind: "postgres", url: databaseUrl };
      log.info("queues: BullMQ PostgreSQL backend (no REDIS_URL and no redis-server on PATH)");
    }
    return { databaseUrl, queue, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(
      readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "",
      10,
    );
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // as root, the data dir may be unreadable here: PostgreSQL then stops with pg_ctl only
  }
}
