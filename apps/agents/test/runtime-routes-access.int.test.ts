import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createExecutor } from "@aios/block-runtime";
import { createLogger, findFreePort, waitForPort } from "@aios/service-kit";
import { createVdagController } from "@aios/vdag-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig, makePlan } from "../../../packages/vdag-runtime/test/fake-executor";
import { RUNTIME_ROUTE_RULES } from "../../api/src/auth/access-matrix";

// Every route of every runtime, as the access matrix declares it, called over real HTTP on a real
// instance process, function replica process, executor and vDAG controller: a control route
// without the workload's control token answers 401 naming the route, and passes with it; a
// `workload-data` route likewise with the workload's data token (the control token does not open
// it); probes answer without one.

const ROOT = resolve(import.meta.dirname, "../../..");
const TOKEN = "control-token-of-the-route-matrix-test";
const DATA_TOKEN = "data-token-of-the-route-matrix-test";
const log = createLogger({ test: "runtime-routes-access" }, { write: () => {} });

const children: ChildProcess[] = [];
const closers: Array<() => Promise<unknown>> = [];
const urls: Record<string, string> = {};

/** Starts `node --import tsx <entry>` with `env` on a free port; its URL once it listens. */
async function spawnRuntime(entry: string, env: Record<string, string>): Promise<string> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: "ignore",
  });
  children.push(child);
  await waitForPort(port, 30_000);
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  const initData = { blockId: "rr-blk", instanceId: "in-rr01", componentURI: "model.echo:1.0.0-stable" };
  const counter = readFileSync(resolve(ROOT, "examples/policies/counter.ts"), "utf8");
  const [instance, functionReplica] = await Promise.all([
    spawnRuntime("examples/components/echo/index.ts", {
      BLOCK_ID: initData.blockId,
      INSTANCE_ID: initData.instanceId,
      AIOS_INIT_DATA: JSON.stringify(initData),
      AIOS_CONTROL_TOKEN: TOKEN,
      AIOS_DATA_TOKEN: DATA_TOKEN,
    }),
    spawnRuntime("apps/agents/src/functions/replica-main.ts", {
      AIOS_FUNCTION_NAME: "rr-tally",
      AIOS_FUNCTION_SOURCE: JSON.stringify({ code: counter, settings: {}, parameters: {} }),
      AIOS_REPLICA_INDEX: "0",
      AIOS_CONTROL_TOKEN: TOKEN,
      AIOS_DATA_TOKEN: DATA_TOKEN,
    }),
  ]);
  const executor = await createExecutor({
    block: { id: "rr-blk", blockComponentURI: "model.echo:1.0.0-stable", minInstances: 1, maxInstances: 2 },
    log,
    loops: false,
    controlToken: TOKEN,
    dataToken: DATA_TOKEN,
  });
  closers.push(() => executor.close(1000));
  const plan = makePlan("rr-vdag:1.0.0-stable", {
    a: { blockId: "rr-blk", endpoint: "http://127.0.0.1:1" },
  });
  const controller = await createVdagController({
    config: makeConfig(plan),
    log,
    healthLoop: false,
    controlToken: TOKEN,
    dataToken: DATA_TOKEN,
  });
  closers.push(() => controller.close(1000));
  Object.assign(urls, { instance, functionReplica, executor: executor.url, vdagController: controller.url });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(closers.map((close) => close()));
});

/** A route key (`"POST /quota/reset/:session"`) as a request: its method and a concrete path. */
const requestOf = (route: string) => {
  const [method = "GET", pattern = "/"] = route.split(" ");
  return { method, path: pattern.replace(/:[^/]+/g, "rr-x") };
};

async function call(runtime: string, route: string, token?: string) {
  const { method, path } = requestOf(route);
  const res = await fetch(`${urls[runtime]}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
  });
  const text = await res.text();
  return { status: res.status, text, route: `${method} ${path}` };
}

describe.each(Object.keys(RUNTIME_ROUTE_RULES))("the %s's routes", (runtime) => {
  const rules = Object.entries(RUNTIME_ROUTE_RULES[runtime] ?? {});
  const control = rules.filter(([, rule]) => rule === "control").map(([route]) => route);
  const workloadData = rules.filter(([, rule]) => rule === "workload-data").map(([route]) => route);
  const open = rules.filter(([, rule]) => rule === "probe").map(([route]) => route);

  it("answer 401 naming the route on a control route without the control token, or with another", async () => {
    for (const route of control) {
      for (const token of [undefined, "not-the-control-token"]) {
        const r = await call(runtime, route, token);
        expect([r.route, r.status]).toEqual([r.route, 401]);
        expect(JSON.parse(r.text)).toMatchObject({
          error: { stage: "auth", message: expect.stringContaining(`${r.route}: `) },
        });
      }
    }
  });

  it("let a control route's caller with the control token through", async () => {
    for (const route of control) {
      const r = await call(runtime, route, TOKEN);
      expect([r.route, r.status === 401, r.text]).toEqual([r.route, false, r.text]);
    }
  });

  it("answer 401 naming the route on a workload-data route without the data token, with another, or with the control token", async () => {
    for (const route of workloadData) {
      for (const token of [undefined, "not-the-data-token-at-all", TOKEN]) {
        const r = await call(runtime, route, token);
        expect([r.route, r.status]).toEqual([r.route, 401]);
        expect(JSON.parse(r.text)).toMatchObject({
          error: { stage: "auth", message: expect.stringContaining(`${r.route}: `) },
        });
      }
    }
  });

  it("let a workload-data route's caller with the data token through", async () => {
    for (const route of workloadData) {
      const r = await call(runtime, route, DATA_TOKEN);
      expect([r.route, r.status === 401, r.text]).toEqual([r.route, false, r.text]);
    }
  });

  it("serve probes without a token", async () => {
    for (const route of open) {
      const r = await call(runtime, route);
      expect([r.route, r.status === 401, r.text]).toEqual([r.route, false, r.text]);
    }
  });
});

describe("the acceptance checks", () => {
  it("an unauthenticated POST to an instance's /mgmt answers 401; with its token it passes", async () => {
    const command = JSON.stringify({ action: "fail", data: { failing: false } });
    const anonymous = await fetch(`${urls.instance}/mgmt`, { method: "POST", body: command });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="aios-control"');
    const allowed = await fetch(`${urls.instance}/mgmt`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: command,
    });
    expect(allowed.status).toBe(200);
  });

  it("an unauthenticated quota reset on a vDAG controller answers 401; with its token it passes", async () => {
    const anonymous = await fetch(`${urls.vdagController}/quota/reset/rr-session`, { method: "POST" });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      error: { stage: "auth", message: expect.stringMatching(/^POST \/quota\/reset\/rr-session: /) },
    });
    const allowed = await fetch(`${urls.vdagController}/quota/reset/rr-session`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    // An unknown session: the route ran and said so.
    expect([allowed.status, await allowed.json()]).toEqual([
      404,
      { error: { stage: "quota", message: "no session rr-session" } },
    ]);
  });
});
