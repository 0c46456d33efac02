import { readFileSync } from "node:fs";
import { createLogger } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { createVdagController, type VdagController, type VdagControllerOptions } from "../src";
import {
  type FakeExecutor,
  getJson,
  type Handler,
  makeConfig,
  makePlan,
  post,
  startFakeExecutor,
  waitFor,
} from "./fake-executor";

const log = createLogger({ test: "vdag-controller" }, { write: () => {} });
const running: { controllers: VdagController[]; executors: FakeExecutor[] } = {
  controllers: [],
  executors: [],
};
const URI = "test/ctl:1.0.0";
const source = (name: string) => readFileSync(new URL(`./policies/${name}.ts`, import.meta.url), "utf8");
const policy = (name: string, settings: Record<string, unknown> = {}) => ({
  policyRuleURI: `test/${name}:1.0.0`,
  code: source(name),
  settings,
});

afterEach(async () => {
  await Promise.all(running.controllers.splice(0).map((c) => c.close(1000)));
  await Promise.all(running.executors.splice(0).map((e) => e.stop()));
});

/** a -> b, each on its own fake executor. */
async function setup(
  extra: Parameters<typeof makeConfig>[1] = {},
  opts: Partial<VdagControllerOptions> & { handlers?: Record<string, Handler> } = {},
) {
  const a = await startFakeExecutor("blk-a", opts.handlers?.a);
  const b = await startFakeExecutor("blk-b", opts.handlers?.b);
  running.executors.push(a, b);
  const plan = makePlan(URI, {
    a: { blockId: a.blockId, endpoint: a.endpoint, next: ["b"] },
    b: { blockId: b.blockId, endpoint: b.endpoint },
  });
  const config = makeConfig(plan, extra);
  const ctl = await createVdagController({ config, log, healthLoop: false, controlToken: null, ...opts });
  running.controllers.push(ctl);
  return { ctl, a, b, plan, config, url: ctl.url };
}

const infer = (url: string, session_id = "s1", data: Record<string, unknown> = {}) =>
  post(`${url}/v1/infer`, { session_id, data });

describe("quota", () => {
  it("allows 3 requests per session with the policy and refuses the 4th with 429 and its reason", async () => {
    const { url, a } = await setup({ quota: { policy: policy("per-session-quota", { limit: 3 }) } });
    for (let i = 0; i < 3; i++) expect((await infer(url, "s1")).status).toBe(200);
    const refused = await infer(url, "s1");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      taskId: expect.any(String),
      error: { stage: "quota", message: "session s1 used its 3 requests" },
      trace: [],
    });
    expect(a.calls).toHaveLength(3);
    expect((await infer(url, "s2")).status).toBe(200);

    // Refused requests do not count.
    expect(await getJson(`${url}/quota/s1`)).toEqual({ sessionId: "s1", count: 3, exists: true });
    expect(await getJson(`${url}/quota/exists/s1`)).toEqual({ sessionId: "s1", exists: true });
    expect(await getJson(`${url}/quota/exists/nobody`)).toEqual({ sessionId: "nobody", exists: false });

    // Management goes to the policy; its state raises the limit.
    const mg = await post(`${url}/quota/mgmt`, { action: "setLimit", data: { sessionId: "s1", limit: 4 } });
    expect(mg).toMatchObject({ status: 200, body: { ok: true, result: { set: "s1" } } });
    expect((await infer(url, "s1")).status).toBe(200);
    expect((await infer(url, "s1")).status).toBe(429);
    const bad = await post(`${url}/quota/mgmt`, { action: "nope" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("unknown command nope");

    // Reset and delete.
    expect((await post(`${url}/quota/reset/s1`, {})).body).toEqual({ ok: true, sessionId: "s1", count: 0 });
    expect((await infer(url, "s1")).status).toBe(200);
    expect((await fetch(`${url}/quota/s1`, { method: "DELETE" })).status).toBe(200);
    expect(await getJson(`${url}/quota/s1`)).toEqual({ sessionId: "s1", count: 0, exists: false });
    expect((await fetch(`${url}/quota/s1`, { method: "DELETE" })).status).toBe(404);
  });

  it("gives the policy the total over all sessions for a global limit, and only this session's count", async () => {
    const { url } = await setup({ quota: { policy: policy("global-quota", { limit: 2 }) } });
    expect((await infer(url, "s1")).status).toBe(200);
    expect((await infer(url, "s2")).status).toBe(200);
    const refused = await infer(url, "s3");
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe("the vDAG took its 2 requests");
  });

  it("counts requests without a session_id per caller, not in one shared session", async () => {
    // The example quota policy as shipped, through the real sandbox.
    const code = readFileSync(
      new URL("../../../examples/policies/per-session-quota.ts", import.meta.url),
      "utf8",
    );
    const quota = {
      policy: {
        policyRuleURI: "per-session-quota:1.0.0-stable",
        code,
        settings: { limit: 1, windowSeconds: 1_000_000_000 },
      },
    };
    const { url, a } = await setup({ quota });
    const anonymous = (caller?: string) =>
      post(`${url}/v1/infer`, { data: {} }, caller ? { "x-aios-caller": caller } : {});
    expect((await anonymous("token:tok-a")).status).toBe(200);
    const refused = await anonymous("token:tok-a");
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(
      /^session anonymous:token:tok-a used its 1 requests per 1000000000 s/,
    );
    expect((await anonymous("token:tok-b")).status).toBe(200);
    // Without the API's header the controller keys the request by the peer's address.
    expect((await anonymous()).status).toBe(200);
    expect((await anonymous()).status).toBe(429);
    const sid = encodeURIComponent("anonymous:address:127.0.0.1");
    expect(await getJson(`${url}/quota/${sid}`)).toMatchObject({ count: 1, exists: true });
    expect(await getJson(`${url}/quota/default`)).toMatchObject({ count: 0, exists: false });
    // The blocks still see the packet's own session: default.
    expect(a.calls.map((c) => c.packet.session_id)).toEqual(["default", "default", "default"]);
  });

  it("counts concurrent requests of a session separately", async () => {
    const { url } = await setup({ quota: { policy: policy("per-session-quota", { limit: 3 }) } });
    const results = await Promise.all(Array.from({ length: 6 }, () => infer(url, "burst")));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    expect((await getJson(`${url}/quota/burst`)).count).toBe(3);
  });

  it("has no management without a policy", async () => {
    const { url } = await setup();
    const r = await post(`${url}/quota/mgmt`, { action: "x" });
    expect(r.status).toBe(404);
    expect(r.body.error).toEqual({ stage: "quota", message: "no quota policy configured" });
  });
});

describe("health", () => {
  it("marks the vDAG unhealthy when an executor is down and refuses requests with 503 naming the block", async () => {
    const { url, ctl, b } = await setup({ health: { intervalSeconds: 60 } });
    expect((await infer(url)).status).toBe(200);
    b.healthy = false;
    const check = await getJson(`${url}/health/check`);
    expect(check).toMatchObject({ healthy: false, unhealthyBlocks: ["blk-b"] });
    expect(check.healthCheckData["blk-b"]).toEqual({ healthy: false, instances: 1, healthyInstances: 0 });
    const r = await infer(url);
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({
      stage: "health",
      message: `vDAG ${URI} is unhealthy: block blk-b (node b): 0/1 instances healthy`,
    });
    b.healthy = true;
    await ctl.health.check();
    expect((await infer(url)).status).toBe(200);

    await b.stop();
    await ctl.health.check();
    const down = await infer(url);
    expect(down.status).toBe(503);
    expect(down.body.error.message).toMatch(/block blk-b \(node b\): (ECONNREFUSED|ECONNRESET)/);
    const status = await getJson(`${url}/status`);
    expect(status).toMatchObject({ healthy: false, healthReason: down.body.error.message });
    expect(status.requests.refused).toBe(2);
  });

  it("re-checks at once when a step finds its block unreachable", async () => {
    const { url, ctl, b } = await setup({ health: { intervalSeconds: 60 }, retries: 0 });
    expect(ctl.health.last?.healthy).toBe(true);
    await b.stop();
    const r = await infer(url);
    expect(r.status).toBe(502);
    await waitFor(() => ctl.health.last?.healthy === false, 2000, "health re-check");
    expect((await infer(url)).status).toBe(503);
  });

  it("does not refuse on a verdict older than 3 intervals", async () => {
    const { url, ctl, b } = await setup({ health: { intervalSeconds: 0.05 } });
    b.healthy = false;
    await ctl.health.check();
    expect((await infer(url)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 200)); // healthLoop is off: no new verdict
    const r = await infer(url);
    expect(r.status).toBe(200); // the stale verdict no longer blocks; the executor still answers
  });

  it("runs the health policy: default mode periodically, fast_check before each request", async () => {
    const { url, ctl, b } = await setup({ health: { policy: policy("vdag-health"), intervalSeconds: 60 } });
    expect((await infer(url)).status).toBe(200);
    b.healthy = false;
    await ctl.health.check();
    const r = await infer(url);
    expect(r.status).toBe(503);
    expect(r.body.error.message).toBe(
      `vDAG ${URI} is unhealthy: policy says fast_check - block blk-b (node b): 0/1 instances healthy`,
    );
    const rounds = await post(`${url}/health/mgmt`, { action: "rounds" });
    expect(rounds.body).toEqual({ ok: true, result: { defaultRounds: 2, fastChecks: 2 } });
  });
});

describe("quality", () => {
  it("samples every 2nd successful request after answering it; samples can be drained", async () => {
    const { url } = await setup({
      quality: { policy: policy("sample-quality", { minTrail: 2 }), framesInterval: 2 },
    });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await infer(url, "q"));
    const sampled = await waitFor(async () => {
      const s = await getJson(`${url}/quality/samples`);
      return s.samples.length === 2 ? s : undefined;
    });
    expect(sampled.samples.map((s: { taskId: string }) => s.taskId)).toEqual([
      answers[1]!.body.taskId,
      answers[3]!.body.taskId,
    ]);
    expect(sampled.samples[0]).toMatchObject({ passed: true, score: 1, reason: "trail of 2 after 1" });
    expect(sampled).toMatchObject({ sampled: 2, failed: 0 });
    expect((await getJson(`${url}/quality/samples?drain=1`)).samples).toHaveLength(2);
    expect((await getJson(`${url}/quality/samples`)).samples).toHaveLength(0);
    expect((await getJson(`${url}/status`)).quality).toEqual({ sampled: 2, failed: 0 });
  });
});

describe("status, metrics and configuration", () => {
  it("reports request and node figures", async () => {
    const { url } = await setup({ quota: { policy: policy("per-session-quota", { limit: 3 }) } });
    for (let i = 0; i < 4; i++) await infer(url, "st");
    const status = await getJson(`${url}/status`);
    expect(status).toMatchObject({
      controllerId: "ctl-test",
      vdagURI: URI,
      healthy: true,
      checkedAt: expect.any(Number),
      requests: { total: 4, errors: 0, refused: 1 },
      nodes: { a: { requests: 3, errors: 0 }, b: { requests: 3, errors: 0 } },
      quality: { sampled: 0, failed: 0 },
    });
    expect(status.requests.p50Ms).toBeGreaterThan(0);
    expect(status.requests.p99Ms).toBeGreaterThanOrEqual(status.requests.p50Ms);
    expect(status.nodes.a.p50Ms).toBeGreaterThan(0);
    expect(Object.keys(status.healthCheckData)).toEqual(["blk-a", "blk-b"]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /aios_vdag_requests_total\{outcome="ok",controller="ctl-test",vdag="test\/ctl:1.0.0"\} 3/,
    );
    expect(metrics).toMatch(/aios_vdag_requests_total\{outcome="refused_quota".*\} 1/);
    expect(metrics).toMatch(/aios_vdag_node_requests_total\{node="b".*\} 3/);
    expect(metrics).toContain("aios_vdag_request_duration_seconds_bucket");
    expect(await getJson(`${url}/healthz`)).toEqual({ ok: true });
  });

  it("swaps plan and policies with PUT /config without dropping in-flight requests", async () => {
    const { url, config, a, b, ctl } = await setup(
      { quota: { policy: policy("per-session-quota", { limit: 10 }) } },
      { handlers: { b: () => ({ delayMs: 300 }) } },
    );
    // Policy state the swap must keep when the policy did not change.
    await post(`${url}/quota/mgmt`, { action: "setLimit", data: { sessionId: "vip", limit: 1 } });
    const c = await startFakeExecutor("blk-c");
    running.executors.push(c);
    const inFlight = infer(url, "s1", { old: true });
    await waitFor(() => b.calls.length === 1, 2000, "the old request at b");

    const plan2 = makePlan(URI, {
      a: { blockId: a.blockId, endpoint: a.endpoint, next: ["c"] },
      c: { blockId: c.blockId, endpoint: c.endpoint },
    });
    const put = await fetch(`${url}/config`, {
      method: "PUT",
      body: JSON.stringify({ ...config, plan: plan2 }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ ok: true });
    const old = await inFlight;
    expect(old.status).toBe(200);
    expect(old.body.packet.data.trail).toEqual(["blk-a", "blk-b"]);
    const fresh = await infer(url, "s1");
    expect(fresh.body.packet.data.trail).toEqual(["blk-a", "blk-c"]);
    expect((await getJson(`${url}/config`)).plan.order).toEqual(["a", "c"]);
    expect(Object.keys((await getJson(`${url}/status`)).nodes)).toEqual(["a", "c"]);
    expect(ctl.status().generation).toBe(2);

    // Same quota policy: kept with its state ("vip" may send 1 request).
    expect((await infer(url, "vip")).status).toBe(200);
    expect((await infer(url, "vip")).status).toBe(429);
    // The same policy again (fresh object, same code and settings): still kept.
    const put2 = await fetch(`${url}/config`, {
      method: "PUT",
      body: JSON.stringify({
        ...config,
        plan: plan2,
        quota: { policy: policy("per-session-quota", { limit: 10 }) },
      }),
    });
    expect(put2.status).toBe(200);
    expect((await infer(url, "vip")).status).toBe(429);
    // Changed settings: reloaded, the override is gone (limit 11).
    const put3 = await fetch(`${url}/config`, {
      method: "PUT",
      body: JSON.stringify({
        ...config,
        plan: plan2,
        quota: { policy: policy("per-session-quota", { limit: 11 }) },
      }),
    });
    expect(put3.status).toBe(200);
    expect((await infer(url, "vip")).status).toBe(200);

    // Refusals leave the running configuration alone.
    const other = await fetch(`${url}/config`, {
      method: "PUT",
      body: JSON.stringify({ ...config, controllerId: "x" }),
    });
    expect(other.status).toBe(409);
    const broken = { ...config, plan: { ...plan2, order: ["c", "a"] } };
    const bad = await fetch(`${url}/config`, { method: "PUT", body: JSON.stringify(broken) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      "a must come before c",
    );
    const badPolicy = await fetch(`${url}/config`, {
      method: "PUT",
      body: JSON.stringify({ ...config, quota: { policy: { ...policy("sample-quality") } } }),
    });
    expect(badPolicy.status).toBe(400);
    expect(((await badPolicy.json()) as { error: { message: string } }).error.message).toContain(
      "is a qualityChecker policy, expected quotaChecker",
    );
    expect((await infer(url, "s9")).body.packet.data.trail).toEqual(["blk-a", "blk-c"]);
  });
});

type ErrorAnswer = { error: { stage: string; message: string } };

describe("control token", () => {
  const token = "c".repeat(43);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const send = (
    url: string,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) =>
    fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("refuses the agent's routes without the token or with a wrong one (401 naming what is wrong)", async () => {
    const { url, config } = await setup({}, { controlToken: token });
    for (const [method, path, body] of [
      ["GET", "/config", undefined],
      ["PUT", "/config", config],
      ["GET", "/quality/samples?drain=1", undefined],
      ["DELETE", "/quota/s1", undefined],
    ] as const) {
      const none = await send(url, method, path, {}, body);
      expect(none.status, `${method} ${path}`).toBe(401);
      const answer = (await none.json()) as ErrorAnswer;
      expect(answer.error.stage).toBe("auth");
      expect(answer.error.message).toContain("no authorization header");
      const wrong = await send(url, method, path, bearer("x".repeat(43)), body);
      expect(wrong.status, `${method} ${path}`).toBe(401);
      expect(((await wrong.json()) as ErrorAnswer).error.message).toContain(
        "not this workload's control token",
      );
    }
  });

  it("takes them with the right token; /v1/infer and the API's routes need none", async () => {
    const { url, config } = await setup({}, { controlToken: token });
    expect((await infer(url)).status).toBe(200);
    for (const path of ["/status", "/health", "/healthz", "/metrics", "/quota/s1"])
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
    expect((await send(url, "GET", "/config", bearer(token))).status).toBe(200);
    expect((await send(url, "PUT", "/config", bearer(token), config)).status).toBe(200);
    expect((await send(url, "GET", "/quality/samples?drain=1", bearer(token))).status).toBe(200);
    expect((await send(url, "DELETE", "/quota/s1", bearer(token))).status).toBe(200);
  });
});

describe("HTTP", () => {
  it("refuses a body over AIOS_MAX_BODY_MB with 413 naming it, before closing, and runs no step", async () => {
    const { url, a } = await setup({}, { settings: { maxBodyMb: 1 } });
    const big = await fetch(`${url}/v1/infer`, { method: "POST", body: " ".repeat(2 ** 20 + 1) });
    expect([big.status, big.headers.get("connection")]).toEqual([413, "close"]);
    expect(await big.json()).toEqual({
      error: {
        stage: "request",
        message: "(body): is larger than 1 MiB, the most the data plane reads (AIOS_MAX_BODY_MB)",
      },
    });
    const deep = await fetch(`${url}/v1/infer`, { method: "POST", body: "[".repeat(300) + "]".repeat(300) });
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: { message: string } }).error.message).toMatch(
      /nested deeper than 256/,
    );
    expect(a.calls).toHaveLength(0);
  });

  it("answers a known path with another method 405 naming them, an unknown one 404, a bad escape 400", async () => {
    const { url } = await setup();
    const wrong = await fetch(`${url}/quota/reset/s1`);
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "POST"]);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(
      "GET /quota/reset/s1 is not allowed; it takes POST",
    );
    expect((await fetch(`${url}/quota/a/b/c`)).status).toBe(404);
    const bad = await fetch(`${url}/quota/a%ZZ`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { stage: "request", message: 'session: the path segment "a%ZZ" has a malformed percent-escape' },
    });
    // A session named like a route's literal segment is still reached where the method differs.
    expect(await getJson(`${url}/quota/mgmt`)).toEqual({ sessionId: "mgmt", count: 0, exists: false });
  });
});
