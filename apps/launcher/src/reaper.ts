import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { processStartTime } from "@aios/service-kit";

/**
 * What a launcher that dies without stopping (SIGKILL, a crash) would leave running: its services'
 * process groups (API, agent, console) and its data stores (PostgreSQL, Redis). The launcher hands
 * each to a small reaper process of its own; the reaper holds the read end of a pipe from the
 * launcher, and when that pipe closes without a `done` the launcher is gone, so it stops them:
 * services first (SIGTERM, so the agent stops its workloads), then the data stores.
 */
export type ReaperMessage =
  | { track: { pid: number; name: string; group: boolean; signal: "SIGTERM" | "SIGINT"; start: string } }
  | { untrack: number }
  | { done: true };

export interface Reaper {
  /** Stops this process group (or process) if the launcher dies; `signal` first, SIGKILL later. */
  track(name: string, pid: number, how?: { group?: boolean; signal?: "SIGTERM" | "SIGINT" }): void;
  untrack(pid: number): void;
  /** The launcher stopped everything itself: the reaper exits without doing anything. */
  done(): void;
}

const REAPER_MAIN = resolve(import.meta.dirname, "reaper-main.ts");

export function startReaper(logFile: string): Reaper {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", REAPER_MAIN, logFile], {
    stdio: ["pipe", "ignore", "ignore"],
    // Its own session: the terminal's Ctrl-C must not stop it before the launcher has finished.
    detached: true,
  });
  child.unref();
  const send = (message: ReaperMessage) => {
    if (child.stdin?.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
  };
  return {
    track(name, pid, how = {}) {
      const start = processStartTime(pid);
      if (start === null) return;
      send({ track: { pid, name, group: how.group ?? true, signal: how.signal ?? "SIGTERM", start } });
    },
    untrack: (pid) => send({ untrack: pid }),
    done() {
      send({ done: true });
      child.stdin?.end();
    },
  };
}
