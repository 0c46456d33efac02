import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMetrics, promtoolSkipReason } from "../../../scripts/promtool";
import {
  CONTROL_TOKEN,
  DATA_TOKEN,
  FAILING_POST,
  packet,
  policy,
  type SpawnedInstance,
  spawnInstance,
  UPPERCASE_PRE,
  waitHealthy,
} from "./helpers";

// A real instance process (`node --import tsx examples/components/echo/index.ts`) over HTTP.

const ECHO = "examples/components/echo/index.ts";
const base = { componentURI: "model.echo:1.0.0-stable", parameters: { delayMs: 0 } };

describe("echo instance process", () => {
  let inst: SpawnedInstance;
  beforeAll(async () => {
    inst = await spawnInstance(
      ECHO,
      {
        ...base,
        blockId: "echo-blk",
        instanceId: "i-1",
        policies: { pre_processing: policy("upper", UPPERCASE_PRE) },
      },
      { AIOS_MAX_BODY_MB: "1" },
    );
    await waitHealthy(inst);
  });
  afterAll(() => inst?.kill());

  it("refuses /infer without its data token (401 naming the route), the control token included", async () => {
    for (const headers of [{}, { authorization: `Bearer ${CONTROL_TOKEN}` }] as Record<string, string>[]) {
      const res = await fetch(`${inst.url}/infer`, { method: "POST", headers, body: "{}" });
      expect([res.status, res.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="aios-data"']);
      expect(await res.json()).toMatchObject({
        error: { stage: "auth", message: expect.stringMatching(/^POST \/infer: /) },
      });
    }
  });

  it("answers /infer with the packet, pre-processing applied", async () => {
    const r = await inst.post("/infer", packet({ text: "hello", message: "m" }, 7));
    expect(r.status).toBe(200);
    expect(r.body.packet).toMatchObject({
      session_id: "s-1",
      seq_no: 7,
      data: { text: "HELLO", message: "m", instanceId: "i-1" },
    });
  });

  it("answers 400 naming the field of a malformed request, and of a body that is not JSON", async () => {
    const r = await inst.post("/infer", { packet: { session_id: "s", ts: 1, data: {} } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      stage: "request",
      message: /packet\.seq_no/,
      issues: [{ path: "packet.seq_no" }],
    });
    const bad = await inst.post("/infer", "{not json");
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { stage: "request", message: /not valid JSON/ } },
    });
    expect((await inst.get("/nope")).status).toBe(404);
  });

  it("refuses a body over AIOS_MAX_BODY_MB with 413 naming it before closing, and a wrong method with 405", async () => {
    const big = await fetch(`${inst.url}/infer`, {
      method: "POST",
      headers: { authorization: `Bearer ${DATA_TOKEN}` },
      body: " ".repeat(2 ** 20 + 1),
    });
    expect([big.status, big.headers.get("connection")]).toEqual([413, "close"]);
    expect(await big.json()).toEqual({
      error: {
        stage: "request",
        instanceId: "i-1",
        message: "(body): is larger than 1 MiB, the most the data plane reads (AIOS_MAX_BODY_MB)",
      },
    });
    const wrong = await fetch(`${inst.url}/infer`);
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("reports health and turns unhealthy through /mgmt", async () => {
    expect(await inst.get("/health")).toMatchObject({ status: 200, body: { status: "healthy" } });
    expect(await inst.post("/mgmt", { action: "fail" })).toEqual({
      status: 200,
      body: { ok: true, result: { failing: true } },
    });
    expect(await inst.get("/health")).toMatchObject({ status: 503, body: { status: "unhealthy" } });
    await inst.post("/mgmt", { action: "fail", data: { failing: false } });
    expect((await inst.get("/health")).status).toBe(200);
    expect((await inst.post("/mgmt", { action: "nope" })).status).toBe(400);
  });

  it("applies /setParameters (validated) to the next tasks", async () => {
    expect((await inst.post("/setParameters", { parameters: [] })).status).toBe(400);
    expect((await inst.post("/setParameters", { parameters: { delayMs: -5 } })).status).toBe(422);
    const r = await inst.post("/setParameters", { parameters: { uppercase: true, delayMs: 0 } });
    expect(r).toEqual({ status: 200, body: { ok: true, parameters: { uppercase: true, delayMs: 0 } } });
    expect((await inst.post("/infer", packet({ message: "quiet" }))).body.packet.data.message).toBe("QUIET");
  });

  it("serves Prometheus text with the built-in metrics", async () => {
    const { status, text } = await inst.get("/metrics");
    expect(status).toBe(200);
    for (const name of [
      "aios_instance_requests_total",
      "aios_instance_request_duration_seconds_bucket",
      "aios_instance_in_flight",
    ])
      expect(text).toContain(name);
    expect(text).toMatch(/aios_instance_requests_total\{outcome="ok",block="echo-blk",instance="i-1"\} \d+/);
    expect(text).toContain('echo_tasks_total{block="echo-blk",instance="i-1"}');
  });

  const skip = promtoolSkipReason();
  it.skipIf(skip)(`passes promtool check metrics${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const { text } = await inst.get("/metrics");
    expect(checkMetrics(text)).toEqual({ code: 0, output: "" });
  });
});

describe("instance process edge cases", () => {
  it("fails a task with 422 at stage post_processing when the post-processing policy throws", async () => {
    const inst = await spawnInstance(ECHO, {
      ...base,
      blockId: "b",
      instanceId: "i-2",
      policies: { post_processing: policy("deny", FAILING_POST) },
    });
    try {
      await waitHealthy(inst);
      const r = await inst.post("/infer", packet({ text: "x" }));
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({
        stage: "post_processing",
        instanceId: "i-2",
        message: /not allowed out/,
      });
    } finally {
      inst.kill();
    }
  });

  it("batches 5 concurrent requests into one infer call and answers each caller", async () => {
    const inst = await spawnInstance("packages/instance-sdk/test/fixtures/batch-echo.ts", {
      ...base,
      blockId: "b",
      instanceId: "i-3",
    });
    try {
      await waitHealthy(inst);
      const replies = await Promise.all([0, 1, 2, 3, 4].map((n) => inst.post("/infer", packet({ n }, n))));
      for (const [n, r] of replies.entries()) {
        expect(r.status).toBe(200);
        expect(r.body.packet).toMatchObject({ seq_no: n, data: { n, seq: n, call: 1, batchSize: 5 } });
      }
    } finally {
      inst.kill();
    }
  });

  it("finishes the task in flight on SIGTERM, then exits 0", async () => {
    const inst = await spawnInstance(ECHO, {
      ...base,
      parameters: { delayMs: 400 },
      blockId: "b",
      instanceId: "i-4",
    });
    await waitHealthy(inst);
    const pending = inst.post("/infer", packet({ message: "late" }));
    await new Promise((r) => setTimeout(r, 100));
    inst.child.kill("SIGTERM");
    expect((await pending).status).toBe(200);
    expect(await inst.exited).toBe(0);
    expect(inst.output.join("\n")).toContain("instance stopped");
  });

  it("exits 1 with the problems when the environment is bad", async () => {
    await expect(spawnInstance(ECHO, { blockId: "b", instanceId: "i-5" })).rejects.toThrow(
      /exited 1.*AIOS_INIT_DATA.componentURI: Required/s,
    );
  });
});
