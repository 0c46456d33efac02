import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");

export interface ExecutorProcess {
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
}

/** A deployed executor as a real process (`apps/policy-executor/src/main.ts`) with `env`. */
export function startExecutor(env: Record<string, string>): ExecutorProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/policy-executor/src/main.ts"], {
    cwd: root,
    env: { ...process.env, AIOS_LOG_LEVEL: "warn", AIOS_HEARTBEAT_SECONDS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
