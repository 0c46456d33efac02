import { describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const t = Date.now().toString(36);
const clusterSpec = (id: string, config: Record<string, unknown> = {}) => ({
  id,
  regionId: "eu-west",
  config: { publicHostname: "127.0.0.1", ...config },
});
const ok = (output: unknown) => ({ ok: true, output, logs: [], durationMs: 3 });

describe("cluster stability checker and cluster management commands", () => {
  const api = useApi();
  const apply = (action: string, values: Record<string, unknown>) =>
    api.caller().parser.applySpec({ document: doc(action, values) });

  it("refuses a management command for a cluster without config.stabilityChecker, naming it", async () => {
    const id = `plain-${t}`;
    await apply("createCluster", clusterSpec(id));
    const direct = await rejection(
      api.caller().clusters.mgmt({ clusterId: id, service: "stability_checker", action: "stats" }),
    );
    expect(direct.code).toBe("BAD_REQUEST");
    expect(direct.message).toMatch(
      /^clusterId: cluster plain-.* has no stability checker \(config\.stabilityChecker/,
    );
    const viaSpec = await rejection(
      apply("executeMgmtCommand", { clusterId: id, service: "stability_checker", mgmtCommand: "stats" }),
    );
    expect(viaSpec.message).toMatch(/^body\.spec\.values\.clusterId: .*config\.stabilityChecker/);
  });

  it("answers NOT_FOUND for an unknown cluster and requires clusterId in executeMgmtCommand", async () => {
    const missing = await rejection(
      api
        .caller()
        .clusters.mgmt({ clusterId: `nowhere-${t}`, service: "stability_checker", action: "stats" }),
    );
    expect(missing.code).toBe("NOT_FOUND");
    const noCluster = await rejection(
      apply("executeMgmtCommand", { service: "stability_checker", mgmtCommand: "stats" }),
    );
    expect(noCluster.code).toBe("BAD_REQUEST");
    expect(noCluster.message).toMatch(/clusterId: Required for service "stability_checker"/);
  });

  it("stores a verdict beside the spec: marks and clears nodes, survives heartbeats, updates and re-applies", async () => {
    const id = `verdict-${t}`;
    const checker = { stabilityChecker: { policyRuleURI: "node-stability:1.0.0-stable" } };
    const spec = clusterSpec(id, {
      ...checker,
    });
    await apply("createCluster", {
      ...spec,
      nodes: { count: 2, nodeData: [{ id: `${id}-a` }, { id: `${id}-b` }] },
    });
    const created = (await api.caller().clusters.get({ id })).doc;
    const report = (output: unknown) =>
      api.services.clusterStability.report(
        id,
        { policyRuleURI: "node-stability:1.0.0-stable", result: ok(output) },
        id,
      );

    const verdict = await report({ isStable: false, unstableNodes: [`${id}-a`, "not-a-node"] });
    expect(verdict).toMatchObject({ ok: true, isStable: false, unstableNodes: [`${id}-a`, "not-a-node"] });
    expect((await api.caller().nodes.get({ id: `${id}-a` })).status).toBe("unstable");
    expect((await api.caller().nodes.get({ id: `${id}-b` })).status).toBe("ready");
    // A heartbeat says the node is alive, not that it is stable.
    await api.services.agents.heartbeat({ clusterId: id, nodeId: `${id}-a` }, null);
    expect((await api.caller().nodes.get({ id: `${id}-a` })).status).toBe("unstable");

    // The verdict is the system's: re-applying the same spec is no conflict, an update keeps it.
    expect((await api.caller().parser.applySpec({ document: doc("createCluster", created) })).created).toBe(
      false,
    );
    await api.caller().clusters.update({ id, spec: { ...spec, tags: ["gpu"] } });
    expect((await api.caller().clusters.get({ id })).doc.stability).toMatchObject({ isStable: false });

    await report({ isStable: true, unstableNodes: [] });
    expect((await api.caller().nodes.get({ id: `${id}-a` })).status).toBe("ready");

    // A failed check (or an output that is no verdict) is stored as such and leaves the nodes alone.
    await report({ isStable: false, unstableNodes: [`${id}-b`] });
    const failed = await report({ stable: "maybe" });
    expect(failed).toMatchObject({ ok: false, error: { kind: "invalid_output" } });
    expect((await api.caller().nodes.get({ id: `${id}-b` })).status).toBe("unstable");
  });

  it("keeps an agent to its own cluster's stability checker", async () => {
    await expect(api.services.clusterStability.work(`verdict-${t}`, "other")).rejects.toThrow(
      /belongs to cluster other/,
    );
  });
});
