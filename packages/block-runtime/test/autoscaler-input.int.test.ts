import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeInstance, getJson, infer, startFakeInstance, waitFor } from "./fake-instance";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const children: ChildProcess[] = [];
const instances: FakeInstance[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});

/** The executor as a real process (no tokens: loopback), with `fakes` as its instances. */
async function executorProcess(block: Record<string, unknown>, fakes: FakeInstance[]) {
  const port = await findFreePort();
  const child = spawn(process.execPath, ["--import", "tsx", "packages/block-runtime/src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      BLOCK_ID: String(block.id),
      AIOS_BLOCK: JSON.stringify(block),
      AIOS_INSTANCES: JSON.stringify(fakes.map((i) => ({ id: i.id, endpoint: i.endpoint }))),
      AIOS_CONTROL_TOKEN: "none",
      AIOS_DATA_TOKEN: "none",
    },
    stdio: ["ignore", "ignore", "ignore"],
  });
  children.push(child);
  await waitForPort(port, 20_000);
  return `http://127.0.0.1:${port}`;
}

type Metrics = { inFlight: number; waiting: number; queueLength: number; avgInFlight: number };
const metricsOf = async (url: string): Promise<Metrics | null> =>
  (await getJson(`${url}/status`)).autoscaler.metrics;

describe("the autoscaler's input under concurrent load (executor process)", () => {
  it("counts requests waiting in the executor for an instance, which are at no instance", async () => {
    const fake = await startFakeInstance("w1");
    fake.healthy = false; // it stays `starting`: tasks wait for it in the executor
    instances.push(fake);
    const url = await executorProcess(
      {
        id: "blk-wait",
        minInstances: 1,
        maxInstances: 4,
        initSettings: { autoscalerIntervalSeconds: 0.1, healthCheckInterval: 0.1, healthyWaitMs: 60_000 },
      },
      [fake],
    );
    const tasks = Array.from({ length: 6 }, () => infer(url));
    // Before: every in-flight figure of an instance is 0 while the 6 wait.
    const seen = (await waitFor(
      async () => {
        const m = await metricsOf(url);
        return m && m.waiting === 6 ? m : undefined;
      },
      20_000,
      "6 waiting requests in the autoscaler's input",
    )) as Metrics;
    expect(seen).toMatchObject({ inFlight: 6, waiting: 6, queueLength: 6 });
    expect(seen.avgInFlight).toBeGreaterThan(0);
    fake.healthy = true;
    expect((await Promise.all(tasks)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const after = await waitFor(
      async () => {
        const m = await metricsOf(url);
        return m && m.inFlight === 0 ? m : undefined;
      },
      20_000,
      "nothing in flight",
    );
    expect(after).toMatchObject({ waiting: 0, queueLength: 0 });
  });

  it("averages requests in flight at instances over its interval and scales out when they wait", async () => {
    const fake = await startFakeInstance("s1", { delayMs: 200 });
    instances.push(fake);
    // Each task takes longer than an interval: counted for the time it runs, not when it ends.
    const url = await executorProcess(
      {
        id: "blk-scale",
        minInstances: 1,
        maxInstances: 3,
        initSettings: {
          autoscalerIntervalSeconds: 0.05,
          autoscalerCooldownSeconds: 600,
          targetInFlightPerInstance: 2,
          healthCheckInterval: 0.1,
        },
      },
      [fake],
    );
    await waitFor(async () => (await fetch(`${url}/health`)).status === 200, 20_000, "executor healthy");
    let loading = true;
    const caller = async () => {
      while (loading) expect((await infer(url)).status).toBe(200);
    };
    const callers = Array.from({ length: 8 }, caller);
    try {
      const seen = (await waitFor(
        async () => {
          const m = await metricsOf(url);
          return m && m.queueLength > 0 && m.avgInFlight > 2 ? m : undefined;
        },
        20_000,
        "requests waiting at the instance in the autoscaler's input",
      )) as Metrics;
      expect(seen.inFlight).toBeGreaterThan(1);
      const desired = await waitFor(
        async () => {
          const d = await getJson(`${url}/desired`);
          return d.scaleTo > 1 ? d : undefined;
        },
        20_000,
        "a scale-out",
      );
      expect(desired.scaleTo).toBe(3);
    } finally {
      loading = false;
      await Promise.all(callers);
    }
  });
});
