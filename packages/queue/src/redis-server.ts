import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  /** The addresses it listens on (default 127.0.0.1 only); `url` names the first. */
  bind?: string[];
  /**
   * Clients must AUTH with this (`requirepass`): for a Redis that listens off loopback. It goes to a
   * 0600 config file in `dir`, never on the command line that every user's `ps` shows.
   */
  password?: string;
  onLog?: (line: string) => void;
}

/**
 * Starts a private redis-server (on 127.0.0.1 unless `bind` says otherwise). BullMQ needs `noeviction`; persistence is off because
 * Postgres holds the desired state and agents reconcile toward it, so a lost queue heals itself.
 */
export async function startRedisServer(opts: StartRedisOptions): Promise<RedisServer> {
  const binary = opts.binary ?? findRedisServer();
  if (!binary) throw new Error("redis-server was not found on PATH");
  mkdirSync(opts.dir, { recursive: true });
  const pidFile = join(opts.dir, "redis.pid");
  stopStale(pidFile);
  const port = opts.port ?? (await findFreePort());
  const bind = opts.bind?.length ? opts.bind : ["127.0.0.1"];
  const config = opts.password === undefined ? [] : [writeAuthConfig(opts.dir, opts.password)];
  const child = spawn(
    binary,
    [
      ...config,
      "--port",
      String(port),
      "--bind",
      ...bind,
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
      waitForPort(port, 15_000, bind[0]),
      exited.then(() => {
        throw new Error(`redis-server exited during start (port ${port})`);
      }),
    ]);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const auth = opts.password === undefined ? "" : `:${encodeURIComponent(opts.password)}@`;
  return {
    url: `redis://${auth}${bind[0]}:${port}`,
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

/** A config file holding only `requirepass`, readable by its owner alone. */
function writeAuthConfig(dir: string, password: string): string {
  if (!/^[\x21-\x7e]+$/.test(password) || password.includes('"'))
    throw new Error("the Redis password must be printable ASCII without spaces or quotes");
  const file = join(dir, "redis-auth.conf");
  writeFileSync(file, `requirepass "${password}"\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
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
