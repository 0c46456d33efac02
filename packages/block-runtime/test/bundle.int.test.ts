import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executorEntry } from "../src";
import { type FakeInstance, getJson, infer, startFakeInstance, waitFor } from "./fake-instance";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const BUNDLE = `${PACKAGE_DIR}dist/main.mjs`;
const SECOND = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input) { return { instanceId: input.instances[1].id }; },
});`;

/** Command lines of the processes whose parent is `pid`. */
function childrenOf(pid: number): string[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === pid ? [readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ")] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

describe("executor bundle (dist/main.mjs)", () => {
  const instances: FakeInstance[] = [];
  let executor: ChildProcess | undefined;
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], { cwd: PACKAGE_DIR, stdio: "pipe" });
  });
  afterAll(async () => {
    executor?.kill("SIGKILL");
    await Promise.all(instances.map((i) => i.stop()));
  });

  it("is what executorEntry() gives the agent, right after a build", () => {
    expect(executorEntry()).toBe(BUNDLE);
  });

  it("runs with plain node: serves tasks with its loadBalancer policy in the bundled sandbox child", async () => {
    instances.push(await startFakeInstance("i1"), await startFakeInstance("i2"));
    const port = await findFreePort();
    const block = {
      id: "blk-bundle",
      minInstances: 1,
      maxInstances: 2,
      initSettings: { healthCheckInterval: 0.2 },
      policies: { loadBalancer: { policyRuleURI: "test.second", code: SECOND } },
    };
    executor = spawn(process.execPath, ["--no-node-snapshot", BUNDLE], {
      cwd: "/",
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        BLOCK_ID: block.id,
        AIOS_BLOCK: JSON.stringify(block),
        AIOS_INSTANCES: JSON.stringify(instances.map((i) => ({ id: i.id, endpoint: i.endpoint }))),
        AIOS_CONTROL_TOKEN: "none",
        AIOS_DATA_TOKEN: "none",
      },
      stdio: "ignore",
    });
    await waitForPort(port, 20_000);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health`)).status === 200, 5000, "executor healthy");

    const results = await Promise.all(Array.from({ length: 6 }, () => infer(url)));
    expect(results.map((r) => [r.status, r.instanceId])).toEqual(Array(6).fill([200, "i2"]));
    expect((await getJson(`${url}/status`)).loadBalancer).toEqual({
      policy: "test.second",
      policyErrors: 0,
      lastPolicyError: null,
    });
    // Its children: the sandbox child, bundled too, and esbuild's service (policies compile).
    const children = childrenOf(executor.pid ?? -1);
    expect(children.filter((c) => c.includes("dist/policy-sandbox-child.mjs"))).toHaveLength(1);
    expect(children.filter((c) => c.includes("tsx"))).toEqual([]);
  });
});
