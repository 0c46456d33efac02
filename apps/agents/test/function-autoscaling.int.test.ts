import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../packages/client/test/cli-io";
import { doc, rejection, useApiServer } from "../../api/test/harness";
import { type AgentProcess, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

/** A function whose every call keeps its replica busy for `ms` (a policy has no timers). */
const BUSY = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "function",
  eval(input) {
    const ms = typeof input === "object" && input !== null && "ms" in input ? Number(input.ms) : 100;
    const until = Date.now() + ms;
    while (Date.now() < until) {}
    return { ok: true };
  },
});`;

const rules = { minReplicas: 1, maxReplicas: 3, targetInFlight: 1, scaleDownSeconds: 2 };

describe.runIf(redisUrl)("policy functions scaled by their agent (execution type 4 autoscaling)", () => {
  const api = useApiServer();
  const clusterId = `fas-${Date.now().toString(36)}`;
  let agent: AgentProcess;

  beforeAll(async () => {
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "busy",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "function",
        code: BUSY,
      }),
    });
    agent = startClusterAgent(api.url, clusterId, { AIOS_FUNCTION_AUTOSCALE_SECONDS: "1" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it("refuses rules and replicas that do not fit, naming the field", async () => {
    const upside = await rejection(
      api.caller().functions.deploy({
        name: "bad-rules",
        policyRuleURI: "busy:1.0.0-stable",
        clusterId,
        autoscaling: { ...rules, minReplicas: 4 },
      }),
    );
    expect(upside.message).toContain("maxReplicas");
    expect(upside.message).toContain("must be at least minReplicas");
    const outside = await rejection(
      api.caller().functions.deploy({
        name: "bad-replicas",
        policyRuleURI: "busy:1.0.0-stable",
        clusterId,
        replicas: 5,
        autoscaling: rules,
      }),
    );
    expect(outside.message).toBe("replicas: 5 is outside the function's autoscaling bounds [1, 3]");
    const cli = await runCli(api.url, [
      "function",
      "deploy",
      "bad-cli",
      "--policy",
      "busy:1.0.0-stable",
      "--cluster",
      clusterId,
      "--autoscale",
      JSON.stringify({ minReplicas: 2, maxReplicas: 1, targetInFlight: 1 }),
    ]);
    expect(cli.code).toBe(2);
    expect(cli.err).toContain("--autoscale: maxReplicas: must be at least minReplicas");
    expect(await api.caller().functions.list({ clusterId })).toEqual([]);
  });

  it("scales out while calls wait, and back in once fewer replicas are enough", async () => {
    const fn = await api.caller().functions.deploy({
      name: "busy",
      policyRuleURI: "busy:1.0.0-stable",
      clusterId,
      autoscaling: rules,
    });
    expect(fn).toMatchObject({ replicas: 1, autoscaling: rules });
    await expect
      .poll(async () => (await api.caller().functions.get({ name: "busy" })).status, { timeout: 30_000 })
      .toBe("running");
    // A manual scale stays within the rules.
    const tooMany = await rejection(api.caller().functions.scale({ name: "busy", replicas: 4 }));
    expect(tooMany.message).toContain("outside the function's autoscaling bounds [1, 3]");

    // Four callers in a loop: about four calls in flight against a target of one per replica.
    let loading = true;
    const callers = Array.from({ length: 4 }, async () => {
      while (loading)
        await api
          .caller()
          .functions.invoke({ name: "busy", input: { ms: 150 } })
          .catch(() => undefined);
    });
    try {
      await waitUntil(
        "three ready replicas",
        async () => {
          const f = await api.caller().functions.get({ name: "busy" });
          return f.replicas === 3 && f.replicaStates.filter((r) => r.status === "ready").length === 3;
        },
        60_000,
      );
    } finally {
      loading = false;
      await Promise.all(callers);
    }
    // Idle: after scaleDownSeconds of wanting fewer, it goes back to minReplicas.
    await waitUntil(
      "one replica again",
      async () => (await api.caller().functions.get({ name: "busy" })).replicas === 1,
      30_000,
    );
    expect(agent.output()).toContain("function autoscaled");
  });

  it("takes the agent's request only for its own cluster's autoscaled functions", async () => {
    const other = { role: "agent" as const, scope: "some-other-cluster", tokenId: null };
    const foreign = await rejection(
      api.caller(other).agents.work.autoscaleFunction({ name: "busy", replicas: 2 }),
    );
    expect(foreign.code).toBe("FORBIDDEN");
    const off = await runCli(api.url, ["function", "autoscale", "busy", "off"]);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.out)).toMatchObject({ name: "busy", autoscaling: null });
    const own = { role: "agent" as const, scope: clusterId, tokenId: null };
    const unruled = await rejection(
      api.caller(own).agents.work.autoscaleFunction({ name: "busy", replicas: 2 }),
    );
    expect(unruled.code).toBe("CONFLICT");
    expect(unruled.message).toBe("function busy has no autoscaling rules");
    await api.caller().functions.remove({ name: "busy" });
  });
});
