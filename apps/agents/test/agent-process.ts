import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";

const root = resolve(import.meta.dirname, "../../..");
const stateHome = mkdtempSync(join(tmpdir(), "aios-agent-test-"));

/** Where the agents started here keep a cluster's workload records and logs. */
export const agentStateDir = (clusterId: string) => join(stateHome, "agent", clusterId);

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
  /** SIGKILL, as if it crashed: what it started runs on. */
  kill(): Promise<void>;
}

/** Runs the cluster agent as a real process against an API and a Redis of the test's own. */
export function startAgentProcess(env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/agents/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      AIOS_QUEUE_BACKEND: "redis",
      AIOS_HEARTBEAT_SECONDS: "0.5",
      AIOS_STOP_WORKLOADS_ON_EXIT: "1",
      AIOS_HOME: stateHome,
      // A free port each: test files run agents side by side.
      AIOS_AGENT_METRICS_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return {
    child,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGKILL");
      await exited;
    },
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

/** The URL of the agent's `/metrics`, from its start log (`metrics endpoint listening`). */
export async function agentMetricsUrl(agent: AgentProcess, timeoutMs = 20_000): Promise<string> {
  let url: string | undefined;
  await waitUntil(
    "the agent's metrics endpoint",
    async () => {
      for (const line of agent.output().split("\n")) {
        if (!line.includes('"metrics endpoint listening"')) continue;
        url = (JSON.parse(line) as { url?: string }).url;
        if (url) return true;
      }
      return false;
    },
    timeoutMs,
  );
  return url as string;
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

/** The agent of cluster `clusterId` against the test's API and Redis (node `<clusterId>-node`). */
export function startClusterAgent(apiUrl: string, clusterId: string, extra: Record<string, string> = {}) {
  return startAgentProcess({
    AIOS_API_URL: apiUrl,
    AIOS_CLUSTER_ID: clusterId,
    AIOS_NODE_ID: `${clusterId}-node`,
    AIOS_QUEUE_URL: process.env.AIOS_TEST_REDIS_URL ?? "",
    ...extra,
  });
}

/** Applies every document of an examples/specs file through the Parser. */
export async function applyExamples(
  apply: (document: unknown) => Promise<unknown>,
  file: "components.json" | "policies.json",
): Promise<void> {
  for (const { document } of loadSpecFile(resolve(root, "examples/specs", file))) await apply(document);
}
