import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

/**
 * Block events end to end on real processes: the agent's reports become the platform's events; an
 * instance's `ctx.emitEvent` goes through its agent to the API, whose event policy for it answers
 * with a management command that reaches the instance again.
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
        blockInitData: { events: { "echo.ping": "on-ping:1.0.0-stable" } },
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
      .poll(async () => (await events()).find((e) => e.name === "echo.ping")?.outcome ?? null, {
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
});
