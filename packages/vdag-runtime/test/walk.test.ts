import { createLogger } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { createVdagController, type VdagController } from "../src";
import {
  type FakeExecutor,
  type Handler,
  makeConfig,
  makePlan,
  type NodeDef,
  post,
  startFakeExecutor,
} from "./fake-executor";

const log = createLogger({ test: "vdag-walk" }, { write: () => {} });
const running: { controllers: VdagController[]; executors: FakeExecutor[] } = {
  controllers: [],
  executors: [],
};
const URI = "test/walk:1.0.0";

afterEach(async () => {
  await Promise.all(running.controllers.splice(0).map((c) => c.close(1000)));
  await Promise.all(running.executors.splice(0).map((e) => e.stop()));
});

async function executors(spec: Record<string, Handler | undefined>): Promise<Record<string, FakeExecutor>> {
  const out: Record<string, FakeExecutor> = {};
  for (const [label, handler] of Object.entries(spec)) {
    out[label] = await startFakeExecutor(`blk-${label}`, handler);
    running.executors.push(out[label]!);
  }
  return out;
}

async function controller(
  nodes: Record<string, NodeDef>,
  extra: Parameters<typeof makeConfig>[1] = {},
): Promise<VdagController> {
  const ctl = await createVdagController({
    config: makeConfig(makePlan(URI, nodes), extra),
    log,
    healthLoop: false,
    controlToken: null,
    dataToken: null,
  });
  running.controllers.push(ctl);
  return ctl;
}

const node = (exec: FakeExecutor, next: string[] = [], ownNext?: string[]): NodeDef => ({
  blockId: exec.blockId,
  endpoint: exec.endpoint,
  next,
  ...(ownNext ? { ownNext } : {}),
});

/** A handler that waits, then echoes. */
const slow =
  (delayMs: number): Handler =>
  () => ({ delayMs, body: undefined });

describe("walking a plan", () => {
  it("runs a chain of 3, each step getting the previous one's output and its vDAG context", async () => {
    const ex = await executors({ a: undefined, b: undefined, c: undefined });
    const ctl = await controller({ a: node(ex.a!, ["b"]), b: node(ex.b!, ["c"]), c: node(ex.c!) });
    const r = await post(
      `${ctl.url}/v1/infer`,
      { session_id: "s1", data: { text: "hi" } },
      { "x-aios-task-id": "t-1" },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("x-aios-task-id")).toBe("t-1");
    expect(r.body).toMatchObject({ taskId: "t-1", vdagURI: URI });
    expect(r.body.packet.data).toEqual({ text: "hi", trail: ["blk-a", "blk-b", "blk-c"] });
    expect(r.body.outputs).toHaveLength(1);
    expect(r.body.outputs[0].nodeLabel).toBe("c");
    expect(r.body.trace.map((t: { nodeLabel: string }) => t.nodeLabel)).toEqual(["a", "b", "c"]);
    expect(r.body.trace[0]).toMatchObject({ status: "ok", instanceId: "blk-a-i1", attempts: 1, next: ["b"] });
    expect(r.body.trace[2]).toMatchObject({ status: "ok", next: [] });

    const head = ex.a!.calls[0]!;
    expect(head.packet).toMatchObject({ session_id: "s1", seq_no: 0, data: { text: "hi" } });
    expect(head.packet.vdag).toEqual({ vdagURI: URI, nodeLabel: "a", path: [] });
    expect(head.vdagNode).toMatchObject({ vdagURI: URI, nodeLabel: "a", next: ["b"] });
    expect(ex.c!.calls[0]!.packet.vdag).toEqual({ vdagURI: URI, nodeLabel: "c", path: ["a", "b"] });

    // seq_no defaults to a counter per session; the finished answer is kept.
    const r2 = await post(`${ctl.url}/v1/infer`, { session_id: "s1", data: {} });
    expect(r2.body.packet.seq_no).toBe(1);
    const kept = await fetch(`${ctl.url}/v1/tasks/t-1`);
    expect(kept.status).toBe(200);
    expect(((await kept.json()) as { taskId: string }).taskId).toBe("t-1");
    expect((await fetch(`${ctl.url}/v1/tasks/nope`)).status).toBe(404);
  });

  it("sends each executor the data token handed out with its endpoint, none where there is none", async () => {
    const ex = await executors({ a: undefined, b: undefined });
    const ctl = await controller({
      a: { ...node(ex.a!, ["b"]), dataToken: "data-token-of-blk-a" },
      b: node(ex.b!),
    });
    expect((await post(`${ctl.url}/v1/infer`, { session_id: "s1", data: {} })).status).toBe(200);
    expect(ex.a!.calls.map((c) => c.authorization)).toEqual(["Bearer data-token-of-blk-a"]);
    expect(ex.b!.calls.map((c) => c.authorization)).toEqual([undefined]);
  });

  it("names each step's cluster (from the plan) and node (the executor's x-aios-node answer)", async () => {
    const a = await startFakeExecutor("blk-a", undefined, { nodeId: "c1-n1" });
    const b = await startFakeExecutor("blk-b", undefined, { nodeId: "c2-n3" });
    const c = await startFakeExecutor("blk-c");
    running.executors.push(a, b, c);
    const ctl = await controller({
      a: { ...node(a, ["b"]), clusterId: "c1" },
      b: { ...node(b, ["c"]), clusterId: "c2" },
      c: node(c), // a plan handed out without the block's cluster, an executor that names no node
    });
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(r.status).toBe(200);
    const where = r.body.trace.map((t: { nodeLabel: string; clusterId: string; nodeId: string }) => [
      t.nodeLabel,
      t.clusterId,
      t.nodeId,
    ]);
    expect(where).toEqual([
      ["a", "c1", "c1-n1"],
      ["b", "c2", "c2-n3"],
      ["c", null, null],
    ]);
  });

  it("answers 400 when a head refuses the request's data, 502 when a later step refuses its input", async () => {
    const refuse = () => ({
      status: 400,
      body: { error: { message: "text: must be a string", stage: "infer" } },
    });
    const head = await startFakeExecutor("blk-head", refuse);
    running.executors.push(head);
    const bad = await post(`${(await controller({ a: node(head) })).url}/v1/infer`, { data: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      stage: "step",
      nodeLabel: "a",
      blockId: "blk-head",
      message: "step a (block blk-head) failed: HTTP 400 at infer: text: must be a string",
    });
    const a = await startFakeExecutor("blk-ok", (call) => ({ body: { packet: call.packet } }));
    const b = await startFakeExecutor("blk-later", refuse);
    running.executors.push(a, b);
    const later = await post(`${(await controller({ a: node(a, ["b"]), b: node(b) })).url}/v1/infer`, {
      data: {},
    });
    expect(later.status).toBe(502);
  });

  it("names the cluster and node of a step that failed, and the cluster of a skipped one", async () => {
    const a = await startFakeExecutor("blk-a", (call) => ({ body: { packet: call.packet, next: ["b"] } }));
    const b = await startFakeExecutor(
      "blk-b",
      () => ({ status: 500, body: { error: { message: "boom", stage: "infer" } } }),
      { nodeId: "c2-n1" },
    );
    const c = await startFakeExecutor("blk-c");
    running.executors.push(a, b, c);
    const ctl = await controller({
      a: { ...node(a, ["b", "c"]), clusterId: "c1" },
      b: { ...node(b), clusterId: "c2" },
      c: { ...node(c), clusterId: "c3" },
    });
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(r.status).toBe(502);
    const step = (label: string) => r.body.trace.find((t: { nodeLabel: string }) => t.nodeLabel === label);
    expect(step("b")).toMatchObject({ status: "error", clusterId: "c2", nodeId: "c2-n1" });
    expect(step("c")).toMatchObject({ status: "skipped", clusterId: "c3", nodeId: null });
  });

  it("fans out and fans in: the fan-in gets {inputs: [...]} in the order of its inputs", async () => {
    const ex = await executors({
      a: undefined,
      b: slow(80), // b answers after c; its output still comes first
      c: undefined,
      d: (call) => ({ body: { packet: { ...call.packet, data: { merged: call.packet.data } } } }),
    });
    const ctl = await controller({
      a: node(ex.a!, ["b", "c"]),
      b: node(ex.b!, ["d"]),
      c: node(ex.c!, ["d"]),
      d: node(ex.d!),
    });
    const r = await post(`${ctl.url}/v1/infer`, { data: { n: 1 } });
    expect(r.status).toBe(200);
    expect(r.body.packet.data).toEqual({
      merged: {
        inputs: [
          { n: 1, trail: ["blk-a", "blk-b"] },
          { n: 1, trail: ["blk-a", "blk-c"] },
        ],
      },
    });
    expect(ex.b!.calls).toHaveLength(1);
    expect(ex.d!.calls[0]!.packet.vdag!.path).toEqual(["a", "b", "c"]);
    expect(r.body.trace.find((t: { nodeLabel: string }) => t.nodeLabel === "a").next).toEqual(["b", "c"]);
  });

  it("starts every head with the request: two heads feed one fan-in", async () => {
    const ex = await executors({ a: undefined, b: undefined, j: undefined });
    const ctl = await controller({ a: node(ex.a!, ["j"]), b: node(ex.b!, ["j"]), j: node(ex.j!) });
    const r = await post(`${ctl.url}/v1/infer`, { data: { n: 2 } });
    expect(r.status).toBe(200);
    expect(ex.a!.calls[0]!.packet.data).toEqual({ n: 2 });
    expect(ex.b!.calls[0]!.packet.data).toEqual({ n: 2 });
    expect(r.body.packet.data).toEqual({
      inputs: [
        { n: 2, trail: ["blk-a"] },
        { n: 2, trail: ["blk-b"] },
      ],
      trail: ["blk-j"],
    });
  });

  it("routes conditionally: a branch not chosen is skipped, the fan-in gets what was delivered", async () => {
    const ex = await executors({
      a: (call) => ({ body: { packet: call.packet, next: ["right"] } }), // its own vDAG's label
      b: undefined,
      c: undefined,
      d: undefined,
    });
    const ctl = await controller({
      a: node(ex.a!, ["b", "c"], ["left", "right"]), // own labels map to plan labels by position
      b: node(ex.b!, ["d"]),
      c: node(ex.c!, ["d"]),
      d: node(ex.d!),
    });
    const r = await post(`${ctl.url}/v1/infer`, { data: { n: 2 } });
    expect(r.status).toBe(200);
    expect(ex.b!.calls).toHaveLength(0);
    expect(ex.d!.calls[0]!.packet.data).toEqual({ inputs: [{ n: 2, trail: ["blk-c"] }] });
    const byLabel = Object.fromEntries(r.body.trace.map((t: { nodeLabel: string }) => [t.nodeLabel, t]));
    expect(byLabel.a).toMatchObject({ status: "ok", next: ["c"] });
    expect(byLabel.b).toMatchObject({ status: "skipped", attempts: 0 });
    expect(byLabel.d).toMatchObject({ status: "ok" });
    expect(r.body.packet.data).toEqual({ inputs: [{ n: 2, trail: ["blk-c"] }], trail: ["blk-d"] });
  });

  it("makes a node that routes to nothing an output; several outputs are merged", async () => {
    const ex = await executors({
      a: undefined,
      b: (call) => ({ body: { packet: call.packet, next: [] } }),
      c: undefined,
      d: undefined,
    });
    const ctl = await controller({
      a: node(ex.a!, ["b", "c"]),
      b: node(ex.b!, ["d"]),
      c: node(ex.c!),
      d: node(ex.d!),
    });
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(r.status).toBe(200);
    expect(r.body.outputs.map((o: { nodeLabel: string }) => o.nodeLabel)).toEqual(["b", "c"]);
    expect(r.body.packet.data).toEqual({
      outputs: { b: { trail: ["blk-a"] }, c: { trail: ["blk-a", "blk-c"] } },
    });
    expect(ex.d!.calls).toHaveLength(0);
  });

  it("fails a request whose step routes to an unknown label, naming the step", async () => {
    const ex = await executors({
      a: (call) => ({ body: { packet: call.packet, next: ["zzz"] } }),
      b: undefined,
    });
    const ctl = await controller({ a: node(ex.a!, ["b"]), b: node(ex.b!) });
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ stage: "step", nodeLabel: "a", blockId: "blk-a" });
    expect(r.body.error.message).toContain(
      'step a (block blk-a) failed: answer routed to unknown next node "zzz"',
    );
  });

  it("fails fast when a step fails: names it, aborts the other branches, keeps the trace so far", async () => {
    const ex = await executors({
      a: undefined,
      b: () => ({
        status: 500,
        body: { error: { message: "boom", stage: "infer", instanceId: "blk-b-i7" } },
      }),
      c: slow(3000),
      d: undefined,
    });
    const ctl = await controller({
      a: node(ex.a!, ["b", "c"]),
      b: node(ex.b!, ["d"]),
      c: node(ex.c!, ["d"]),
      d: node(ex.d!),
    });
    const t0 = Date.now();
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe(502);
    expect(r.body.error).toEqual({
      stage: "step",
      nodeLabel: "b",
      blockId: "blk-b",
      message: "step b (block blk-b) failed: HTTP 500 at infer: boom",
    });
    expect(
      r.body.trace.map((t: { nodeLabel: string; status: string }) => `${t.nodeLabel}:${t.status}`),
    ).toEqual(["a:ok", "b:error"]);
    expect(r.body.trace[1]).toMatchObject({
      attempts: 1,
      instanceId: "blk-b-i1",
      error: "HTTP 500 at infer: boom",
    });
    expect(r.body.packet).toBeUndefined();
    await new Promise((res) => setTimeout(res, 50));
    expect(ex.c!.aborted).toBe(1); // the slow branch's request was cut off
    expect(ex.b!.calls).toHaveLength(1); // a component's error is not retried
  });

  it("retries a step whose block is unreachable, then fails fast naming it", async () => {
    const ex = await executors({ a: undefined, b: undefined });
    const ctl = await controller({ a: node(ex.a!, ["b"]), b: node(ex.b!) }, { retries: 2 });
    await ex.b!.stop(); // after the first health check: the port refuses connections from now on
    const t0 = Date.now();
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ stage: "step", nodeLabel: "b", blockId: "blk-b" });
    expect(r.body.error.message).toMatch(
      /^step b \(block blk-b\) failed: executor http:\/\/127\.0\.0\.1:\d+ unreachable \(ECONNREFUSED\)$/,
    );
    expect(r.body.trace[1]).toMatchObject({ nodeLabel: "b", status: "error", attempts: 3 });
  });

  it("retries 503 from the executor (no instance), not 500 from the component", async () => {
    let n = 0;
    const ex = await executors({
      a: () =>
        n++ === 0
          ? { status: 503, body: { error: { message: "no healthy instance", stage: "executor" } } }
          : undefined,
    });
    const ctl = await controller({ a: node(ex.a!) }, { retries: 1 });
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(r.status).toBe(200);
    expect(r.body.trace[0]).toMatchObject({ status: "ok", attempts: 2 });
  });

  it("answers 504 when a step takes longer than stepTimeoutMs", async () => {
    const ex = await executors({ a: undefined, b: slow(2000) });
    const ctl = await controller({ a: node(ex.a!, ["b"]), b: node(ex.b!) }, { stepTimeoutMs: 150 });
    const t0 = Date.now();
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe(504);
    expect(r.body.error).toMatchObject({
      stage: "step",
      nodeLabel: "b",
      message: "step b (block blk-b) failed: timed out after 150 ms",
    });
  });

  it("fails a fan-in that waits longer than fanInTimeoutMs for its last input", async () => {
    const ex = await executors({ a: undefined, b: undefined, c: slow(1500), d: undefined });
    const ctl = await controller(
      { a: node(ex.a!, ["b", "c"]), b: node(ex.b!, ["d"]), c: node(ex.c!, ["d"]), d: node(ex.d!) },
      { fanInTimeoutMs: 150 },
    );
    const r = await post(`${ctl.url}/v1/infer`, { data: {} });
    expect(r.status).toBe(504);
    expect(r.body.error).toMatchObject({ stage: "fan_in", nodeLabel: "d", blockId: "blk-d" });
    expect(r.body.error.message).toBe("fan-in d (block blk-d) waited 150 ms after b for c");
  });

  it("answers 400 naming the fields of a bad request", async () => {
    const ex = await executors({ a: undefined });
    const ctl = await controller({ a: node(ex.a!) });
    const r = await post(`${ctl.url}/v1/infer`, { session_id: 3, data: "x" });
    expect(r.status).toBe(400);
    expect(r.body.error.stage).toBe("request");
    expect(r.body.error.message).toContain("session_id:");
    expect(r.body.error.message).toContain("data:");
    expect((await post(`${ctl.url}/v1/infer`, "{nope")).status).toBe(400);
    expect((await fetch(`${ctl.url}/nope`)).status).toBe(404);
  });
});
