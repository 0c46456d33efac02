import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { isRunning } from "@aios/service-kit";
import { findIp, namespacePids } from "./ip";

/** What every process of the grid inherits from the grid command: the basics, no AIOS_* of its own. */
export function gridBaseEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "TZ", "AIOS_LOG_LEVEL"];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
}

export interface HostProcessSpec {
  namespace: string;
  /** The program and its arguments, run with `ip netns exec <namespace>`. */
  command: string[];
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr are appended here. */
  log: string;
}

/**
 * Starts a process inside a host (its network namespace), detached from the grid command: its own
 * session, output to its log, nothing waits for it. `ip netns exec` execs the program, so the pid is
 * the program's own.
 */
export function startInHost(spec: HostProcessSpec): number {
  const out = openSync(spec.log, "a", 0o600);
  try {
    const child = spawn(findIp() ?? "ip", ["netns", "exec", spec.namespace, ...spec.command], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", out, out],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${spec.command[0]} in ${spec.namespace}`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Running, not gone and not a zombie (the grid's processes are reparented to init, which reaps late). */
export const isAlive = (pid: number): boolean => isRunning(pid);

function signal(pids: number[], sig: NodeJS.Signals) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** `kill -9` every process of the namespace, again until none is left; how many were killed. */
export async function killHostProcesses(namespace: string, timeoutMs = 10_000): Promise<number> {
  const killed = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = namespacePids(namespace);
    if (pids.length === 0) return killed.size;
    if (Date.now() > deadline)
      throw new Error(`processes of ${namespace} still run after kill -9: ${pids.join(", ")}`);
    for (const pid of pids) killed.add(pid);
    signal(pids, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Stops every process of the namespace: SIGTERM (the launcher stops its API, console and data stores
 * cleanly; an agent its workloads), then after `graceMs` SIGKILL to whatever is left.
 */
export async function stopHostProcesses(namespace: string, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  let pids = namespacePids(namespace);
  signal(pids, "SIGTERM");
  while (pids.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    pids = namespacePids(namespace);
  }
  await killHostProcesses(namespace);
}
