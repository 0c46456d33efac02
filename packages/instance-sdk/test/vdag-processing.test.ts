import type { TInstancePolicy } from "@aios/contracts";
import type { PolicyInstance } from "@aios/policy-runtime";
import { afterEach, describe, expect, it } from "vitest";
import { type ComponentHarness, defineComponent, testComponent, VdagPolicyCache } from "../src/index";
import { policy, STAMP_POST, UPPERCASE_PRE } from "./helpers";

/** vdagPreProcessing: copies modelParameters.prompt into the data, and the input's context fields. */
const PROMPT_PRE = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "vdagPreProcessing",
  init() {
    return {};
  },
  eval(input, { log }) {
    log.info("pre-processing at", input.nodeLabel);
    const seen = { vdagURI: input.vdagURI, nodeLabel: input.nodeLabel, blockId: input.blockId, heads: Object.keys(input.graph ?? {}) };
    const data = { ...input.packet.data, prompt: input.modelParameters?.prompt, seen };
    return { packet: { ...input.packet, data } };
  },
});
`;

/** vdagPostProcessing: routes by data.route ("b" -> ["b"], "none" -> [], "c" -> ["c"], else omitted). */
const ROUTE_POST = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "vdagPostProcessing",
  init() {
    return {};
  },
  eval(input) {
    const route = input.packet.data.route;
    const packet = { ...input.packet, data: { ...input.packet.data, routedFrom: input.next } };
    if (route === "none") return { packet, next: [] };
    if (typeof route === "string") return { packet, next: [route] };
    return { packet };
  },
});
`;

/** vdagPostProcessing that counts its calls in its state: one instance reused => 1, 2, 3, ... */
const COUNTING_POST = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "vdagPostProcessing",
  init({ settings }) {
    return { calls: 0, step: Number(settings.step ?? 1) };
  },
  eval(input, { state }) {
    state.calls += state.step;
    return { packet: { ...input.packet, data: { ...input.packet.data, calls: state.calls } } };
  },
});
`;

const FAILING_PRE = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "vdagPreProcessing",
  init() {
    return {};
  },
  eval() {
    throw new Error("no entry");
  },
});
`;

/** Echoes its input and what it saw of the vDAG context. */
const echo = defineComponent({
  infer: (input, ctx) => ({ ...input, ctxVdag: ctx.packet.vdag ?? null }),
});

const node = (extra: Record<string, unknown> = {}) => ({
  vdagURI: "pipeline:1.0.0-stable",
  nodeLabel: "classify",
  modelParameters: { prompt: "be brief" },
  next: ["a", "b"],
  graph: { classify: ["a", "b"], a: [], b: [] },
  ...extra,
});

const task = (data: Record<string, unknown>, vdagNode?: unknown, seq = 0) => ({
  packet: { session_id: "s-1", seq_no: seq, ts: 1, data },
  ...(vdagNode ? { vdagNode } : {}),
});

let harness: ComponentHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(initData: Parameters<typeof testComponent>[1] = {}): Promise<ComponentHarness> {
  harness = await testComponent(echo, { blockId: "blk-1", ...initData });
  return harness;
}

describe("vDAG node pre/post-processing policies", () => {
  it("runs vDAG pre -> block pre -> infer -> block post -> vDAG post and answers the routed next", async () => {
    const t = await start({
      policies: {
        pre_processing: policy("upper", UPPERCASE_PRE),
        post_processing: policy("stamp", STAMP_POST, { tag: "v1" }),
      },
    });
    const vdagNode = node({
      preprocessing: policy("prompt", PROMPT_PRE),
      postprocessing: policy("route", ROUTE_POST),
    });
    const r = await t.send(task({ text: "hi", route: "b" }, vdagNode));
    expect(r.status).toBe(200);
    const body = r.body as { packet: { data: Record<string, unknown>; vdag: unknown }; next: string[] };
    expect(body.next).toEqual(["b"]);
    expect(body.packet.vdag).toEqual({ vdagURI: "pipeline:1.0.0-stable", nodeLabel: "classify" });
    expect(body.packet.data).toEqual({
      text: "HI", // block pre ran after the vDAG pre
      route: "b",
      prompt: "be brief", // from modelParameters
      seen: {
        vdagURI: "pipeline:1.0.0-stable",
        nodeLabel: "classify",
        blockId: "blk-1",
        heads: ["classify", "a", "b"],
      },
      ctxVdag: { vdagURI: "pipeline:1.0.0-stable", nodeLabel: "classify" }, // infer saw the context
      block: "blk-1", // block post ran
      tag: "v1",
      routedFrom: ["a", "b"], // vDAG post ran last, with the node's next
    });
    expect(t.logs.some((l) => l.includes('"msg":"pre-processing at classify"'))).toBe(true);
    const log = JSON.parse(t.logs.find((l) => l.includes("pre-processing at")) ?? "{}");
    expect(log).toMatchObject({
      source: "policy",
      policy: "prompt:1.0.0-stable",
      slot: "vdag_pre_processing",
      nodeLabel: "classify",
    });
  });

  it("answers vdagNode.next when there is no post policy, or it leaves next out; [] stops", async () => {
    const t = await start();
    expect(await t.inferVdag({ x: 1 }, node())).toMatchObject({ next: ["a", "b"] });
    const routed = node({ postprocessing: policy("route", ROUTE_POST) });
    expect((await t.inferVdag({ x: 1 }, routed)).next).toEqual(["a", "b"]);
    expect((await t.inferVdag({ route: "none" }, routed)).next).toEqual([]);
    expect((await t.inferVdag({ route: "a" }, routed)).next).toEqual(["a"]);
  });

  it("keeps a packet's own vdag context", async () => {
    const t = await start();
    const vdag = { vdagURI: "outer:1.0.0-stable", nodeLabel: "outer.classify", path: ["start"] };
    const { packet } = await t.inferVdag({ x: 1 }, node(), { vdag });
    expect(packet.vdag).toEqual(vdag);
    expect(packet.data.ctxVdag).toEqual(vdag);
  });

  it("fails with 422 at vdag_post_processing when the policy routes to a label that is not next", async () => {
    const t = await start();
    const r = await t.send(task({ route: "c" }, node({ postprocessing: policy("route", ROUTE_POST) })));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      error: {
        stage: "vdag_post_processing",
        message: expect.stringMatching(/route:1.0.0-stable routed to "c", not a next node of "classify"/),
        issues: [{ path: "output.next[0]", message: expect.stringContaining('"c"') }],
      },
    });
    expect(await t.metrics()).toMatch(/aios_instance_requests_total\{outcome="vdag_post_processing".*\} 1/);
  });

  it("fails with 422 naming the policy when it does not compile, is of the wrong kind, or throws", async () => {
    const t = await start();
    const broken = await t.send(task({}, node({ preprocessing: policy("broken", "export default {") })));
    expect(broken.status).toBe(422);
    expect(broken.body).toMatchObject({
      error: {
        stage: "vdag_pre_processing",
        message: expect.stringMatching(/^vdagNode.preprocessing \(broken:1.0.0-stable\): /),
      },
    });

    const wrong = await t.send(task({}, node({ postprocessing: policy("pre", PROMPT_PRE) })));
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      error: {
        stage: "vdag_post_processing",
        message:
          "vdagNode.postprocessing (pre:1.0.0-stable): is a vdagPreProcessing policy, expected vdagPostProcessing",
      },
    });

    const block = await t.send(task({}, node({ preprocessing: policy("stamp", STAMP_POST) })));
    expect(block.body).toMatchObject({
      error: {
        stage: "vdag_pre_processing",
        message: expect.stringMatching(/is a blockPostProcessing policy/),
      },
    });

    const throws = await t.send(task({}, node({ preprocessing: policy("deny", FAILING_PRE) })));
    expect(throws.status).toBe(422);
    expect(throws.body).toMatchObject({
      error: {
        stage: "vdag_pre_processing",
        message: expect.stringMatching(/deny:1.0.0-stable failed \(runtime\): .*no entry/),
      },
    });
    // The instance is still serving.
    expect((await t.inferVdag({ x: 1 }, node())).next).toEqual(["a", "b"]);
  });

  it("fails with 422 and the issues when a policy returns an invalid output", async () => {
    const t = await start();
    const bad = ROUTE_POST.replace("return { packet };", "return { packet, next: [42] } as never;");
    const r = await t.send(task({}, node({ postprocessing: policy("bad", bad) })));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      error: {
        stage: "vdag_post_processing",
        issues: expect.arrayContaining([expect.objectContaining({ path: "output.next[0]" })]),
      },
    });
  });

  it("loads each distinct policy once and reuses its instance across tasks", async () => {
    const t = await start();
    const counting = node({ postprocessing: policy("count", COUNTING_POST) });
    // Concurrent first tasks share one load.
    const first = await Promise.all([1, 2, 3, 4].map(() => t.inferVdag({}, counting)));
    expect(first.map((r) => r.packet.data.calls).sort()).toEqual([1, 2, 3, 4]);
    for (const expected of [5, 6, 7])
      expect((await t.inferVdag({}, counting)).packet.data.calls).toBe(expected);
    expect(t.host.vdagPolicies.loads).toBe(1);
    expect(t.host.vdagPolicies.size).toBe(1);

    // Other settings make another policy instance, with its own state.
    const other = node({ postprocessing: policy("count", COUNTING_POST, { step: 10 }) });
    expect((await t.inferVdag({}, other)).packet.data.calls).toBe(10);
    expect((await t.inferVdag({}, counting)).packet.data.calls).toBe(8);
    expect(t.host.vdagPolicies.loads).toBe(2);
    expect(t.host.vdagPolicies.size).toBe(2);
  });

  it("leaves a task without vdagNode as it was: no next, no vdag context, vDAG policies not loaded", async () => {
    const t = await start({ policies: { post_processing: policy("stamp", STAMP_POST, { tag: "v1" }) } });
    const r = await t.send(task({ text: "hi" }));
    expect(r.status).toBe(200);
    expect(Object.keys(r.body as object)).toEqual(["packet"]);
    expect((r.body as { packet: object }).packet).toEqual({
      session_id: "s-1",
      seq_no: 0,
      ts: 1,
      data: { text: "hi", ctxVdag: null, block: "blk-1", tag: "v1" },
    });
    expect(t.host.vdagPolicies.loads).toBe(0);
  });

  it("gives a batched component each packet's vDAG context and each task its own routing", async () => {
    const batched = defineComponent({
      batch: { maxSize: 4, maxWaitMs: 20 },
      infer: (inputs, ctx) =>
        inputs.map((input, i) => ({ ...input, node: ctx.packets[i]?.vdag?.nodeLabel ?? null })),
    });
    harness = await testComponent(batched);
    const routed = (label: string) => node({ nodeLabel: label, postprocessing: policy("route", ROUTE_POST) });
    const [one, two] = await Promise.all([
      harness.inferVdag({ route: "a" }, routed("first")),
      harness.inferVdag({ route: "b" }, routed("second")),
    ]);
    expect(one).toMatchObject({ next: ["a"], packet: { data: { node: "first" } } });
    expect(two).toMatchObject({ next: ["b"], packet: { data: { node: "second" } } });
    expect(harness.host.vdagPolicies.loads).toBe(1);
  });

  it("refuses an invalid vdagNode with 400 at stage request", async () => {
    const t = await start();
    const r = await t.send(task({}, { vdagURI: "", nodeLabel: "x" }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: { stage: "request", issues: [expect.objectContaining({ path: "vdagNode.vdagURI" })] },
    });
  });
});

describe("VdagPolicyCache", () => {
  const fakeInstance = (log: string[], name: string): PolicyInstance =>
    ({ kind: "vdagPreProcessing", dispose: () => log.push(`dispose ${name}`) }) as unknown as PolicyInstance;
  const p = (name: string, code = "code"): TInstancePolicy => ({
    policyRuleURI: `${name}:1.0.0-stable`,
    code,
    settings: {},
    parameters: {},
  });
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it("keys by URI and content, evicts the least recently used and disposes it once unused", async () => {
    const log: string[] = [];
    const cache = new VdagPolicyCache(2, async (policy) => {
      log.push(`load ${policy.policyRuleURI}`);
      return fakeInstance(log, policy.policyRuleURI);
    });
    const use = (policy: TInstancePolicy) => cache.use(policy, async (i) => i);
    await use(p("a"));
    await use(p("b"));
    await use(p("a")); // a is now the most recently used
    expect(cache.loads).toBe(2);
    expect(VdagPolicyCache.keyOf(p("a"))).not.toBe(VdagPolicyCache.keyOf(p("a", "other code")));

    // A task holds b (now the most recently used); c evicts a, a again evicts b, which stays
    // loaded until that task finishes; d evicts c.
    let release = () => {};
    const holding = cache.use(p("b"), () => new Promise<void>((r) => (release = r)));
    await tick();
    await use(p("c"));
    await use(p("a"));
    await use(p("d"));
    await tick();
    expect(log.filter((l) => l.startsWith("dispose"))).toEqual([
      "dispose a:1.0.0-stable",
      "dispose c:1.0.0-stable",
    ]);
    release();
    await holding;
    await tick();
    expect(log.at(-1)).toBe("dispose b:1.0.0-stable");
    expect(cache.size).toBe(2);
    expect(cache.loads).toBe(5);

    cache.dispose();
    await tick();
    expect(log.slice(-2).sort()).toEqual(["dispose a:1.0.0-stable", "dispose d:1.0.0-stable"]);
    expect(cache.size).toBe(0);
    await expect(use(p("a"))).rejects.toThrow(/disposed/);
  });

  it("shares one load between concurrent users and drops a failed load", async () => {
    let loads = 0;
    let fail = true;
    const cache = new VdagPolicyCache(4, async () => {
      loads++;
      await tick();
      if (fail) throw new Error("boom");
      return fakeInstance([], "x");
    });
    const both = await Promise.allSettled([
      cache.use(p("x"), async () => 1),
      cache.use(p("x"), async () => 2),
    ]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(loads).toBe(1);
    await tick();
    expect(cache.size).toBe(0);
    fail = false;
    expect(await cache.use(p("x"), async () => "ok")).toBe("ok");
    expect(loads).toBe(2);
  });
});
