import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const _examples = resolve(import.meta.dirname, "../../../examples/specs");

describe.runIf(redisUrl)(
  "controlling a running block: autoscaler, management commands, health checker",
  () => {
    const api = useApiServer();
    const clusterId = `as-${Date.now().toString(36)}`;
    let agent: AgentProcess;
    const healthy = async () =>
      (await api.caller().blocks.instances({ id: "slow-echo" })).filter((i) => i.status === "healthy").length;

    beforeAll(async () => {
      await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
      await applyExamples((document) => api.caller().parser.applySpec({ document }), "policies.json");
      agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "200" });
      await waitUntil(
        "the agent to register",
        async () => (await api.services.nodes.list({ clusterId })).length === 1,
      );
      await api.caller().parser.applySpec({
        document: doc("createBlock", {
          blockComponentURI: "model.echo:1.0.0-stable",
          blockId: "slow-echo",
          clusterId,
          minInstances: 1,
          maxInstances: 3,
          parameters: { delayMs: 400 },
          policyRulesSpec: [{ values: { name: "loadBalancer", policyRuleURI: "round-robin:1.0.0-stable" } }],
          // The built-in rule: about one task in flight per instance; decide often, cool down fast.
          initSettings: {
            targetInFlightPerInstance: 1,
            autoscalerIntervalSeconds: 0.3,
            autoscalerCooldownSeconds: 2,
            healthCheckInterval: 0.3,
          },
        }),
      });
      await waitUntil(
        "the block to run",
        async () => (await api.caller().blocks.get({ id: "slow-echo" })).status === "running",
        60_000,
      );
    }, 90_000);
    afterAll(async () => {
      await agent?.stop();
    });

    it("scales up under load, within maxInstances, and back down after its cooldown", async () => {
      let loading = true;
      const load = (async () => {
        while (loading) {
          await Promise.all(
            Array.from({ length: 6 }, () =>
              fetch(`${api.url}/v1/blocks/slow-echo/infer`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ data: { message: "hi" } }),
              }).then((r) => r.arrayBuffer()),
            ),
          );
        }
      })();
      try {
        await expect.poll(healthy, { timeout: 60_000, interval: 300 }).toBe(3);
        expect((await api.caller().blocks.get({ id: "slow-echo" })).desiredInstances).toBe(3);
      } finally {
        loading = false;
        await load;
      }
      await expect.poll(healthy, { timeout: 60_000, interval: 300 }).toBe(1);
      expect((await api.caller().blocks.get({ id: "slow-echo" })).desiredInstances).toBe(1);
      // The instances scaled away are stopped by their node, which then reports them gone.
      await expect
        .poll(async () => (await api.caller().blocks.instances({ id: "slow-echo" })).length, {
          timeout: 30_000,
          interval: 300,
        })
        .toBe(1);
    });

    it("runs a management command on the instances; an instance told to fail is replaced by the health checker", async () => {
      const [before] = await api.caller().blocks.instances({ id: "slow-echo" });
      const r = await api.caller().parser.applySpec({
        document: doc("executeMgmtCommand", {
          blockId: "slow-echo",
          service: "instances",
          mgmtCommand: "fail",
        }),
      });
      const { results } = r.result as { results: Array<{ instanceId: string; status: number }> };
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ instanceId: before?.id, status: 200 });
      await expect
        .poll(
          async () => {
            // The failed one was marked removing, a new one placed; its node stopped the old one.
            const now = await api.caller().blocks.instances({ id: "slow-echo" });
            return now.length === 1 && now[0]?.id !== before?.id && now[0]?.status === "healthy";
          },
          { timeout: 60_000, interval: 300 },
        )
        .toBe(true);
    });

    it("runs a management command on the policy of a block service, and names what cannot take one", async () => {
      const r = await api.caller().parser.applySpec({
        document: doc("executeMgmtCommand", {
          blockId: "slow-echo",
          service: "executor",
          mgmtCommand: "reset",
        }),
      });
      expect(r.result).toEqual({
        service: "executor",
        status: 200,
        reply: { ok: true, result: { ok: true } },
      });
      const none = await api
        .caller()
        .blocks.serviceMgmt({ id: "slow-echo", service: "autoscaler", action: "x" });
      expect(none.status).toBe(404);
      expect(JSON.stringify(none.reply)).toContain("runs no autoscaler policy");
      const err = await api
        .caller()
        .parser.applySpec({
          document: doc("executeMgmtCommand", { clusterId, service: "stability_checker", mgmtCommand: "x" }),
        })
        .catch((e: Error) => e);
      expect((err as Error).message).toContain(
        `body.spec.values.clusterId: cluster ${clusterId} has no stability checker (config.stabilityChecker is not set)`,
      );
    });

    it("updates parameters on the running instances without restarting them", async () => {
      const before = (await api.caller().blocks.instances({ id: "slow-echo" })).map((i) => i.id);
      const r = await api
        .caller()
        .blocks.updateParameters({ id: "slow-echo", parameters: { uppercase: true, delayMs: 0 } });
      expect(r.parameters).toEqual({ delayMs: 0, uppercase: true });
      expect(r.results.map((x) => x.status)).toEqual([200]);
      const res = await fetch(`${api.url}/v1/blocks/slow-echo/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { message: "hi" } }),
      });
      expect(((await res.json()) as { packet: { data: { message: string } } }).packet.data.message).toBe(
        "HI",
      );
      await new Promise((r) => setTimeout(r, 1_000)); // a reconcile would have restarted them by now
      expect((await api.caller().blocks.instances({ id: "slow-echo" })).map((i) => i.id)).toEqual(before);
    });

    it("refuses to remove an instance below minInstances, naming the field", async () => {
      const [only] = await api.caller().blocks.instances({ id: "slow-echo" });
      const err = await api
        .caller()
        .blocks.removeInstance({ id: "slow-echo", instanceId: only?.id ?? "" })
        .catch((e: Error) => e);
      expect((err as Error).message).toBe(
        "instanceId: removing it would go below minInstances (1); scale instead",
      );
    });
  },
);
