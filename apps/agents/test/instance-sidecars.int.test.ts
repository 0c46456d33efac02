import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TInstanceInitContainer, TInstanceSidecar } from "@aios/contracts";
import { processesOfHome } from "@aios/service-kit";
import { afterAll, describe, expect, it } from "vitest";
import type { Workload, WorkloadSpec } from "../src/drivers/driver";
import { createProcessDriver } from "../src/drivers/process-driver";

/**
 * An instance with an init container and a side-car on the process driver, all real processes:
 * the greeter example (examples/components/greeter-with-sidecar) reads what its init container
 * wrote into their shared folder and calls its side-car on the port it was told.
 */
const repoRoot = resolve(import.meta.dirname, "../../..");
const stateDir = mkdtempSync(join(tmpdir(), "aios-sidecars-"));
const homes = join(stateDir, "workload-homes");
const driver = createProcessDriver({ repoRoot, stateDir });
const dir = "examples/components/greeter-with-sidecar";

const prepare = (env: Record<string, string> = {}): TInstanceInitContainer => ({
  name: "prepare",
  entry: `${dir}/prepare.ts`,
  env: { GREETING: "bonjour", ...env },
});
const stamp: TInstanceSidecar = {
  name: "stamp",
  entry: `${dir}/stamp-server.ts`,
  ports: [{ name: "stamp" }],
};

const instanceSpec = (name: string, more: Partial<WorkloadSpec>): WorkloadSpec => {
  const [blockId, instanceId] = [name.slice(0, -8), name.slice(-7)];
  const initData = { blockId, instanceId, componentURI: "model.greeter:1.0.0-stable", parameters: {} };
  return {
    name,
    kind: "instance",
    entry: `${dir}/index.ts`,
    env: { BLOCK_ID: blockId, INSTANCE_ID: instanceId, AIOS_INIT_DATA: JSON.stringify(initData) },
    gpus: [],
    dataToken: "data-token-of-the-greeter-instance-0123456789ab",
    controlToken: "control-token-of-the-greeter-instance-0123456",
    ...more,
  };
};

const infer = async (w: Workload, name: string) => {
  const res = await fetch(`${w.endpoint}/infer`, {
    method: "POST",
    headers: { authorization: `Bearer ${w.dataToken}` },
    body: JSON.stringify({ packet: { session_id: "s", seq_no: 0, ts: 1, data: { name } } }),
  });
  return { status: res.status, body: (await res.json()) as { packet?: { data: Record<string, unknown> } } };
};

/** The processes running in the homes of this driver's workloads (instances and companions). */
const leftover = () => processesOfHome(homes);

afterAll(() => {
  for (const p of leftover()) process.kill(p.pid, "SIGKILL");
});

describe("an instance's init containers and side-cars (process driver)", { timeout: 90_000 }, () => {
  it("runs the init container first, then the instance beside its side-car, sharing a folder and told the ports", async () => {
    const w = await driver.start(
      instanceSpec("greet-in-aaaa", { initContainers: [prepare()], sidecars: [stamp] }),
    );
    try {
      await expect
        .poll(async () => (await infer(w, "Ada")).body.packet?.data, { timeout: 20_000 })
        .toMatchObject({ greeting: "bonjour", name: "Ada", stamp: 1 });
      const second = (await infer(w, "Ada")).body.packet?.data as { stamp: number; instancePort: number };
      expect(second.stamp).toBe(2);
      // The side-car was told the instance's port, the instance the side-car's.
      expect(`http://127.0.0.1:${second.instancePort}`).toBe(w.endpoint);
      expect(w.logs(20, "prepare").join("\n")).toContain('wrote greeting "bonjour"');
      expect(w.logs(20, "stamp").join("\n")).toContain("stamp side-car listening");
      // Each companion runs in a session of its own, in the instance's home, without its tokens.
      const record = JSON.parse(readFileSync(join(stateDir, "workloads", "greet-in-aaaa.json"), "utf8")) as {
        sidecars: Array<{ name: string; pid: number }>;
      };
      const sidecarPid = record.sidecars[0]?.pid as number;
      const environ = readFileSync(`/proc/${sidecarPid}/environ`, "utf8").split("\0");
      expect(environ).toContain(`AIOS_WORK_DIR=${join(homes, "homes", "greet-in-aaaa")}`);
      expect(environ.some((e) => e.startsWith("AIOS_SIDECAR_PORT_STAMP="))).toBe(true);
      expect(environ.some((e) => e.includes("token-of-the-greeter"))).toBe(false);
      expect(environ).toContain("BLOCK_ID=greet");
    } finally {
      await w.stop();
    }
    expect(leftover()).toEqual([]);
  });

  it("fails the start when an init container fails: its name, exit code and last lines; nothing left running", async () => {
    const start = driver.start(
      instanceSpec("greet-in-bbbb", { initContainers: [prepare({ FAIL_WITH: "3" })], sidecars: [stamp] }),
    );
    await expect(start).rejects.toThrow(
      /greet-in-bbbb: init container prepare exited \(3\): .*prepare: told to fail with 3/,
    );
    expect(existsSync(join(stateDir, "workloads", "greet-in-bbbb.json"))).toBe(false);
    expect(leftover()).toEqual([]);
  });

  it("ends the instance with its side-car: a killed side-car takes the instance down, named in how it ended", async () => {
    const w = await driver.start(
      instanceSpec("greet-in-cccc", { initContainers: [prepare()], sidecars: [stamp] }),
    );
    const record = JSON.parse(readFileSync(join(stateDir, "workloads", "greet-in-cccc.json"), "utf8")) as {
      sidecars: Array<{ pid: number }>;
    };
    process.kill(record.sidecars[0]?.pid as number, "SIGKILL");
    expect(await w.exited).toEqual({ code: null, signal: "SIGKILL", sidecar: "stamp" });
    // The instance went with it: no orphan keeps its port.
    await expect(fetch(w.endpoint)).rejects.toThrow();
    await w.stop();
    expect(leftover()).toEqual([]);
  });

  it("stops the side-cars when the instance ends, and a restarted agent adopts the instance with them", async () => {
    const w = await driver.start(
      instanceSpec("greet-in-dddd", { initContainers: [prepare()], sidecars: [stamp] }),
    );
    const adopted = createProcessDriver({ repoRoot, stateDir }).adopt("greet-in-dddd");
    expect(adopted?.endpoint).toBe(w.endpoint);
    process.kill(w.pid as number, "SIGKILL");
    // Its side-cars go with it (both drivers watch here: either may have seen its end first).
    await adopted?.exited;
    await expect.poll(() => leftover().length, { timeout: 10_000 }).toBe(0);
    await adopted?.stop();
    await w.stop();
  });

  it("refuses a companion whose entry leaves the component directory, naming the field", async () => {
    await expect(
      driver.start(instanceSpec("greet-in-eeee", { sidecars: [{ ...stamp, entry: "../outside.ts" }] })),
    ).rejects.toThrow(/runtime\.sidecars\[0\]\.entry "\.\.\/outside\.ts" must not contain a '\.\.' segment/);
  });
});
