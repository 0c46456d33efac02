// Process-level helpers for a postmaster we manage through pg_ctl: run a binary as the
// postgres OS user, read postmaster.pid, stop a server (ours or a stale one) and wait.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { RunAs } from "./os-user";

export interface RunResult {
  code: number | null;
  output: string;
}

/** Environment for pg binaries: English messages, no PG* variables leaking into pg_ctl's libpq. */
const pgEnv = (): Record<string, string> => {
  const keep = Object.entries(process.env).filter(
    (e): e is [string, string] => e[1] !== undefined && !e[0].startsWith("PG") && !e[0].startsWith("LC_"),
  );
  return { ...Object.fromEntries(keep), LC_ALL: "C", LANG: "C" };
};

export function run(file: string, args: string[], user: RunAs | undefined): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: pgEnv() as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own session: a Ctrl-C to the terminal's process group must not stop the server
      // before the processes that use it; whoever started it stops it, last.
      detached: true,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** PID from <dataDir>/postmaster.pid (first line), or undefined when there is no pid file. */
export async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive = exists and is not a zombie (a container's PID 1 may never reap an orphan). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    try {
      process.kill(pid, 0); // non-Linux fallback
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  }
}

/** A pid from a stale file may have been reused by an unrelated process: never signal that. */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
  } catch {
    return true; // no /proc: trust the pid file, as pg_ctl itself does
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/**
 * Stops the postmaster of `dataDir` if one runs ("fast" shutdown: abort sessions, clean
 * checkpoint) and resolves once the process is gone. Used both by stop() and to recover a
 * STALE server left behind by a SIGKILLed parent. A pid file whose process is dead, or is
 * not a postgres, is removed so the next start is not refused.
 * Returns what it did, for logging.
 */
export async function stopPostmaster(
  dataDir: string,
  pgCtl: string,
  user: RunAs | undefined,
): Promise<"none" | "stopped" | "removed-stale-pid-file"> {
  const pid = await readPostmasterPid(dataDir);
  if (pid === undefined) return "none";
  if (!isAlive(pid) || !isPostgres(pid)) {
    await rm(path.join(dataDir, "postmaster.pid"), { force: true });
    return "removed-stale-pid-file";
  }
  const res = await run(pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30", "-s"], user);
  if (res.code !== 0) signal(pid, "SIGINT"); // fast shutdown by signal if pg_ctl could not
  if (!(await waitGone(pid, 30_000))) {
    signal(pid, "SIGQUIT"); // immediate shutdown: crash-recovery on the next start
    if (!(await waitGone(pid, 10_000))) throw new Error(`PostgreSQL pid ${pid} (${dataDir}) did not stop`);
  }
  return "stopped";
}
