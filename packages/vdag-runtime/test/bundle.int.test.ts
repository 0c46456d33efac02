import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controllerEntry } from "../src";
import { type FakeExecutor, makeConfig, makePlan, post, startFakeExecutor } from "./fake-executor";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const BUNDLE = `${PACKAGE_DIR}dist/main.mjs`;

describe("controller bundle (dist/main.mjs)", () => {
  const executors: FakeExecutor[] = [];
  let controller: ChildProcess | undefined;
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], { cwd: PACKAGE_DIR, stdio: "pipe" });
  });
  afterAll(async () => {
    controller?.kill("SIGKILL");
    await Promise.all(executors.map((e) => e.stop()));
  });

  it("is what controllerEntry() gives the agent, right after a build", () => {
    expect(controllerEntry()).toBe(BUNDLE);
  });

  it("runs with plain node and walks its plan", async () => {
    const a = await startFakeExecutor("blk-a");
    const b = await startFakeExecutor("blk-b");
    executors.push(a, b);
    const plan = makePlan("test/bundle:1.0.0", {
      a: { blockId: a.blockId, endpoint: a.endpoint, next: ["b"] },
      b: { blockId: b.blockId, endpoint: b.endpoint },
    });
    const port = await findFreePort();
    controller = spawn(process.execPath, [BUNDLE], {
      cwd: "/",
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        AIOS_VDAG_CONTROLLER: JSON.stringify(makeConfig(plan)),
        AIOS_CONTROL_TOKEN: "none",
        AIOS_DATA_TOKEN: "none",
      },
      stdio: "ignore",
    });
    await waitForPort(port, 20_000);
    const r = await post(`http://127.0.0.1:${port}/v1/infer`, { data: { x: 1 } });
    expect(r.status).toBe(200);
    expect(r.body.packet.data).toEqual({ x: 1, trail: ["blk-a", "blk-b"] });
  });
});
