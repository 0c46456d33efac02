import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ApiClient } from "@aios/client";
import type { TFunctionReplica } from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkloadIdentity, workloadUserOf } from "../src/drivers/workload-user";
import { createFunctionSupervisor } from "../src/functions/supervisor";

// Function replicas as the agent's function supervisor starts them: what their processes hold.

const counter = readFileSync(resolve(import.meta.dirname, "../../../examples/policies/counter.ts"), "utf8");
const SECRETS = {
  AIOS_AGENT_TOKEN: "agent-token-kept-from-replicas",
  AIOS_QUEUE_URL: "redis://127.0.0.1:6397/0",
};

/** The two calls the supervisor makes of the API, answered for one function with one replica. */
function fakeApi(reported: TFunctionReplica[][]): ApiClient {
  const desiredFunction = async () => ({
    name: "tally",
    policyRuleURI: "policy.counter:1.0.0-stable",
    replicas: 1,
    source: { code: counter, settings: {}, parameters: {} },
  });
  const reportFunction = async (r: { replicas: TFunctionReplica[] }) => void reported.push(r.replicas);
  return {
    agents: {
      work: { desiredFunction: { query: desiredFunction }, reportFunction: { mutate: reportFunction } },
    },
  } as unknown as ApiClient;
}

describe("a function replica started by the agent", () => {
  const saved = { ...process.env };
  const reported: TFunctionReplica[][] = [];
  const home = mkdtempSync(join(tmpdir(), "aios-replica-home-"));
  const aliveFile = join(home, "agent.alive");
  const workloadsDir = mkdtempSync(join(tmpdir(), "aios-replica-workloads-"));
  chmodSync(workloadsDir, 0o755); // anyone may pass through, as the parent of AIOS_WORKLOAD_DIR
  const user = workloadUserOf("nobody");
  const supervisor = createFunctionSupervisor({
    api: fakeApi(reported),
    log: createLogger({ service: "replica-test" }, { level: "error" }),
    publicHostname: "127.0.0.1",
    bindHost: "127.0.0.1",
    limits: { cpuTimeMs: 500, memoryMb: 64 },
    guard: { aliveFile, orphanGraceSeconds: 60 },
    workloads: createWorkloadIdentity({ dir: join(workloadsDir, "local"), user }),
    logsDir: join(home, "logs"),
  });
  let pid: number;

  beforeAll(async () => {
    Object.assign(process.env, SECRETS);
    mkdirSync(join(home, "tokens"), { mode: 0o700 });
    writeFileSync(join(home, "tokens", "agent"), "agent-token-file", { mode: 0o600 });
    writeFileSync(aliveFile, "");
    chmodSync(home, 0o700);
    await supervisor.reconcile("tally");
    const ready = reported.at(-1)?.find((r) => r.status === "ready");
    if (!ready?.pid) throw new Error(`no ready replica: ${JSON.stringify(reported.at(-1))}`);
    pid = ready.pid;
  });
  afterAll(async () => {
    await supervisor.stopAll();
    for (const key of Object.keys(SECRETS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("holds its own variables, not the agent's token or queue URL", () => {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    for (const value of Object.values(SECRETS)) expect(environ).not.toContain(value);
    expect(environ).not.toMatch(/AIOS_AGENT_TOKEN|AIOS_QUEUE_URL|redis:\/\/|postgres(ql)?:\/\//);
    expect(environ).toContain("\0AIOS_FUNCTION_NAME=tally\0");
    expect(environ).toContain("\0AIOS_AGENT_ALIVE_FD=3\0");
    expect(environ).toMatch(new RegExp(`\0HOME=${workloadsDir}/local/homes/function-tally-0-\\d+\0`));
  });

  it("keeps its output in a log of its own", () => {
    const log = readFileSync(join(home, "logs", "function-tally-0.log"), "utf8");
    expect(log).toMatch(/"msg":"replica ready"/);
  });

  it.runIf(user)("runs as the workload user when the agent is root", () => {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    expect(Number(uid)).toBe(user?.uid);
    expect(Number(uid)).not.toBe(0);
  });
});
