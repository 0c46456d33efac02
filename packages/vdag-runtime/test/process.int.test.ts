import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeExecutor, makeConfig, makePlan, post, startFakeExecutor } from "./fake-executor";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = "packages/vdag-runtime/src/main.ts";
const TOKEN = "process-test-control-token";
const DATA_TOKEN = "process-test-data-token";
const dataBearer = { authorization: `Bearer ${DATA_TOKEN}` };
const children: ChildProcess[] = [];
const executors: FakeExecutor[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await Promise.all(executors.splice(0).map((e) => e.stop()));
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

describe("controller process (node --import tsx src/main.ts)", () => {
  it("serves a request, finishes the one in flight on SIGTERM and exits 0", { timeout: 30_000 }, async () => {
    const a = await startFakeExecutor("blk-a");
    const b = await startFakeExecutor("blk-b", () => ({ delayMs: 300 }));
    executors.push(a, b);
    const plan = makePlan("test/proc:1.0.0", {
      a: { blockId: a.blockId, endpoint: a.endpoint, next: ["b"] },
      b: { blockId: b.blockId, endpoint: b.endpoint },
    });
    const port = await findFreePort();
    const proc = start({
      PORT: String(port),
      AIOS_VDAG_CONTROLLER: JSON.stringify(makeConfig(plan)),
      AIOS_CONTROL_TOKEN: TOKEN,
      AIOS_DATA_TOKEN: DATA_TOKEN,
    });
    await waitForPort(port, 20_000);
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/config`)).status).toBe(401);
    const config = await fetch(`${url}/config`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(config.status).toBe(200);
    // /v1/infer takes the controller's data token only.
    expect((await post(`${url}/v1/infer`, { data: { x: 1 } })).status).toBe(401);
    const r = await post(`${url}/v1/infer`, { data: { x: 1 } }, dataBearer);
    expect(r.status).toBe(200);
    expect(r.body.packet.data).toEqual({ x: 1, trail: ["blk-a", "blk-b"] });

    const pending = post(`${url}/v1/infer`, { data: { last: true } }, dataBearer);
    await new Promise((res) => setTimeout(res, 100));
    proc.child.kill("SIGTERM");
    const last = await pending;
    expect(last.status).toBe(200);
    expect(last.body.packet.data.trail).toEqual(["blk-a", "blk-b"]);
    expect(await proc.exited).toBe(0);
  });

  it("refuses to start without AIOS_CONTROL_TOKEN or AIOS_DATA_TOKEN, and with an opt-out off loopback", {
    timeout: 30_000,
  }, async () => {
    const env = {
      PORT: "1",
      AIOS_VDAG_CONTROLLER: JSON.stringify(
        makeConfig(makePlan("test/x:1.0.0", { a: { blockId: "blk-a", endpoint: "http://127.0.0.1:1" } })),
      ),
    };
    const without = start(env);
    expect(await without.exited).toBe(1);
    expect(without.stderr()).toContain("AIOS_CONTROL_TOKEN is required");
    const open = start({ ...env, AIOS_CONTROL_TOKEN: "none", AIOS_DATA_TOKEN: DATA_TOKEN, HOST: "0.0.0.0" });
    expect(await open.exited).toBe(1);
    expect(open.stderr()).toContain(
      "AIOS_CONTROL_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0",
    );
    const noData = start({ ...env, AIOS_CONTROL_TOKEN: TOKEN });
    expect(await noData.exited).toBe(1);
    expect(noData.stderr()).toContain("AIOS_DATA_TOKEN is required");
    const openData = start({ ...env, AIOS_CONTROL_TOKEN: TOKEN, AIOS_DATA_TOKEN: "none", HOST: "0.0.0.0" });
    expect(await openData.exited).toBe(1);
    expect(openData.stderr()).toContain(
      "AIOS_DATA_TOKEN=none is only allowed on a loopback HOST, not 0.0.0.0",
    );
  });

  it("exits 1 with a clear message on a bad environment", { timeout: 30_000 }, async () => {
    const bad = start({ PORT: "1", AIOS_VDAG_CONTROLLER: JSON.stringify({ controllerId: "x" }) });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toContain("vdag controller: invalid environment");
    expect(bad.stderr()).toContain("AIOS_VDAG_CONTROLLER.vdagURI");
    const notJson = start({ PORT: "1", AIOS_VDAG_CONTROLLER: "{" });
    expect(await notJson.exited).toBe(1);
    expect(notJson.stderr()).toContain("AIOS_VDAG_CONTROLLER is not JSON");
  });
});
