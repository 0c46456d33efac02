import { describe, expect, it } from "vitest";
import { defineComponent, InstanceError, InstanceHost, testComponent } from "../src/index";

const echo = defineComponent({
  init(ctx) {
    return { calls: 0, greeting: String(ctx.initSettings.greeting ?? "hi") };
  },
  infer(input, ctx) {
    ctx.state.calls++;
    if (input.explode) throw new Error("boom");
    if (input.refuse)
      throw new InstanceError(400, "text: missing", { issues: [{ path: "text", message: "missing" }] });
    return {
      ...input,
      greeting: ctx.state.greeting,
      session: ctx.packet.session_id,
      factor: ctx.parameters.factor,
    };
  },
  management(action, data, ctx) {
    if (action === "calls") return { calls: ctx.state.calls, data };
    throw new InstanceError(400, `unknown ${action}`, { stage: "request" });
  },
  onUpdate(parameters) {
    if (typeof parameters.factor !== "number") throw new Error("factor must be a number");
    return { ...parameters, checked: true };
  },
});

describe("testComponent", () => {
  it("runs init once and infer with the packet's data, context and state", async () => {
    const t = await testComponent(echo, { initSettings: { greeting: "hello" }, parameters: { factor: 2 } });
    const out = await t.infer({ text: "x" }, { session_id: "abc" });
    expect(out).toEqual({ text: "x", greeting: "hello", session: "abc", factor: 2 });
    expect(t.ctx).toMatchObject({ blockId: "test-block", instanceId: "test-instance", state: { calls: 1 } });
    expect(await t.management("calls", { a: 1 })).toEqual({ calls: 1, data: { a: 1 } });
  });

  it("maps an infer exception to 500 and a thrown InstanceError to its own status", async () => {
    const t = await testComponent(echo);
    const boom = await t.send({ packet: { session_id: "s", seq_no: 0, ts: 1, data: { explode: true } } });
    expect(boom.status).toBe(500);
    expect(boom.body).toEqual({
      error: { message: "infer failed: boom", stage: "infer", instanceId: "test-instance" },
    });
    await expect(t.infer({ refuse: true })).rejects.toMatchObject({
      status: 400,
      stage: "infer",
      issues: [{ path: "text" }],
    });
  });

  it("answers 400 naming the field of a malformed packet", async () => {
    const t = await testComponent(echo);
    const r = await t.send({ packet: { session_id: "", seq_no: -1, ts: 1, data: [] } });
    expect(r.status).toBe(400);
    const error = (r.body as { error: { stage: string; issues: { path: string }[] } }).error;
    expect(error.stage).toBe("request");
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "packet.data",
      "packet.seq_no",
      "packet.session_id",
    ]);
  });

  it("refuses a non-object output with 500 at stage infer", async () => {
    const t = await testComponent(defineComponent({ infer: () => [1, 2] as never }));
    await expect(t.infer({})).rejects.toMatchObject({ status: 500, stage: "infer", message: /got an array/ });
  });

  it("validates setParameters, lets onUpdate refuse (422) or rewrite, then replaces the parameters", async () => {
    const t = await testComponent(echo, { parameters: { factor: 1, old: true } });
    expect((await t.host.setParameters({ parameters: "x" })).status).toBe(400);
    await expect(t.setParameters({ factor: "two" })).rejects.toMatchObject({
      status: 422,
      message: /factor must be/,
    });
    expect(await t.setParameters({ factor: 3 })).toEqual({ factor: 3, checked: true });
    expect(t.ctx.parameters).toEqual({ factor: 3, checked: true });
    expect(await t.infer({})).toMatchObject({ factor: 3 });
  });

  it("answers mgmt: 400 for a bad body, the component's error, 404 without management", async () => {
    const t = await testComponent(echo);
    expect((await t.host.mgmt({ data: 1 })).status).toBe(400);
    await expect(t.management("nope")).rejects.toMatchObject({ status: 400, message: "unknown nope" });
    const bare = await testComponent(defineComponent({ infer: (i) => i }));
    await expect(bare.management("x")).rejects.toMatchObject({ status: 404 });
  });

  it("reports health: default healthy, the component's report, 503 when unhealthy or throwing", async () => {
    expect(await (await testComponent(echo)).health()).toEqual({ status: 200, body: { status: "healthy" } });
    let sick = false;
    const c = defineComponent({
      infer: (i) => i,
      health: () => {
        if (sick) return { status: "unhealthy", reason: "sick" };
        return { status: "healthy", load: 1 };
      },
    });
    const t = await testComponent(c);
    expect(await t.health()).toEqual({ status: 200, body: { status: "healthy", load: 1 } });
    sick = true;
    expect(await t.health()).toEqual({ status: 503, body: { status: "unhealthy", reason: "sick" } });
    const broken = await testComponent(
      defineComponent({ infer: (i) => i, health: () => ({ ok: 1 }) as never }),
    );
    expect((await broken.health()).status).toBe(503);
  });

  it("rejects when init fails; a host that failed init stays unhealthy and answers 503", async () => {
    const failing = defineComponent({
      init() {
        throw new Error("model file missing");
      },
      infer: (i) => i,
    });
    await expect(testComponent(failing)).rejects.toThrow("init failed: model file missing");
    const host = new InstanceHost(
      failing,
      {
        blockId: "b",
        instanceId: "i",
        componentURI: "model.x:1.0.0-stable",
        blockInitData: {},
        initSettings: {},
        parameters: {},
        policies: {},
      },
      {
        log: {
          debug() {},
          info() {},
          warn() {},
          error() {},
          child: () => {
            throw new Error();
          },
        },
      },
    );
    expect((await host.health()).status).toBe(503); // still starting
    await host.start();
    expect(await host.health()).toEqual({
      status: 503,
      body: { status: "unhealthy", reason: "init failed: model file missing" },
    });
    expect((await host.infer({})).status).toBe(503);
  });

  it("serves the built-in metrics and the component's own, labelled block and instance", async () => {
    const c = defineComponent({
      init: (ctx) => ({ hits: ctx.metrics.counter("my_hits_total", "hits", ["kind"]) }),
      infer(input, ctx) {
        ctx.state.hits.inc({ kind: "a" });
        return input;
      },
    });
    const t = await testComponent(c, { blockId: "blk", instanceId: "i-7" });
    await t.infer({});
    await t.send({});
    const text = await t.metrics();
    expect(text).toContain('aios_instance_requests_total{outcome="ok",block="blk",instance="i-7"} 1');
    expect(text).toContain('aios_instance_requests_total{outcome="request",block="blk",instance="i-7"} 1');
    expect(text).toContain('aios_instance_request_duration_seconds_count{block="blk",instance="i-7"} 2');
    expect(text).toContain('aios_instance_in_flight{block="blk",instance="i-7"} 0');
    expect(text).toContain('my_hits_total{kind="a",block="blk",instance="i-7"} 1');
  });

  it("logs structured JSON lines tagged with the block and instance", async () => {
    const t = await testComponent(
      defineComponent({ init: (ctx) => ctx.log.info("loaded", { n: 1 }), infer: (i) => i }),
    );
    expect(JSON.parse(t.logs[0] ?? "{}")).toMatchObject({
      level: "info",
      msg: "loaded",
      n: 1,
      blockId: "test-block",
    });
  });
});
