import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const BLOCK = "busy-echo";
const CONCURRENCY = 32;

type AutoscalerMetrics = {
  instances: number;
  inFlight: number;
  waiting: number;
  queueLength: number;
  avgInFlight: number;
};

/**
 * The data plane under concurrent load, with real processes (the agent, the block's executor and
 * its echo instances): requests that wait show in the autoscaler's input, and it scales out.
 */
describe.runIf(redisUrl)("the data plane under concurrent load: what the autoscaler sees", () => {
  const api = useApiServer();
  const clusterId = `dpa-${Date.now().toString(36)}`;
  let agent: AgentProcess;
  const autoscaler = async () =>
    (await api.caller().blocks.metrics({ id: BLOCK })).autoscaler as {
      metrics: AutoscalerMetrics | null;
      lastDecision: { operation?: string } | null;
    };

  beforeAll(async () => {
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "200" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: BLOCK,
        clusterId,
        minInstances: 1,
        maxInstances: 3,
        // Each task holds its instance a while: at 32 callers, most of them wait.
        parameters: { delayMs: 50 },
        // The built-in rule (4 in flight per instance), often. A round that sees the load still
        // arriving may ask for 2 instances; the short cooldown lets a later one ask for the third
        // (the load never wants fewer while the test runs).
        initSettings: {
          autoscalerIntervalSeconds: 0.5,
          autoscalerCooldownSeconds: 2,
          healthCheckInterval: 0.3,
        },
      }),
    });
    await waitUntil(
      "the block to run",
      async () => (await api.caller().blocks.get({ id: BLOCK })).status === "running",
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it(`shows requests waiting at ${CONCURRENCY} callers through the API in the autoscaler's input, and scales out`, async () => {
    let loading = true;
    const statuses = new Map<number, number>();
    const caller = async () => {
      while (loading) {
        const res = await fetch(`${api.url}/v1/blocks/${BLOCK}/infer`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ data: { message: "hi" } }),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    const callers = Array.from({ length: CONCURRENCY }, caller);
    try {
      // The first round that saw more than one instance's worth (targetInFlightPerInstance 4) in
      // flight over its interval, with requests waiting.
      const seen: AutoscalerMetrics[] = [];
      await expect
        .poll(
          async () => {
            const m = (await autoscaler()).metrics;
            if (m && m.queueLength > 0 && m.avgInFlight > 4) seen.push(m);
            return seen.length > 0;
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBe(true);
      expect(seen[0]).toMatchObject({ instances: 1 });
      expect(seen[0]?.inFlight).toBeGreaterThan(1);
      await expect
        .poll(async () => (await api.caller().blocks.get({ id: BLOCK })).desiredInstances, {
          timeout: 60_000,
          interval: 300,
        })
        .toBe(3);
      expect((await autoscaler()).lastDecision).toMatchObject({ operation: "upscale" });
      await expect
        .poll(
          async () =>
            (await api.caller().blocks.instances({ id: BLOCK })).filter((i) => i.status === "healthy").length,
          { timeout: 60_000, interval: 300 },
        )
        .toBe(3);
    } finally {
      loading = false;
      await Promise.all(callers);
    }
    // Every call was answered by the block (none refused or failed on the way).
    expect([...statuses.keys()]).toEqual([200]);
  }, 180_000);
});
