import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ApiClient } from "@aios/client";
import type { TFunctionReplica } from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessDriver } from "../src/drivers/process-driver";
import { createWorkloadIdentity } from "../src/drivers/workload-user";
import { createFunctionSupervisor } from "../src/functions/supervisor";

// Function replicas as the agent's function supervisor starts them: what their processes hold.

const counter = readFileSync(resolve(import.meta.dirname, "../../../examples/policies/counter.ts"), "utf8");
const SECRETS = {
  AIOS_AGENT_TOKEN: "agent-token-kept-from-replicas",
  AIOS_QUEUE_URL: "redis://127.0.0.1:6397/0",
};

/** The two calls the supervisor makes of the API, answered for one function with one replica. */
type Reported = TFunctionReplica & { dataToken?: string };

function fakeApi(reported: Reported[][]): ApiClient {
  const desiredFunction = async () => ({
    name: "tally",
    policyRuleURI: "policy.counter:1.0.0-stable",
    replicas: 1,
    source: { code: counter, settings: {}, parameters: {} },
  });
  const reportFunction = async (r: { replicas: Reported[] }) => void reported.push(r.replicas);
  return {
    agents: {
      work: { desiredFunction: { query: desiredFunction }, reportFunction: { mutate: reportFunction } },
    },
  } as unknown as ApiClient;
}

describe("a function replica started by the agent", () => {
  const saved = { ...process.env };
  const reported: Reported[][] = [];
  const home = mkdtempSync(join(tmpdir(), "aios-replica-home-"));
  const aliveFile = join(home, "agent.alive");
  const workloadsDir = mkdtempSync(join(tmpdir(), "aios-replica-workloads-"));
  chmodSync(workloadsDir, 0o755); // anyone may pass through, as the parent of AIOS_WORKLOAD_DIR
  // As root, replicas get uids of their own from a range (this one the test's alone).
  const uids = process.getuid?.() === 0 ? { first: 2_095_000, last: 2_095_999 } : null;
  const driver = createProcessDriver({
    repoRoot: resolve(import.meta.dirname, "../../.."),
    stateDir: home,
    aliveFile,
    orphanGraceSeconds: 60,
    workloads: createWorkloadIdentity({ dir: join(workloadsDir, "local"), user: null, uids }),
  });
  const supervisor = createFunctionSupervisor({
    api: fakeApi(reported),
    driver,
    log: createLogger({ service: "replica-test" }, { level: "error" }),
    limits: { cpuTimeMs: 500, memoryMb: 64 },
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
    expect(environ).toMatch(new RegExp(`\0HOME=${workloadsDir}/local/homes/tally-function-0\0`));
  });

  it("reports its data token with its endpoint, and takes an invoke with that token only", async () => {
    const ready = reported.at(-1)?.find((r) => r.status === "ready");
    expect(ready?.dataToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    expect(environ).toContain(`\0AIOS_DATA_TOKEN=${ready?.dataToken}\0`);
    const invoke = (headers: Record<string, string>) =>
      fetch(`${ready?.endpoint}/invoke`, {
        method: "POST",
        headers,
        body: JSON.stringify({ input: { key: "k" } }),
      });
    expect((await invoke({})).status).toBe(401);
    expect((await invoke({ authorization: `Bearer ${ready?.dataToken}` })).status).toBe(200);
  });

  it("keeps its output in a log of its own", () => {
    const log = readFileSync(join(home, "logs", "tally-function-0.log"), "utf8");
    expect(log).toMatch(/"msg":"replica ready"/);
  });

  it.runIf(uids)(
    "runs as a uid of its own from the range when the agent is root, its home that uid's",
    () => {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
      expect(uid).toBeGreaterThanOrEqual(uids?.first ?? 1);
      expect(uid).toBeLessThanOrEqual(uids?.last ?? 0);
      const home = /\0HOME=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, "utf8"))?.[1] ?? "";
      expect([statSync(home).uid, statSync(home).mode & 0o777]).toEqual([uid, 0o700]);
      expect(readFileSync(`/proc/${pid}/environ`, "utf8")).toContain(`\0TMPDIR=${home}/tmp\0`);
    },
  );
});
