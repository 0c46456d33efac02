import { describe, expect, it } from "vitest";
import { checkMetrics, promtoolSkipReason } from "../../../scripts/promtool";
import { closeAfterEach, infer, policy, running, setup, URI } from "./controller-fixture";
import { getJson, makePlan, post, startFakeExecutor, waitFor } from "./fake-executor";

closeAfterEach();

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
    expect(metrics).toMatch(/aios_vdag_node_requests_total\{vdag_node="b".*\} 3/);
    expect(metrics).toContain("aios_vdag_request_duration_seconds_bucket");
    expect(await getJson(`${url}/healthz`)).toEqual({ ok: true });
  });

  const skip = promtoolSkipReason();
  it.skipIf(skip)(`passes promtool check metrics${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const { url } = await setup({ quota: { policy: policy("per-session-quota", { limit: 1 }) } });
    for (let i = 0; i < 2; i++) await infer(url, "pt");
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/aios_vdag_node_duration_seconds_count\{[^}]*vdag_node="a"[^}]*\} 1/);
    expect(checkMetrics(text)).toEqual({ code: 0, output: "" });
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

  it("takes them with the right token; probes need none", async () => {
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

describe("data token", () => {
  const token = "d".repeat(43);
  const control = "c".repeat(43);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const DATA_ROUTES = [
    ["POST", "/v1/infer"],
    ["GET", "/v1/tasks/t-1"],
    ["GET", "/quota/s1"],
    ["GET", "/quota/exists/s1"],
  ] as const;
  const send = (url: string, method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(method === "POST" ? { body: JSON.stringify({ session_id: "s1", data: {} }) } : {}),
    });

  it("refuses /v1/infer and the task and quota reads without it, with another or with the control token (401 naming the route)", async () => {
    const { url } = await setup({}, { controlToken: control, dataToken: token });
    for (const [method, path] of DATA_ROUTES) {
      for (const [headers, problem] of [
        [{}, "no authorization header: data routes need"],
        [bearer("x".repeat(43)), "the bearer token is not this workload's data token"],
        [bearer(control), "the bearer token is not this workload's data token"],
      ] as const) {
        const r = await send(url, method, path, headers);
        expect(r.status, `${method} ${path}`).toBe(401);
        expect(r.headers.get("www-authenticate")).toBe('Bearer realm="aios-data"');
        const answer = (await r.json()) as ErrorAnswer;
        expect(answer.error.stage).toBe("auth");
        expect(answer.error.message).toContain(`${method} ${path}: ${problem}`);
      }
    }
  });

  it("serves them with it; probes need none", async () => {
    const { url } = await setup({}, { controlToken: control, dataToken: token });
    const r = await post(`${url}/v1/infer`, { session_id: "s1", data: {} }, bearer(token));
    expect(r.status).toBe(200);
    const taskId = r.headers.get("x-aios-task-id");
    expect((await send(url, "GET", `/v1/tasks/${taskId}`, bearer(token))).status).toBe(200);
    const quota = await send(url, "GET", "/quota/s1", bearer(token));
    expect(await quota.json()).toMatchObject({ sessionId: "s1", count: 1, exists: true });
    for (const path of ["/status", "/health", "/healthz", "/metrics"])
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
  });
});
