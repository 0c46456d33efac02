import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Runs the cluster agent as a real process against an API and a Redis of the test's own. */
export function startAgentProcess(env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/agents/src/main.ts"], {
    cwd: root,
    env: { ...process.env, AIOS_QUEUE_BACKEND: "redis", AIOS_HEARTBEAT_SECONDS: "0.5", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      const code = await exited;
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL"); // anything it started is gone too
      } catch {
        // group already gone
      }
      return code;
    },
  };
}

/** Polls until `check` returns true (for hooks, where expect.poll is not available). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
