import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findFreePort, waitForPort } from "@aios/service-kit";

/** A redis-server binary on PATH, or null. */
export function findRedisServer(pathEnv = process.env.PATH ?? ""): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "redis-server");
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Working directory for the pid file; nothing is persisted (no RDB, no AOF). */
  dir: string;
  port?: number;
  binary?: string;
  /** Logical databases (Redis' default 16); the tests' server has one per test file. */
  databases?: number;
  onLog?: (line: string) => void;
}

/**
 * Starts a private redis-server on 127.0.0.1. BullMQ needs `noeviction`; persistence is off because
 * Postgres holds the desired state and agents reconcile toward it, so a lost queue heals itself.
 */
export async function startRedisServer(opts: StartRedisOptions): Promise<RedisServer> {
  const binary = opts.binary ?? findRedisServer();
  if (!binary) throw new Error("redis-server was not found on PATH");
  mkdirSync(opts.dir, { recursive: true });
  const pidFile = join(opts.dir, "redis.pid");
  stopStale(pidFile);
  const port = opts.port ?? (await findFreePort());
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxmemory-policy",
      "noeviction",
      "--dir",
      opts.dir,
      "--pidfile",
      pidFile,
      "--daemonize",
      "no",
      "--protected-mode",
      "yes",
      ...(opts.databases ? ["--databases", String(opts.databases)] : []),
    ],
    // Its own process group: a Ctrl-C to the terminal must not stop Redis before the API and the
    // agents that use it; the owner stops it, last.
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  pipeLines(child, opts.onLog);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, 15_000),
      exited.then(() => {
        throw new Error(`redis-server exited during start (port ${port})`);
      }),
    ]);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(pidFile, { force: true });
    },
  };
}

/** A redis-server left by a killed run of ours would hold memory forever: stop it. */
function stopStale(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
  if (Number.isInteger(pid) && pid > 0 && isRedis(pid)) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  rmSync(pidFile, { force: true });
}

function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server");
  } catch {
    return false;
  }
}

function pipeLines(child: ChildProcess, onLog?: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) onLog?.(line);
    });
  }
}
