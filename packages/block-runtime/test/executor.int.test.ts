import { createLogger } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { checkMetrics, promtoolSkipReason } from "../../../scripts/promtool";
import { createExecutor, type Executor, type ExecutorOptions } from "../src";
import { type FakeInstance, getJson, infer, startFakeInstance, waitFor } from "./fake-instance";

const log = createLogger({ test: "executor" }, { write: () => {} });
const running: { executors: Executor[]; instances: FakeInstance[] } = { executors: [], instances: [] };

afterEach(async () => {
  await Promise.all(running.executors.splice(0).map((e) => e.close(1000)));
  await Promise.all(running.instances.splice(0).map((i) => i.stop()));
});

async function setup(n: number, opts: Partial<ExecutorOptions> & { delayMs?: number } = {}) {
  const instances = await Promise.all(
    Array.from({ length: n }, (_, i) => startFakeInstance(`i${i + 1}`, { delayMs: opts.delayMs ?? 0 })),
  );
  running.instances.push(...instances);
  const replaced: string[] = [];
  const executor = await createExecutor({
    block: { id: "blk-test", blockComponentURI: "test/echo:1.0.0", minInstances: 1, maxInstances: 4 },
    log,
    instances: instances.map((i) => ({ id: i.id, endpoint: i.endpoint })),
    replaceInstance: (id) => replaced.push(id),
    controlToken: null,
    dataToken: null,
    ...opts,
    settings: { healthCheckIntervalMs: 100, autoscaleIntervalMs: 60_000, ...opts.settings },
  });
  running.executors.push(executor);
  await waitFor(() => executor.mapper.healthy().length === n, 5000, "instances healthy");
  return { executor, instances, replaced, url: executor.url };
}

describe("executor over real HTTP", () => {
  it("spreads tasks across instances and returns their answers", async () => {
    const { url, instances } = await setup(3);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => infer(url, { n: i })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results[0]!.body.packet.data).toMatchObject({ n: 0, servedBy: results[0]!.instanceId });
    expect(instances.map((i) => i.hits)).toEqual([10, 10, 10]);
  });

  it("names its node in each answer (x-aios-node), an error's too, and none when it was given none", async () => {
    const { url } = await setup(1, { nodeId: "c2-n1" });
    expect(await infer(url)).toMatchObject({ status: 200, nodeId: "c2-n1" });
    expect(await infer(url, { fail: true })).toMatchObject({ status: 500, nodeId: "c2-n1" });
    const unnamed = await setup(1);
    expect(await infer(unnamed.url)).toMatchObject({ status: 200, nodeId: null });
  });

  it("passes an instance's error through unchanged, without retrying it", async () => {
    const { url, instances } = await setup(2);
    const r = await infer(url, { fail: true });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { message: "boom", stage: "infer", instanceId: r.instanceId } });
    expect(instances.map((i) => i.hits)).toEqual([0, 0]);
  });

  it("retries another instance when one is gone, and asks for its replacement", async () => {
    const { url, executor, instances, replaced } = await setup(3);
    await Promise.all(Array.from({ length: 6 }, () => infer(url))); // warm keep-alive sockets
    await instances[1]!.stop();
    const results = await Promise.all(Array.from({ length: 30 }, () => infer(url)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(results.some((r) => r.instanceId === "i2")).toBe(false);
    await waitFor(() => replaced.includes("i2"), 3000, "replace request");
    expect(executor.mapper.get("i2")?.state).toBe("unhealthy");
    const desired = await getJson(`${url}/desired`);
    expect(desired).toMatchObject({ blockId: "blk-test", scaleTo: 3, replace: ["i2"] });
    expect(desired.replaceReasons.i2).toBe("connection refused");
    // The agent replaced it: the request is gone.
    const fresh = await startFakeInstance("i4");
    running.instances.push(fresh);
    const put = await fetch(`${url}/instances`, {
      method: "PUT",
      body: JSON.stringify({
        instances: [instances[0], instances[2], fresh].map((i) => ({ id: i!.id, endpoint: i!.endpoint })),
      }),
    });
    expect(await put.json()).toMatchObject({ ok: true, added: ["i4"], removed: ["i2"] });
    expect((await getJson(`${url}/desired`)).replace).toEqual([]);
    await waitFor(() => executor.mapper.get("i4")?.state === "healthy", 3000, "i4 healthy");
  });

  it("holds tasks while its only instance restarts under its id (a rolling update), then serves them", async () => {
    const { url, executor, instances } = await setup(1);
    await infer(url);
    // The agent stops the old process, starts the new one (a new endpoint), and tells the executor.
    await instances[0]!.stop();
    const during = Promise.all(Array.from({ length: 5 }, (_, n) => infer(url, { n })));
    await new Promise((r) => setTimeout(r, 300));
    const fresh = await startFakeInstance("i1");
    running.instances.push(fresh);
    await fetch(`${url}/instances`, {
      method: "PUT",
      body: JSON.stringify({ instances: [{ id: "i1", endpoint: fresh.endpoint }] }),
    });
    const results = await during;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fresh.hits).toBe(5);
    expect(executor.mapper.get("i1")?.endpoint).toBe(fresh.endpoint);
  });

  it("waits for a healthy instance no longer than healthyWaitMs, then answers 503", async () => {
    const { url, instances } = await setup(1, { settings: { healthyWaitMs: 200 } });
    await instances[0]!.stop();
    const r = await infer(url);
    expect(r.status).toBe(503);
  });

  it("answers 504 with stage timeout when the instance is too slow", async () => {
    const { url, executor } = await setup(1, { delayMs: 400, settings: { taskTimeoutMs: 100 } });
    const r = await infer(url);
    expect(r.status).toBe(504);
    expect(r.body.error).toMatchObject({ stage: "timeout", instanceId: "i1" });
    expect(executor.metrics.counts().timeout).toBe(1);
  });

  it("answers 503 when there is no healthy instance, 400 on a bad packet", async () => {
    const { url, executor } = await setup(0);
    expect((await infer(url)).body).toEqual({ error: { stage: "executor", message: "no healthy instance" } });
    const bad = await fetch(`${url}/infer`, {
      method: "POST",
      body: JSON.stringify({ packet: { data: 1 } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { stage: string } }).error.stage).toBe("request");
    expect((await fetch(`${url}/health`)).status).toBe(503);
    expect(executor.metrics.counts()).toMatchObject({ no_instance: 1, bad_request: 1 });
  });

  it("refuses a body over AIOS_MAX_BODY_MB with 413 naming it, before closing; bad JSON and wrong methods too", async () => {
    const { url, instances } = await setup(1, { maxBodyMb: 1 });
    const big = await fetch(`${url}/infer`, { method: "POST", body: " ".repeat(2 ** 20 + 1) });
    expect([big.status, big.headers.get("connection")]).toEqual([413, "close"]);
    expect(await big.json()).toEqual({
      error: {
        stage: "request",
        message: "(body): is larger than 1 MiB, the most the data plane reads (AIOS_MAX_BODY_MB)",
      },
    });
    const notJson = await fetch(`${url}/infer`, { method: "POST", body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(
      /^\(body\): is not valid JSON/,
    );
    const wrongMethod = await fetch(`${url}/infer`);
    expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "POST"]);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect(instances[0]!.hits).toBe(0);
  });

  it("obeys the block's loadBalancer policy", async () => {
    const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input) { return { instanceId: input.instances[1].id }; },
});`;
    const { url, instances, executor } = await setup(3, {
      block: {
        id: "blk-lb",
        minInstances: 1,
        maxInstances: 3,
        policies: { loadBalancer: { policyRuleURI: "test.second", code } },
      },
    });
    const results = await Promise.all(Array.from({ length: 12 }, () => infer(url)));
    expect(results.every((r) => r.status === 200 && r.instanceId === "i2")).toBe(true);
    expect(instances.map((i) => i.hits)).toEqual([0, 12, 0]);
    expect(executor.status().loadBalancer).toEqual({
      policy: "test.second",
      policyErrors: 0,
      lastPolicyError: null,
    });
  });

  it("takes management commands for its services' policies at POST /mgmt/<service>", async () => {
    const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  init() { return { pinned: 0 }; },
  eval(input, { state }) { return { instanceId: input.instances[state.pinned % input.instances.length].id }; },
  management(action, data, { state }) {
    if (action !== "pin") throw new Error("unknown command " + action);
    state.pinned = Number((data as { index: number }).index);
    return { pinned: state.pinned };
  },
});`;
    const { url, instances } = await setup(2, {
      block: {
        id: "blk-mgmt",
        minInstances: 1,
        maxInstances: 2,
        policies: { loadBalancer: { policyRuleURI: "test.pin", code } },
      },
    });
    const mgmt = (service: string, body: unknown) =>
      fetch(`${url}/mgmt/${service}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const pinned = await mgmt("executor", { action: "pin", data: { index: 1 } });
    expect(pinned.status).toBe(200);
    expect(await pinned.json()).toEqual({ ok: true, result: { pinned: 1 } });
    await Promise.all(Array.from({ length: 4 }, () => infer(url)));
    expect(instances.map((i) => i.hits)).toEqual([0, 4]);
    const bad = await mgmt("executor", { action: "explode" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      "unknown command explode",
    );
    expect((await mgmt("autoscaler", { action: "x" })).status).toBe(404); // no autoscaler policy
    expect((await mgmt("nope", { action: "x" })).status).toBe(404);
  });

  it("asks to scale up under load and, after the cooldown without load, down", async () => {
    const { url, executor } = await setup(2, {
      delayMs: 100,
      settings: { autoscaleIntervalMs: 100, cooldownMs: 600, targetInFlightPerInstance: 1 },
    });
    let load = true;
    const worker = async () => {
      while (load) await infer(url);
    };
    const workers = Array.from({ length: 8 }, worker);
    try {
      const up = await waitFor(
        async () => {
          const d = await getJson(`${url}/desired`);
          return d.scaleTo === 4 ? d : undefined;
        },
        3000,
        "scale up",
      );
      expect(up.remove).toEqual([]);
    } finally {
      load = false;
      await Promise.all(workers);
    }
    const down = await waitFor(
      async () => {
        const d = await getJson(`${url}/desired`);
        return d.scaleTo === 1 ? d : undefined;
      },
      5000,
      "scale down",
    );
    expect(down.remove).toHaveLength(1);
    expect(executor.status().autoscaler.lastDecision).toMatchObject({ operation: "downscale" });
  });

  it("reports /metrics and /status", async () => {
    const { url } = await setup(2);
    await Promise.all(Array.from({ length: 4 }, () => infer(url)));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('aios_block_requests_total{code="200",outcome="ok",block="blk-test"} 4');
    expect(metrics).toContain('aios_block_request_duration_seconds_count{block="blk-test"} 4');
    expect(metrics).toContain('aios_block_in_flight{block="blk-test"} 0');
    expect(metrics).toContain('aios_block_instances{state="healthy",block="blk-test"} 2');
    // Valid exposition text (CI installs promtool; without it, outside CI, this check is left out).
    if (!promtoolSkipReason()) expect(checkMetrics(metrics)).toEqual({ code: 0, output: "" });
    const status = await getJson(`${url}/status`);
    expect(status).toMatchObject({
      blockId: "blk-test",
      healthy: true,
      inFlight: 0,
      tasks: { ok: 4 },
      instances: [
        {
          id: "i1",
          state: "healthy",
          inFlight: 0,
          tasks: { completed: 2, failed: 0 },
          lastHealth: { ok: true },
        },
        { id: "i2", state: "healthy", tasks: { completed: 2 } },
      ],
      healthChecker: { policy: null, blockHealthy: true },
      autoscaler: { policy: null },
      desired: { scaleTo: 2, replace: [], remove: [] },
    });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const bad = await fetch(`${url}/instances`, {
      method: "PUT",
      body: JSON.stringify({ instances: [{ id: "x" }] }),
    });
    expect(bad.status).toBe(400);
  });
});

type ErrorAnswer = { error: { stage: string; message: string } };

describe("control token", () => {
  const token = "t".repeat(43);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const putInstances = (url: string, headers: Record<string, string>) =>
    fetch(`${url}/instances`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ instances: [] }),
    });

  it("refuses the agent's routes without the token or with a wrong one (401 naming what is wrong)", async () => {
    const { url } = await setup(1, { controlToken: token });
    for (const [path, method] of [
      ["/instances", "PUT"],
      ["/instances", "GET"],
      ["/desired", "GET"],
      ["/mgmt/executor", "POST"],
    ] as const) {
      const none = await fetch(`${url}${path}`, { method, ...(method !== "GET" ? { body: "{}" } : {}) });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      const body = (await none.json()) as ErrorAnswer;
      expect(body.error.stage).toBe("auth");
      expect(body.error.message).toContain("no authorization header");
    }
    const wrong = await putInstances(url, bearer("w".repeat(43)));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorAnswer).error.message).toContain(
      "not this workload's control token",
    );
    const basic = await putInstances(url, { authorization: `Basic ${token}` });
    expect(((await basic.json()) as ErrorAnswer).error.message).toContain("is not `Bearer <token>`");
  });

  it("takes the agent's routes with the right token, and serves /infer, /health, /status without", async () => {
    const { url, instances } = await setup(1, { controlToken: token });
    expect((await infer(url)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/status`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    const desired = await fetch(`${url}/desired`, { headers: bearer(token) });
    expect(desired.status).toBe(200);
    const put = await fetch(`${url}/instances`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...bearer(token) },
      body: JSON.stringify({ instances: instances.map((i) => ({ id: i.id, endpoint: i.endpoint })) }),
    });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { ok: boolean }).ok).toBe(true);
    const mgmt = await fetch(`${url}/mgmt/executor`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(token) },
      body: JSON.stringify({ action: "x" }),
    });
    expect(mgmt.status).toBe(404); // past the guard: this block runs no loadBalancer policy
  });
});

describe("data token", () => {
  const token = "d".repeat(43);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it("refuses /infer without the executor's data token or with another (401 naming the route)", async () => {
    const { url, instances } = await setup(1, { dataToken: token, controlToken: "c".repeat(43) });
    for (const headers of [{}, bearer("w".repeat(43)), bearer("c".repeat(43))]) {
      const r = await infer(url, {}, headers);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({
        error: { stage: "auth", message: expect.stringMatching(/^POST \/infer: /) },
      });
    }
    expect(instances[0]!.hits).toBe(0);
    expect((await infer(url, {}, bearer(token))).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200); // probes stay open
  });

  it("sends each instance its own data token on /infer", async () => {
    const fake = await Promise.all(["i1", "i2"].map((id) => startFakeInstance(id)));
    running.instances.push(...fake);
    const executor = await createExecutor({
      block: { id: "blk-tokens", blockComponentURI: "test/echo:1.0.0", minInstances: 1, maxInstances: 2 },
      log,
      instances: fake.map((i) => ({ id: i.id, endpoint: i.endpoint, dataToken: `token-of-${i.id}` })),
      controlToken: null,
      dataToken: null,
      settings: { healthCheckIntervalMs: 100, autoscaleIntervalMs: 60_000 },
    });
    running.executors.push(executor);
    await waitFor(() => executor.mapper.healthy().length === 2, 5000, "instances healthy");
    await Promise.all(Array.from({ length: 4 }, () => infer(executor.url)));
    expect(fake.map((i) => [...new Set(i.authorizations)])).toEqual([
      ["Bearer token-of-i1"],
      ["Bearer token-of-i2"],
    ]);
    // A new data token for the same instance replaces its record, and the new one is sent.
    executor.setInstances([{ id: "i1", endpoint: fake[0]!.endpoint, dataToken: "token-of-i1-next" }]);
    await waitFor(() => executor.mapper.healthy().length === 1, 5000, "i1 healthy again");
    await infer(executor.url);
    expect(fake[0]!.authorizations.at(-1)).toBe("Bearer token-of-i1-next");
  });
});
