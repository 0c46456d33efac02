import { readFileSync } from "node:fs";

/** Signals a process's whole session (a workload starts in its own): what it started goes too. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  // No pid (a spawn that failed): -0 would be this process's own group.
  if (!(pid > 0)) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** The pid still runs the same program (not a zombie, not a reused pid). */
export function runsProgram(pid: number, program: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(program);
  } catch {
    return false;
  }
}

/** Resolves once `pid` no longer runs `program`: for a process that is not our child (adopted). */
export function watchedExit(pid: number, program: string): Promise<{ code: null; signal: null }> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!runsProgram(pid, program)) {
        clearInterval(timer);
        resolve({ code: null, signal: null });
      }
    }, 500);
    timer.unref();
  });
}

/** SIGTERM to the session, SIGKILL after `graceMs` or once it ended (whatever it left goes too). */
export async function stopGroup(pid: number, exited: Promise<unknown>, graceMs = 5_000): Promise<void> {
  signalGroup(pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(pid, "SIGKILL");
}
