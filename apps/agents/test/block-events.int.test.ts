import { clusterQueueName } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

/**
 * Block events end to end on real processes: the agent's reports become the platform's events; an
 * instance's `ctx.emitEvent` goes through its agent to the API, which queues its event policy on
 * the cluster's queue; the agent holding the cluster's duties runs it and reports the outcome, and
 * the API does what it asks for (a management command that reaches the instance again, a scaling).
 */
describe.runIf(redisUrl)("block events from a running block", () => {
  const api = useApiServer();
  const clusterId = `ev-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  const events = () => api.caller().blocks.events({ id: "ev-echo", limit: 100 });

  beforeAll(async () => {
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "on-ping",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "event",
        code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "event",
  init() { return {}; },
  eval(input) { return { seen: input.eventData, mgmtCommand: { action: "stats" } }; },
});
`,
      }),
    });
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "scale-on-load",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "event",
        code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "event",
  init() { return {}; },
  eval(input) { return { scale: (input.eventData as { want: number }).want }; },
});
`,
      }),
    });
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "200" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "ev-echo",
        clusterId,
        minInstances: 1,
        maxInstances: 2,
        blockInitData: {
          events: { "echo.ping": "on-ping:1.0.0-stable", "echo.load": "scale-on-load:1.0.0-stable" },
        },
        initSettings: { healthCheckInterval: 0.3 },
      }),
    });
    await waitUntil(
      "the block to run",
      async () => (await api.caller().blocks.get({ id: "ev-echo" })).status === "running",
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("records the instance's start and its first healthy verdict", async () => {
    const [instance] = await api.caller().blocks.instances({ id: "ev-echo" });
    await expect
      .poll(async () => (await events()).map((e) => [e.name, e.instanceId, e.source]).reverse(), {
        timeout: 10_000,
      })
      .toEqual(
        expect.arrayContaining([
          ["instance_started", instance?.id, "platform"],
          ["instance_healthy", instance?.id, "platform"],
        ]),
      );
  });

  it("takes an instance's own event through its agent; the event policy's command reaches the instance", async () => {
    const [instance] = await api.caller().blocks.instances({ id: "ev-echo" });
    const sent = await api
      .caller()
      .blocks.mgmt({ id: "ev-echo", action: "emit", data: { name: "echo.ping", data: { n: 7 } } });
    expect(sent.results).toEqual([expect.objectContaining({ status: 200 })]);
    await expect
      // The outcome is stored first (claimed), then with the action it asked for.
      .poll(async () => (await events()).find((e) => e.name === "echo.ping")?.outcome?.action ?? null, {
        timeout: 15_000,
      })
      .not.toBeNull();
    const ping = (await events()).find((e) => e.name === "echo.ping");
    expect(ping).toMatchObject({
      source: "instance",
      instanceId: instance?.id,
      clusterId,
      data: { n: 7 },
      outcome: {
        policyRuleURI: "on-ping:1.0.0-stable",
        ok: true,
        output: { seen: { n: 7 } },
        action: { mgmtCommand: "stats", ok: true },
      },
    });
    type Replies = { reply: { results: Array<{ status: number; reply: unknown }> } };
    const reply = ((ping?.outcome?.action ?? {}) as Replies).reply;
    expect(reply.results).toEqual([
      expect.objectContaining({
        status: 200,
        reply: { ok: true, result: expect.objectContaining({ failing: false }) },
      }),
    ]);
  });

  it("runs the event policy on the agent holding the cluster's duties; its { scale } scales the block", async () => {
    await api
      .caller()
      .blocks.mgmt({ id: "ev-echo", action: "emit", data: { name: "echo.load", data: { want: 2 } } });
    const load = async () => (await events()).find((e) => e.name === "echo.load");
    await expect
      .poll(async () => (await load())?.outcome?.action ?? null, { timeout: 15_000 })
      .not.toBeNull();
    const event = await load();
    expect(event?.outcome).toEqual({
      policyRuleURI: "scale-on-load:1.0.0-stable",
      ok: true,
      output: { scale: 2 },
      action: { scale: 2, ok: true },
    });
    expect((await api.caller().blocks.get({ id: "ev-echo" })).desiredInstances).toBe(2);
    // The job of the cluster's queue, done by the agent's block.event handler.
    const queue = api.queues.queue(clusterQueueName(clusterId));
    const job = await queue.getJob(`block.event__ev-echo__${event?.id}`);
    await queue.close();
    expect(job?.returnvalue).toEqual({ eventId: event?.id, ran: true, ok: true, stored: true });
    // An agent of another cluster can neither fetch its policy nor report on it.
    const other = api.caller({ role: "agent", scope: `${clusterId}-other`, tokenId: null });
    const eventId = event?.id as number;
    const handler = { policyRuleURI: "scale-on-load:1.0.0-stable" };
    const result = { ok: true, output: { scale: 1 }, logs: [], durationMs: 1 };
    expect((await rejection(other.agents.work.blockEventPolicy({ eventId, handler }))).code).toBe(
      "FORBIDDEN",
    );
    const refused = await rejection(other.agents.work.blockEventOutcome({ eventId, ...handler, result }));
    expect(refused.code).toBe("FORBIDDEN");
    expect((await api.caller().blocks.get({ id: "ev-echo" })).desiredInstances).toBe(2);
  });
});
