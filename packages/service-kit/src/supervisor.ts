import { type ChildProcess, spawn } from "node:child_process";

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** false: the child gets `env` alone, not this process's environment too (default true). */
  inheritEnv?: boolean;
  /** Run as this user and group (this process must be allowed to: root). */
  uid?: number;
  gid?: number;
  /** Open file descriptors the child gets as its fds 3, 4, ... */
  extraFds?: number[];
  /** Called with every line the child prints (stdout and stderr). */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface SupervisedChild {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Runs a child in its own process group, so that stopping it also stops whatever it started
 * (a Next server's workers, a block's instances) and nothing is orphaned.
 */
export function startChild(spec: ChildSpec): SupervisedChild {
  const child: ChildProcess = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    // The cast: a Next.js build types ProcessEnv with NODE_ENV, which a workload's own env need not have.
    env: (spec.inheritEnv === false ? { ...spec.env } : { ...process.env, ...spec.env }) as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe", ...(spec.extraFds ?? [])],
    detached: true,
    ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
    ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
  });
  if (child.pid === undefined) throw new Error(`could not start ${spec.name}: ${spec.command}`);
  const pid = child.pid;
  for (const [stream, name] of [
    [child.stdout, "stdout"],
    [child.stderr, "stderr"],
  ] as const) {
    let buffered = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.length > 0) spec.onLine?.(line, name);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    name: spec.name,
    pid,
    exited,
    async stop(timeoutMs = 10_000) {
      if (done) return killGroup(pid, "SIGKILL");
      killGroup(pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(pid, "SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
      // The leader is gone; make sure nothing it started outlives it.
      killGroup(pid, "SIGKILL");
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}
