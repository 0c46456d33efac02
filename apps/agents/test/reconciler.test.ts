import { describe, expect, it } from "vitest";
import type { Driver, Workload } from "../src/drivers/driver";
import { type Queued, Reconciler } from "../src/reconciler";

/** A driver whose workloads are records in a map: started, listed, adopted and stopped. */
function fakeDriver() {
  const running = new Map<string, Workload>();
  const workload = (name: string): Workload =>
    ({
      name,
      labels: {},
      endpoint: `http://127.0.0.1/${name}`,
      exited: new Promise(() => {}),
      logs: () => [],
      stop: async () => {
        running.delete(name);
      },
    }) as unknown as Workload;
  const driver = {
    name: "fake",
    start: async (spec: { name: string }) => {
      const w = workload(spec.name);
      running.set(spec.name, w);
      return w;
    },
    list: () => [...running.keys()],
    adopt: (name: string) => running.get(name) ?? null,
    runJob: async () => ({ code: 0 }),
  } as unknown as Driver;
  return { driver, running };
}

interface Host extends Queued {
  workloads: Workload[];
}

function reconciler(driver: Driver, startDelayMs: number) {
  return new Reconciler<Host>({
    driver,
    newHost: () => ({ workloads: [] }),
    // Deploying takes a while (the executor must answer first) before the host knows its workload.
    reconcile: async (id, host) => {
      await new Promise((r) => setTimeout(r, startDelayMs));
      host.workloads.push(
        await driver.start({ name: `${id}-executor`, kind: "executor", entry: "x", env: {}, gpus: [] }),
      );
    },
    tick: async () => {},
    wanted: async () => [],
    ownerOf: (name) => (name.endsWith("-executor") ? name.slice(0, -"-executor".length) : null),
    stop: async (host) => {
      await Promise.all(host.workloads.map((w) => w.stop()));
    },
    failed: () => {},
  });
}

describe("Reconciler.stopAll", () => {
  it("stops a process that was still being started when the agent went down", async () => {
    const { driver, running } = fakeDriver();
    const r = reconciler(driver, 50);
    const deploying = r.reconcile("blk-a");
    await new Promise((res) => setTimeout(res, 10)); // the start is under way, the host knows nothing yet
    await r.stopAll();
    await deploying;
    expect(running.size).toBe(0);
  });

  it("stops what a start left behind even when the start outlasts the wait", async () => {
    const { driver, running } = fakeDriver();
    const r = reconciler(driver, 0);
    // A workload of this kind with a record but no host (its start finished after the wait).
    await driver.start({ name: "blk-b-executor", kind: "executor", entry: "x", env: {}, gpus: [] });
    await driver.start({ name: "someone-else", kind: "executor", entry: "x", env: {}, gpus: [] });
    await r.stopAll(0);
    expect([...running.keys()]).toEqual(["someone-else"]);
  });

  it("starts no new work once stopping", async () => {
    const { driver, running } = fakeDriver();
    const r = reconciler(driver, 0);
    await r.stopAll();
    await r.reconcile("blk-c");
    expect(running.size).toBe(0);
  });
});

describe("Reconciler.tick", () => {
  it("reports a failed tick and never rejects, so a tick fired and forgotten cannot end the agent", async () => {
    const { driver } = fakeDriver();
    const failures: string[] = [];
    const r = new Reconciler<Host>({
      driver,
      newHost: () => ({ workloads: [] }),
      reconcile: async () => {},
      tick: async () => {
        throw new Error("fetch failed (the API is down)");
      },
      wanted: async () => [],
      ownerOf: () => null,
      stop: async () => {},
      failed: (id, err) => failures.push(`${id}: ${err.message}`),
    });
    await expect(r.tick("vdc-a")).resolves.toBeUndefined();
    await r.tick("vdc-a"); // the next tick runs: the failure did not leave it marked as ticking
    expect(failures).toEqual([
      "vdc-a: fetch failed (the API is down)",
      "vdc-a: fetch failed (the API is down)",
    ]);
  });
});
