import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeInstance, getJson, infer, startFakeInstance, waitFor } from "./fake-instance";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = "packages/block-runtime/src/main.ts";
const children: ChildProcess[] = [];
const instances: FakeInstance[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (c) => (stderr += c));
  child.stdout?.resume();
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}

describe("executor process (node --import tsx src/main.ts)", () => {
  it("takes instances by PUT /instances, serves tasks, drains on SIGTERM and exits 0", async () => {
    const port = await findFreePort();
    const block = {
      id: "blk-proc",
      minInstances: 1,
      maxInstances: 2,
      initSettings: { healthCheckInterval: 0.2 },
    };
    const proc = start({ PORT: String(port), BLOCK_ID: "blk-proc", AIOS_BLOCK: JSON.stringify(block) });
    await waitForPort(port, 20_000);
    const url = `http://127.0.0.1:${port}`;
    instances.push(
      await startFakeInstance("a", { delayMs: 300 }),
      await startFakeInstance("b", { delayMs: 300 }),
    );
    const put = await fetch(`${url}/instances`, {
      method: "PUT",
      body: JSON.stringify({ instances: instances.map((i) => ({ id: i.id, endpoint: i.endpoint })) }),
    });
    expect(put.status).toBe(200);
    await waitFor(async () => (await fetch(`${url}/health`)).status === 200, 5000, "executor healthy");
    const results = await Promise.all(Array.from({ length: 4 }, () => infer(url)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(instances.map((i) => i.hits)).toEqual([2, 2]);
    expect(await getJson(`${url}/desired`)).toMatchObject({ blockId: "blk-proc", scaleTo: 2, replace: [] });

    // A task in flight when SIGTERM arrives still gets its answer.
    const pending = infer(url, { last: true });
    await new Promise((r) => setTimeout(r, 100));
    proc.child.kill("SIGTERM");
    expect((await pending).status).toBe(200);
    expect(await proc.exited).toBe(0);
  });

  it("exits 1 with a clear message on a bad AIOS_BLOCK", async () => {
    const proc = start({
      PORT: "1",
      BLOCK_ID: "x",
      AIOS_BLOCK: JSON.stringify({ id: "x", minInstances: 3, maxInstances: 1 }),
    });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toContain("AIOS_BLOCK.maxInstances: minInstances must be <= maxInstances");
    const notJson = start({ PORT: "1", BLOCK_ID: "x", AIOS_BLOCK: "{" });
    expect(await notJson.exited).toBe(1);
    expect(notJson.stderr()).toContain("AIOS_BLOCK is not JSON");
  });
});
