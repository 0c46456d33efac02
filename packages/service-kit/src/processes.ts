import { readdirSync, readFileSync } from "node:fs";

/**
 * Processes as /proc shows them, to find what a run left running: descendants that outlived their
 * parent, and processes marked by an AIOS home (the launcher's children run in process groups of
 * their own and are re-parented when the launcher dies, so only their mark finds them). The bench,
 * the launcher's reaper and its tests use it.
 */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** argv, NUL-separated in /proc; empty for kernel threads and when unreadable. */
  argv: string[];
}

/** Every process running now (exited ones not yet reaped, and ones that exit while being read, are left out). */
export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name));
    if (info) out.push(info);
  }
  return out;
}

/** The process's start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** Running, not gone and not an unreaped zombie. */
export const isRunning = (pid: number): boolean => readProcess(pid) !== undefined;

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), argv };
  } catch {
    return undefined;
  }
}

/** Descendants of `root` (children, their children, ...), not `root` itself. */
export function descendantsOf(root: number, processes = listProcesses()): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcessInfo[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/**
 * Processes of an AIOS home: an argument names the home or a path inside it (PostgreSQL's data
 * directory, the reaper's log), or a variable of the environment does (`AIOS_HOME=<home>`, which
 * everything the launcher started inherits; a workload's `AIOS_AGENT_ALIVE_FILE`). This process is
 * never one of them.
 */
export function processesOfHome(home: string, processes = listProcesses()): ProcessInfo[] {
  const dir = home.replace(/\/+$/, "");
  return processes.filter((p) => {
    if (p.pid === process.pid) return false;
    if (p.argv.some((a) => a === dir || a.includes(`${dir}/`))) return true;
    return environOf(p.pid).some((e) => e.endsWith(`=${dir}`) || e.includes(`=${dir}/`));
  });
}

function environOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** Options whose value is the next argument (node's loaders), left out of a description. */
const WITH_VALUE = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);

/** `<pid> (<program> <arguments>)`, without options, so what runs (`apps/api/src/main.ts`) shows. */
export function describeProcess(p: ProcessInfo): string {
  const [program = "?", ...args] = p.argv;
  const kept = args.filter((a, i) => !a.startsWith("-") && !WITH_VALUE.has(args[i - 1] ?? ""));
  return `${p.pid} (${[program, ...kept].join(" ").slice(0, 160)})`;
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already.
  }
};

/** Resolves true once none of `pids` is alive, false after `ms`. */
export async function waitForExit(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!pids.some(isRunning)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stops processes by id: SIGTERM, up to `graceMs` to exit, then SIGKILL. A process that leads a
 * process group of its own gets the signal for the whole group (what it started goes with it);
 * the caller's own group is never signalled as a group.
 */
export async function stopProcesses(processes: ProcessInfo[], graceMs = 5_000): Promise<void> {
  const ownGroup = readProcess(process.pid)?.pgid;
  const send = (p: ProcessInfo, sig: NodeJS.Signals) => {
    if (p.pgid === p.pid && p.pgid !== ownGroup) signal(-p.pgid, sig);
    signal(p.pid, sig);
  };
  for (const p of processes) send(p, "SIGTERM");
  const pids = processes.map((p) => p.pid);
  if (await waitForExit(pids, graceMs)) return;
  for (const p of processes) send(p, "SIGKILL");
  await waitForExit(pids, 2_000);
}
