import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { constants } from "node:os";

/** How a container's process ended, in the terms of a terminated container state. */
export interface ProcessEnd {
  exitCode: number;
  signal?: string;
  /** Set when the process never started (no such command, no such working directory). */
  startError?: string;
}

/** One run of a container: a process leading a process group of its own, its output in one file. */
export interface ContainerProcess {
  pid: number;
  logPath: string;
  startedAt: Date;
  ended?: ProcessEnd;
  exited: Promise<ProcessEnd>;
  /** Signals the whole process group; nothing happens once it has ended. */
  signal(sig: NodeJS.Signals): void;
}

const live = new Set<ContainerProcess>();
// A test runner that dies must not leave pods' processes behind.
process.once("exit", () => {
  for (const p of live) p.signal("SIGKILL");
});

export function startContainerProcess(spec: {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  logPath: string;
}): Promise<ContainerProcess> {
  return new Promise((started) => {
    const out = openSync(spec.logPath, "a");
    // detached: setsid, so the container's pid leads a process group that is signalled as one.
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    let settle!: (end: ProcessEnd) => void;
    const proc: ContainerProcess = {
      pid: child.pid ?? 0,
      logPath: spec.logPath,
      startedAt: new Date(),
      exited: new Promise((r) => {
        settle = r;
      }),
      signal(sig) {
        if (proc.pid && !proc.ended) killGroup(proc.pid, sig);
      },
    };
    const end = (e: ProcessEnd) => {
      if (proc.ended) return;
      // As a container runtime does with the container's cgroup: nothing of it outlives its main process.
      if (proc.pid) killGroup(proc.pid, "SIGKILL");
      proc.ended = e;
      live.delete(proc);
      settle(e);
    };
    child.once("error", (e) => {
      end({ exitCode: 128, startError: e.message });
      started(proc);
    });
    child.once("spawn", () => {
      live.add(proc);
      started(proc);
    });
    child.once("exit", (code, signal) =>
      end(signal ? { exitCode: 128 + (constants.signals[signal] ?? 0), signal } : { exitCode: code ?? 0 }),
    );
  });
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is gone already.
  }
}
