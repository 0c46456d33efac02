import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { clusterQueueName, MAX_BLOCK_EVENT_DATA_BYTES } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PENDING_EVENT_POLICIES } from "../src/domains/blocks/block-event-policies";
import { MAX_EVENTS_PER_BLOCK } from "../src/domains/blocks/block-events.service";
import { startEventDutyHolder } from "./event-duty-holder";
import { doc, rejection, reportPlaced, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const json = (f: string) => JSON.parse(readFileSync(resolve(examples, f), "utf8")) as unknown;

const eventPolicy = (name: string, body: string) =>
  doc("createPolicy", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    kind: "event",
    code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "event",
  init() { return {}; },
  eval(input) { ${body} },
});
`,
  });

/**
 * Block events on the real API, PostgreSQL and queues: the platform's (from the agent's reports and
 * the executor's wishes) and the instances' (forwarded with the reports), each with an event policy
 * (`blockInitData.events`) queued on its block's cluster queue, where the test plays the duty
 * holder (event-duty-holder.ts; the agent's own run: apps/agents/test/block-events.int.test.ts);
 * what it reports is stored and may scale the block.
 */
describe("block events", () => {
  const api = useApi();
  const clusterId = `be-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const nodeId = `${clusterId}-n1`;
  const names = async () =>
    (await api.caller().blocks.events({ id: "ev-a", limit: 500 })).map((e) => e.name).reverse();
  let duty: ReturnType<typeof startEventDutyHolder>;
  /** Every event stored, its policy queued, run by the duty holder, and what that caused stored too. */
  const settled = async () => {
    for (let round = 0; round < 3; round++) {
      await api.services.blockEvents.idle();
      await duty.drained();
    }
  };

  afterAll(async () => {
    await duty?.close();
  });

  beforeAll(async () => {
    duty = startEventDutyHolder(api.queues, clusterId, api.caller(agent));
    for (const document of json("components.json") as unknown[])
      await api.caller().parser.applySpec({ document });
    for (const document of [
      eventPolicy(
        "echo-event",
        "return { handled: input.eventName, instance: input.instanceId ?? null, data: input.eventData };",
      ),
      eventPolicy("failing-event", 'throw new Error("cannot handle " + input.eventName);'),
      eventPolicy("scale-on-event", "return { scale: (input.eventData as { want: number }).want };"),
    ])
      await api.caller().parser.applySpec({ document });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: nodeId, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "ev-a",
        clusterId,
        minInstances: 1,
        maxInstances: 3,
        blockInitData: {
          events: {
            instance_started: "echo-event:1.0.0-stable",
            instance_crashed: "failing-event:1.0.0-stable",
            overloaded: { policyRuleURI: "scale-on-event:1.0.0-stable" },
            progress: "echo-event:1.0.0-stable",
            scaled_up: "echo-event:1.0.0-stable",
          },
        },
      }),
    });
  });

  it("records an instance's start and health verdicts, and stores what the event policy answered", async () => {
    await reportPlaced(api.caller(agent), "ev-a", nodeId, { health: "healthy" });
    await settled();
    expect(await names()).toEqual(["instance_started", "instance_healthy"]);
    const [healthy, started] = await api.caller().blocks.events({ id: "ev-a" });
    const [instance] = await api.caller().blocks.instances({ id: "ev-a" });
    expect(started).toMatchObject({
      name: "instance_started",
      source: "platform",
      instanceId: instance?.id,
      clusterId,
      data: { nodeId },
      outcome: {
        policyRuleURI: "echo-event:1.0.0-stable",
        ok: true,
        output: { handled: "instance_started", instance: instance?.id, data: { nodeId } },
      },
    });
    // No event policy for instance_healthy: no outcome.
    expect(healthy).toMatchObject({ name: "instance_healthy", data: { was: "starting" }, outcome: null });
  });

  it("records a crash; the failing event policy adds policy_failed", async () => {
    const [instance] = await api.caller().blocks.instances({ id: "ev-a" });
    const id = instance?.id as string;
    await api.caller(agent).agents.work.reportBlock({
      blockId: "ev-a",
      nodeId,
      executorEndpoint: "http://127.0.0.1:1",
      instances: [{ id, endpoint: instance?.endpoint ?? null }],
      ended: [{ id, reason: "exit code 1; started again" }],
    });
    await settled();
    const [failed, crashed] = await api.caller().blocks.events({ id: "ev-a", limit: 2 });
    expect(crashed).toMatchObject({
      name: "instance_crashed",
      instanceId: id,
      data: { nodeId, reason: "exit code 1; started again" },
      outcome: { policyRuleURI: "failing-event:1.0.0-stable", ok: false },
    });
    expect(crashed?.outcome?.error).toContain("cannot handle instance_crashed");
    expect(failed).toMatchObject({
      name: "policy_failed",
      source: "platform",
      data: {
        eventId: crashed?.id,
        eventName: "instance_crashed",
        policyRuleURI: "failing-event:1.0.0-stable",
      },
    });
  });

  it("records the autoscaler's scaling and the health checker's replacements", async () => {
    await api.caller(agent).agents.work.autoscaled({ blockId: "ev-a", instances: 9 });
    await api.caller().blocks.scale({ id: "ev-a", instances: 2 });
    await settled();
    const [down, up] = await api.caller().blocks.events({ id: "ev-a", limit: 2 });
    expect(up).toMatchObject({ name: "scaled_up", data: { from: 1, to: 3, by: "autoscaler" } });
    expect(down).toMatchObject({ name: "scaled_down", data: { from: 3, to: 2, by: "scale" } });
    const [instance] = await api.caller().blocks.instances({ id: "ev-a" });
    await api
      .caller(agent)
      .agents.work.autoscaled({ blockId: "ev-a", instances: 2, replace: [instance?.id as string] });
    await settled();
    const [replaced] = await api.caller().blocks.events({ id: "ev-a", limit: 1 });
    expect(replaced).toMatchObject({ name: "instances_replaced", data: { instances: [instance?.id] } });
  });

  it("takes the instances' own events from the agent's report; an event policy's { scale } scales the block", async () => {
    const desired = await api.caller(agent).agents.work.desiredBlock({ blockId: "ev-a", nodeId });
    if (!desired.exists) throw new Error("unreachable");
    // Not the instance being replaced (stopped, and gone with this report).
    const id = desired.instances[0]?.id as string;
    await api.caller(agent).agents.work.reportBlock({
      blockId: "ev-a",
      nodeId,
      executorEndpoint: "http://127.0.0.1:1",
      instances: desired.instances.map((i) => ({ id: i.id, endpoint: `http://127.0.0.1:9/${i.id}` })),
      events: [
        { instanceId: id, name: "progress", data: { done: 3 }, at: "2026-12-01T00:00:00.000Z" },
        { instanceId: id, name: "overloaded", data: { want: 3 } },
        { instanceId: "in-nobody", name: "progress", data: {} },
      ],
    });
    await settled();
    const events = await api.caller().blocks.events({ id: "ev-a", limit: 50 });
    const progress = events.find((e) => e.name === "progress");
    expect(progress).toMatchObject({
      source: "instance",
      instanceId: id,
      data: { done: 3 },
      createdAt: "2026-12-01T00:00:00.000Z",
      outcome: { ok: true, output: { handled: "progress", instance: id, data: { done: 3 } } },
    });
    const overloaded = events.find((e) => e.name === "overloaded");
    expect(overloaded?.outcome).toMatchObject({
      policyRuleURI: "scale-on-event:1.0.0-stable",
      ok: true,
      output: { scale: 3 },
      action: { scale: 3, ok: true },
    });
    expect((await api.caller().blocks.get({ id: "ev-a" })).desiredInstances).toBe(3);
    expect(events.filter((e) => e.instanceId === "in-nobody")).toEqual([]);
    // The scaling it caused is recorded, and not handed to event policies (no policy loops on it).
    const caused = events.find(
      (e) => e.name === "scaled_up" && (e.data as { by?: string }).by === "event_policy",
    );
    expect(caused).toMatchObject({ data: { from: 2, to: 3, by: "event_policy" }, outcome: null });
    // The autoscaler's scaling earlier was.
    const byAutoscaler = events.find(
      (e) => e.name === "scaled_up" && (e.data as { by?: string }).by === "autoscaler",
    );
    expect(byAutoscaler?.outcome).toMatchObject({ policyRuleURI: "echo-event:1.0.0-stable", ok: true });
  });

  it("queues each handled event on its block's cluster queue, under an id of its own", async () => {
    const events = await api.caller().blocks.events({ id: "ev-a", limit: 500 });
    const started = events.find((e) => e.name === "instance_started");
    const healthy = events.find((e) => e.name === "instance_healthy");
    const job = await duty.queue.getJob(`block.event__ev-a__${started?.id}`);
    expect(job?.data).toEqual({
      type: "block.event",
      event: { ...started, outcome: null },
      handler: { policyRuleURI: "echo-event:1.0.0-stable" },
    });
    expect(job?.returnvalue).toEqual({ ran: true });
    // No handler, no job.
    expect(await duty.queue.getJob(`block.event__ev-a__${healthy?.id}`)).toBeFalsy();
  });

  it("takes an event's outcome once, from an agent of the block's cluster only", async () => {
    const events = await api.caller().blocks.events({ id: "ev-a", limit: 500 });
    const overloaded = events.find((e) => e.name === "overloaded");
    const eventId = overloaded?.id as number;
    const handler = { policyRuleURI: "scale-on-event:1.0.0-stable" };
    const result = { ok: true, output: { scale: 1 }, logs: [], durationMs: 1 };
    const other = api.caller({ role: "agent", scope: `${clusterId}-other`, tokenId: null });
    const refused = await rejection(other.agents.work.blockEventOutcome({ eventId, ...handler, result }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain(`event ${eventId} of block ev-a is on cluster ${clusterId}`);
    expect((await rejection(other.agents.work.blockEventPolicy({ eventId, handler }))).code).toBe(
      "FORBIDDEN",
    );
    // A second report (a redelivered job) stores nothing and does nothing; nothing is left to run.
    const again = await api.caller(agent).agents.work.blockEventOutcome({ eventId, ...handler, result });
    expect(again).toMatchObject({ stored: false, outcome: { output: { scale: 3 }, action: { scale: 3 } } });
    expect(await api.caller(agent).agents.work.blockEventPolicy({ eventId, handler })).toEqual({
      source: null,
    });
    expect((await api.caller().blocks.get({ id: "ev-a" })).desiredInstances).toBe(3);
  });

  it("keeps the policies of a cluster without a duty holder waiting in its queue, MAX_PENDING_EVENT_POLICIES at most", async () => {
    const idle = `${clusterId}-idle`;
    await api.caller({ role: "agent", scope: idle, tokenId: null }).agents.register({
      clusterId: idle,
      publicHostname: "127.0.0.1",
      node: { id: `${idle}-n1`, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "ev-idle",
        clusterId: idle,
        minInstances: 1,
        maxInstances: 1,
        blockInitData: { events: { "*": "echo-event:1.0.0-stable" } },
      }),
    });
    const queue = api.queues.queue(clusterQueueName(idle));
    const [first] = await api.services.blockEvents.record("ev-idle", [{ name: "tick", source: "platform" }]);
    await api.services.blockEvents.idle();
    expect(await (await queue.getJob(`block.event__ev-idle__${first?.id}`))?.getState()).toBe("waiting");
    const [stored] = await api.caller().blocks.events({ id: "ev-idle", limit: 1 });
    expect(stored?.outcome).toBeNull();
    // The cluster's queue is full: the policy of the newest is skipped, and its outcome says so.
    const more = Array.from({ length: MAX_PENDING_EVENT_POLICIES }, (_, i) => ({
      name: "tick",
      data: { i },
      source: "platform" as const,
    }));
    await api.services.blockEvents.record("ev-idle", more);
    await api.services.blockEvents.idle();
    expect((await queue.counts()).waiting).toBe(MAX_PENDING_EVENT_POLICIES);
    const [newest] = await api.caller().blocks.events({ id: "ev-idle", limit: 1 });
    expect(newest?.outcome).toEqual({
      policyRuleURI: "echo-event:1.0.0-stable",
      ok: false,
      error: "event policy queue full",
    });
    await queue.close();
  });

  it("pages newest first with beforeId", async () => {
    const all = await api.caller().blocks.events({ id: "ev-a", limit: 500 });
    expect(all.length).toBeGreaterThan(4);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const first = await api.caller().blocks.events({ id: "ev-a", limit: 2 });
    const next = await api.caller().blocks.events({ id: "ev-a", limit: 2, beforeId: first[1]?.id });
    expect([...first, ...next].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
  });

  it("keeps the last MAX_EVENTS_PER_BLOCK events of a block", async () => {
    const many = Array.from({ length: MAX_EVENTS_PER_BLOCK + 10 }, (_, i) => ({
      name: "tick",
      data: { i },
      source: "platform" as const,
    }));
    await api.services.blockEvents.record("ev-a", many);
    const kept = await api.services.db.blockEvent.count({ where: { blockId: "ev-a" } });
    expect(kept).toBe(MAX_EVENTS_PER_BLOCK);
    const [newest] = await api.caller().blocks.events({ id: "ev-a", limit: 1 });
    expect(newest?.data).toEqual({ i: MAX_EVENTS_PER_BLOCK + 9 });
  });

  it("keeps a removed block's events until a new block takes its id", async () => {
    await api.caller().blocks.remove({ id: "ev-a" });
    const removed = await api
      .caller(agent)
      .agents.work.reportBlock({ blockId: "ev-a", nodeId, executorEndpoint: null, instances: [] });
    expect(removed.status).toBe("removed");
    expect((await api.caller().blocks.events({ id: "ev-a", limit: 1 })).length).toBe(1);
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "ev-a",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
    expect(await api.caller().blocks.events({ id: "ev-a" })).toEqual([]);
  });

  it("refuses bad input with the field named", async () => {
    expect((await rejection(api.caller().blocks.events({ id: "no-such-block" }))).code).toBe("NOT_FOUND");
    expect((await rejection(api.caller().blocks.events({ id: "ev-a", limit: 0 }))).code).toBe("BAD_REQUEST");
    const report = (event: { name: string; data?: unknown }) =>
      api.caller(agent).agents.work.reportBlock({
        blockId: "ev-a",
        nodeId,
        executorEndpoint: null,
        instances: [],
        events: [{ instanceId: "in-x", ...event } as never],
      });
    const badName = await rejection(report({ name: "9 lives" }));
    expect(badName.code).toBe("BAD_REQUEST");
    expect(badName.message).toContain("must start with a letter");
    const big = await rejection(report({ name: "big", data: { s: "x".repeat(MAX_BLOCK_EVENT_DATA_BYTES) } }));
    expect(big.code).toBe("BAD_REQUEST");
    expect(big.message).toContain(`the limit is ${MAX_BLOCK_EVENT_DATA_BYTES}`);
  });
});
