import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

// Scales to one instance more than its cluster has nodes, read with ctx.query; a query outside
// the cluster is refused, and what was said is kept in its state for the test to read back.
const NODES_AUTOSCALER = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "autoscaler",
  init() { return { refused: null }; },
  eval(input, ctx) {
    const nodes = ctx.query({ entity: "node" }).rows.length;
    try { ctx.query({ entity: "node", clusterId: "somewhere-else" }); } catch (e) { ctx.state.refused = e.message; }
    const wanted = Math.min(input.blockData.maxInstances, nodes + 1);
    const have = input.currentInstances.length;
    if (have < wanted) return { skip: false, operation: "upscale", instancesCount: wanted - have };
    return { skip: true, reason: "nodes " + nodes + "; elsewhere: " + ctx.state.refused };
  },
  management(action, data, ctx) { return { refused: ctx.state.refused }; },
});
`;

/**
 * A block executor's autoscaler policy reads its cluster's metrics with `ctx.query`, on a real
 * agent, API and executor process, in token mode: the executor holds a metrics key of its own
 * (`agents.work.metricsKey`), never the agent's token; the key goes when the block does.
 */
describe.runIf(redisUrl)("the block executor's autoscaler with ctx.query", () => {
  const api = useApiServer({ auth: "token" });
  const clusterId = `asq-${Date.now().toString(36)}`;
  const keyName = "metrics key of block-executor asq-echo";
  let agent: AgentProcess;

  beforeAll(async () => {
    const agentToken = await api.services.tokens.issue({
      name: "asq agent",
      role: "agent",
      scope: clusterId,
      scopes: [`node:${clusterId}-node`],
    });
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "nodes-autoscaler",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "autoscaler",
        code: NODES_AUTOSCALER,
      }),
    });
    agent = startClusterAgent(api.url, clusterId, {
      AIOS_AGENT_TOKEN: agentToken.token,
      AIOS_BLOCK_WATCH_MS: "200",
    });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("scales on what ctx.query answered, with a key that reads its own cluster alone", async () => {
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "asq-echo",
        clusterId,
        minInstances: 1,
        maxInstances: 3,
        policyRulesSpec: [{ values: { name: "autoscaler", policyRuleURI: "nodes-autoscaler:1.0.0-stable" } }],
        initSettings: { autoscalerIntervalSeconds: 0.3, autoscalerCooldownSeconds: 60 },
      }),
    });
    // One node in the cluster: two instances.
    await waitUntil(
      "the autoscaler to scale to 2",
      async () => (await api.caller().blocks.get({ id: "asq-echo" })).desiredInstances === 2,
      60_000,
    );
    const reply = await api
      .caller()
      .blocks.serviceMgmt({ id: "asq-echo", service: "autoscaler", action: "said" });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.reply)).toContain(
      `query.clusterId: somewhere-else is not this agent's cluster (${clusterId})`,
    );
    const keys = await api.database.db.apiToken.findMany({ where: { name: keyName } });
    expect(keys.map((k) => [k.role, k.scope, k.scopes, k.revokedAt])).toEqual([
      ["data", clusterId, [`metrics:${clusterId}`], null],
    ]);
  }, 90_000);

  it("revokes the executor's key once the block is removed", async () => {
    await api.caller().blocks.remove({ id: "asq-echo" });
    await waitUntil(
      "the block to be removed",
      async () =>
        (await api.database.db.block.findUnique({ where: { id: "asq-echo" } }))?.status === "removed",
      60_000,
    );
    const keys = await api.database.db.apiToken.findMany({ where: { name: keyName } });
    expect(keys.length).toBe(1);
    expect(keys[0]?.revokedAt).not.toBeNull();
  }, 90_000);
});
