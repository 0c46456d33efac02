import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeInstance, infer, startFakeInstance, waitFor } from "./fake-instance";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = "packages/block-runtime/src/main.ts";
const TOKEN = "process-test-control-token";
const bearer = { authorization: `Bearer ${TOKEN}` };
const DATA_TOKEN = "process-test-data-token";
const dataBearer = { authorization: `Bearer ${DATA_TOKEN}` };
const children: ChildProcess[] = [];
const instances: FakeInstance[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});

function start(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: { ...process.env, AIOS_CONTROL_TOKEN: undefined, AIOS_DATA_TOKEN: undefined, ...env },
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
    const proc = start({
      PORT: String(port),
      BLOCK_ID: "blk-proc",
      AIOS_BLOCK: JSON.stringify(block),
      AIOS_CONTROL_TOKEN: TOKEN,
      AIOS_DATA_TOKEN: DATA_TOKEN,
    });
    await waitForPort(port, 20_000);
    const url = `http://127.0.0.1:${port}`;
    instances.push(
      await startFakeInstance("a", { delayMs: 300 }),
      await startFakeInstance("b", { delayMs: 300 }),
    );
    const list = JSON.stringify({ instances: instances.map((i) => ({ id: i.id, endpoint: i.endpoint })) });
    expect((await fetch(`${url}/instances`, { method: "PUT", body: list })).status).toBe(401);
    const put = await fetch(`${url}/instances`, {
      method: "PUT",
      headers: bearer,
      body: list,
    });
    expect(put.status).toBe(200);
    await waitFor(async () => (await fetch(`${url}/health`)).status === 200, 5000, "executor healthy");
    expect((await infer(url)).status).toBe(401); // /infer takes the executor's data token
    const results = await Promise.all(Array.from({ length: 4 }, () => infer(url, {}, dataBearer)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(instances.map((i) => i.hits)).toEqual([2, 2]);
    expect(await (await fetch(`${url}/desired`, { headers: bearer })).json()).toMatchObject({
      blockId: "blk-proc",
      scaleTo: 2,
      replace: [],
    });

    // A task in flight when SIGTERM arrives still gets its answer.
    const pending = infer(url, { last: true }, dataBearer);
    await new Promise((r) => setTimeout(r, 100));
    proc.child.kill("SIGTERM");
    expect((await pending).status).toBe(200);
    expect(await proc.exited).toBe(0);
  });

  it("refuses to start without AIOS_DATA_TOKEN, and with its opt-out off loopback", async () => {
    const env = {
      PORT: "1",
      BLOCK_ID: "x",
      AIOS_BLOCK: JSON.stringify({ id: "x" }),
      AIOS_CONTROL_TOKEN: TOKEN,
    };
    const without = start(env);
    expect(await without.exited).toBe(1);
    expect(without.stderr()).toContain("AIOS_DATA_TOKEN is required");
    const open = start({ ...env, AIOS_DATA_TOKEN: "none", HOST: "0.0.0.0" });
    expect(await open.exited).toBe(1);
    expect(open.stderr()).toContain("AIOS_DATA_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0");
  });

  it("refuses to start without AIOS_CONTROL_TOKEN, and with the opt-out off loopback", async () => {
    const env = {
      PORT: "1",
      BLOCK_ID: "x",
      AIOS_BLOCK: JSON.stringify({ id: "x" }),
      AIOS_DATA_TOKEN: "none",
    };
    const without = start(env);
    expect(await without.exited).toBe(1);
    expect(without.stderr()).toContain("AIOS_CONTROL_TOKEN is required");
    const short = start({ ...env, AIOS_CONTROL_TOKEN: "short" });
    expect(await short.exited).toBe(1);
    expect(short.stderr()).toContain("AIOS_CONTROL_TOKEN must be at least 16 characters");
    const open = start({ ...env, AIOS_CONTROL_TOKEN: "none", HOST: "0.0.0.0" });
    expect(await open.exited).toBe(1);
    expect(open.stderr()).toContain(
      "AIOS_CONTROL_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0",
    );
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
