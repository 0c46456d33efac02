import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { closeAfterEach, infer, policy, setup, URI } from "./controller-fixture";
import { getJson, post, waitFor } from "./fake-executor";

closeAfterEach();

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
    expect((await post(`${url}/quota/reset/s1`, {})).body).toMatchObject({
      ok: true,
      sessionId: "s1",
      count: 0,
    });
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

  it("re-checks at once when a step times out (a cut link answers nothing), not at the next interval", async () => {
    // b hangs: its requests outlast the step timeout, and its health now says it is down.
    const { url, ctl, b } = await setup(
      { health: { intervalSeconds: 60 }, stepTimeoutMs: 150, retries: 0 },
      { handlers: { b: () => ({ delayMs: 2000, body: undefined }) } },
    );
    expect(ctl.health.last?.healthy).toBe(true);
    const rounds = ctl.health.rounds;
    b.healthy = false;
    const r = await infer(url);
    expect(r.status).toBe(504);
    expect(r.body.error.message).toBe("step b (block blk-b) failed: timed out after 150 ms");
    await waitFor(() => ctl.health.last?.healthy === false, 2000, "health re-check after the timeout");
    expect(ctl.health.rounds).toBe(rounds + 1);
    const refused = await infer(url);
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toBe(
      `vDAG ${URI} is unhealthy: block blk-b (node b): 0/1 instances healthy`,
    );
  });

  it("does not re-check after a component's own error (its block answered)", async () => {
    const { url, ctl } = await setup(
      { health: { intervalSeconds: 60 }, retries: 0 },
      { handlers: { b: () => ({ status: 500, body: { error: { message: "boom", stage: "infer" } } }) } },
    );
    const rounds = ctl.health.rounds;
    expect((await infer(url)).status).toBe(502);
    await new Promise((r) => setTimeout(r, 300)); // a triggered check starts within 100 ms
    expect(ctl.health.rounds).toBe(rounds);
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
