import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { requireState } from "./faults";
import { isAlive } from "./host-processes";
import { findIp, namespacePids } from "./ip";
import { MANAGEMENT_PORTS } from "./management";
import { redisCommands } from "./redis-talk";
import { type TGridState, type TStoppedStore, writeState } from "./state";
import { canConnect } from "./tcp";

/** The management host's data stores that `stop-store` and `start-store` take down and up. */

export type StoreName = "redis" | "postgres";

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
}

function procInfo(pid: number): ProcInfo | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return {
      pid,
      ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      comm: readFileSync(`/proc/${pid}/comm`, "utf8").trim(),
    };
  } catch {
    return null; // gone meanwhile
  }
}

/** The store's main process on the management host: redis-server, or PostgreSQL's postmaster. */
function storePid(namespace: string, store: StoreName): number | null {
  const procs = namespacePids(namespace).flatMap((pid) => procInfo(pid) ?? []);
  const comm = store === "redis" ? "redis-server" : "postgres";
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  // PostgreSQL's backends are children of the postmaster, with the same name.
  const main = procs.filter((p) => p.comm === comm && byPid.get(p.ppid)?.comm !== comm);
  if (main.length > 1)
    throw new GridError(`${main.length} ${comm} processes on the management host: ${main.map((p) => p.pid)}`);
  return main[0]?.pid ?? null;
}

/** What starts the process again as it ran: program and arguments, folder, user, environment. */
function snapshot(pid: number, argv?: string[]): TStoppedStore {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const id = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? -1);
  const nul = (file: string) => readFileSync(`/proc/${pid}/${file}`, "utf8").split("\0").filter(Boolean);
  return {
    argv: argv ?? nul("cmdline"),
    cwd: readlinkSync(`/proc/${pid}/cwd`),
    uid: id("Uid"),
    gid: id("Gid"),
    env: Object.fromEntries(
      nul("environ").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    ),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `stop-store STORE`: stops the management host's Redis (SIGTERM) or PostgreSQL (SIGINT, its fast
 * shutdown) and keeps how it ran in the grid's state for `start-store`. The launcher does not start
 * them again by itself: they stay down until `start-store`.
 */
export async function stopStore(config: GridConfig, store: StoreName): Promise<string> {
  const state = requireState(config);
  const mgmt = managementOf(state);
  const pid = storePid(mgmt.namespace, store);
  if (pid === null) throw new GridError(`${store} does not run on ${mgmt.name}: \`start-store ${store}\``);
  // redis-server rewrites its process title: what it ran with is asked of Redis itself.
  const stopped = snapshot(pid, store === "redis" ? await redisRestartArgv(state, mgmt.address) : undefined);
  state.stoppedStores = { ...state.stoppedStores, [store]: stopped };
  writeState(config.home, state);
  process.kill(pid, store === "redis" ? "SIGTERM" : "SIGINT");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await sleep(100);
  }
  return `${store} stopped on ${mgmt.name} (pid ${pid})`;
}

/**
 * `start-store STORE`: starts the store stopped by `stop-store` again, as it ran (same program,
 * arguments, folder, user and environment, in the management host), and returns once it takes
 * connections (Redis: its port on the host's address; PostgreSQL: its postmaster.pid says ready).
 */
export async function startStore(config: GridConfig, store: StoreName): Promise<string> {
  const state = requireState(config);
  const mgmt = managementOf(state);
  const running = storePid(mgmt.namespace, store);
  if (running !== null) throw new GridError(`${store} already runs on ${mgmt.name} (pid ${running})`);
  const how = state.stoppedStores?.[store];
  if (!how) throw new GridError(`${store} was not stopped with \`stop-store ${store}\`: nothing to start`);
  const log = join(config.home, "hosts", mgmt.name, `${store}.log`);
  const out = openSync(log, "a", 0o600);
  let pid: number;
  try {
    // `ip netns exec` needs root; the store then runs as the user it ran as (PostgreSQL refuses root).
    const child = spawn(
      findIp() ?? "ip",
      [
        "netns",
        "exec",
        mgmt.namespace,
        "setpriv",
        `--reuid=${how.uid}`,
        `--regid=${how.gid}`,
        "--clear-groups",
        "--",
        ...how.argv,
      ],
      { cwd: how.cwd, env: how.env, detached: true, stdio: ["ignore", out, out] },
    );
    child.unref();
    if (child.pid === undefined) throw new GridError(`could not start ${store} on ${mgmt.name}`);
    pid = child.pid;
  } finally {
    closeSync(out);
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!isAlive(pid)) throw new GridError(`${store} exited as it started on ${mgmt.name}: see ${log}`);
    if (await ready(store, mgmt.address, how)) break;
    if (Date.now() > deadline)
      throw new GridError(`${store} did not take connections within 60 s: see ${log}`);
    await sleep(200);
  }
  delete state.stoppedStores?.[store];
  writeState(config.home, state);
  return `${store} started again on ${mgmt.name} (pid ${pid})`;
}

async function ready(store: StoreName, address: string, how: TStoppedStore): Promise<boolean> {
  if (store === "redis") return canConnect(address, MANAGEMENT_PORTS.redis);
  const d = how.argv.indexOf("-D");
  const dataDir = d >= 0 ? how.argv[d + 1] : how.env.PGDATA;
  if (!dataDir) throw new GridError(`PostgreSQL ran without -D or PGDATA: ${how.argv.join(" ")}`);
  const pidFile = join(resolve(how.cwd, dataDir), "postmaster.pid");
  if (!existsSync(pidFile)) return false;
  return readFileSync(pidFile, "utf8").split("\n")[7]?.trim() === "ready";
}

function managementOf(state: TGridState) {
  const mgmt = state.hosts.find((h) => h.role === "management");
  if (!mgmt) throw new GridError("the grid has no management host");
  return mgmt;
}

/**
 * How to start this Redis again as it runs now: it writes its running configuration (port, bind,
 * password, folder, no persistence...) into its configuration file (`CONFIG REWRITE`), then its
 * program and that file.
 */
async function redisRestartArgv(state: TGridState, address: string): Promise<string[]> {
  const password = readFileSync(state.redis.passwordFile, "utf8").trim();
  const [, , info] = await redisCommands(address, MANAGEMENT_PORTS.redis, [
    ["AUTH", password],
    ["CONFIG", "REWRITE"],
    ["INFO", "server"],
  ]);
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info ?? "")?.[1]?.trim() ?? "";
  const [executable, configFile] = [field("executable"), field("config_file")];
  if (!executable || !configFile)
    throw new GridError(`Redis on the management host did not say its executable and configuration file`);
  return [executable, configFile];
}
