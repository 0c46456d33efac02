import { describe, expect, it } from "vitest";
import { clusterSpec, t, uri, useGateway } from "./gateway-fixture";
import { rejection, reportPlaced } from "./harness";

describe("gateway pre-checks: clusters and nodes joining, changing and leaving", () => {
  const { api, withNetwork, clusterId, agent, apply, preCheckEvents, denied } = useGateway();

  it("allows every action unchanged when no policy is set, and writes no pre-check event", async () => {
    expect((await api.caller().gateway.preCheckPolicies()).network).toEqual([]);
    const block = await api.caller().blocks.scale({ id: `${clusterId}-a`, instances: 2 });
    expect(block.desiredInstances).toBe(2);
    await api.caller().blocks.scale({ id: `${clusterId}-a`, instances: 1 });
    expect(await preCheckEvents()).toEqual([]);
  });

  it("denies add_cluster with the policy's reason; a denied cluster leaves no trace but the audit event", async () => {
    const id = `gw2-${t}`;
    // The example allow-list with its settings listing the first cluster only.
    await denied(
      withNetwork("add_cluster", "gw-allow-list", () => apply("createCluster", clusterSpec(id))),
      `add_cluster denied by pre-check gw-allow-list:1.0.0-stable: cluster ${id} is not in the allow-list`,
    );
    expect((await rejection(api.caller().clusters.get({ id }))).code).toBe("NOT_FOUND");
    const [event] = await preCheckEvents(id);
    expect(event?.decision).toMatchObject({
      action: "add_cluster",
      allowed: false,
      policyRuleURI: uri("gw-allow-list"),
      source: "network",
      reason: `cluster ${id} is not in the allow-list`,
    });
    expect(event?.actor).toBe("admin:open");
  });

  it("add_cluster ignores the new cluster's own map, and stores the policy's modified document", async () => {
    const id = `gw3-${t}`;
    const own = {
      config: { publicHostname: "127.0.0.1", actionsPolicyMap: { add_cluster: uri("gw-allow") } },
    };
    await denied(
      withNetwork("add_cluster", "gw-deny", () => apply("createCluster", clusterSpec(id, own))),
      `add_cluster denied by pre-check gw-deny:1.0.0-stable: add_cluster is not allowed on cluster ${id}`,
    );
    await expect(
      api
        .caller()
        .gateway.setPreCheckPolicy({ action: "add_cluster", policyRuleURI: uri("gw-allow"), clusterId }),
    ).rejects.toThrow("clusterId: add_cluster is decided by the network's map only");
    const r = await withNetwork("add_cluster", "gw-modify", () =>
      apply("createCluster", clusterSpec(id, own)),
    );
    expect(r.created).toBe(true);
    expect((await api.caller().clusters.get({ id })).tags).toEqual(["vetted"]);
    // The same spec again, modified the same way, changes nothing.
    const again = await withNetwork("add_cluster", "gw-modify", () =>
      apply("createCluster", clusterSpec(id, own)),
    );
    expect(again.created).toBe(false);
  });

  it("denies, modifies and validates update_cluster", async () => {
    const id = `gw4-${t}`;
    await apply("createCluster", clusterSpec(id));
    const spec = clusterSpec(id, { regionId: "us-east" });
    await denied(
      withNetwork("update_cluster", "gw-deny", () => api.caller().clusters.update({ id, spec })),
      `update_cluster denied by pre-check gw-deny:1.0.0-stable: update_cluster is not allowed on cluster ${id}`,
    );
    expect((await api.caller().clusters.get({ id })).regionId).toBe("eu-west");
    const r = await withNetwork("update_cluster", "gw-modify", () =>
      api.caller().clusters.update({ id, spec }),
    );
    expect(r).toMatchObject({ updated: true, cluster: { regionId: "us-east", tags: ["vetted"] } });
    await expect(api.caller().clusters.update({ id, spec: clusterSpec("other") })).rejects.toThrow(
      `spec.id: is other, but the cluster to update is ${id}`,
    );
    await expect(api.caller().clusters.update({ id, spec: { id } })).rejects.toThrow("spec.config");
  });

  it("denies and modifies add_node", async () => {
    const nodeData = (id: string) => ({ id, vcpus: { count: 2 }, memory: 1024 });
    await denied(
      withNetwork("add_node", "gw-deny", () =>
        apply("addNode", { clusterId, nodeData: nodeData(`${clusterId}-n2`) }),
      ),
      `add_node denied by pre-check gw-deny:1.0.0-stable: add_node is not allowed on cluster ${clusterId}`,
    );
    expect((await rejection(api.caller().nodes.get({ id: `${clusterId}-n2` }))).code).toBe("NOT_FOUND");
    await withNetwork("add_node", "gw-modify", () =>
      apply("addNode", { clusterId, nodeData: nodeData(`${clusterId}-n2`) }),
    );
    const node = await api.caller().nodes.get({ id: `${clusterId}-n2` });
    expect(node.tags).toEqual(["admitted"]);
    expect(node.doc.tags).toEqual(["admitted"]);
  });

  it("admits an agent's cluster and node through add_cluster and add_node; a known node re-registers freely", async () => {
    const joining = `gw-agent-${t}`;
    const registration = (cluster: string, node: string) => ({
      clusterId: cluster,
      publicHostname: "127.0.0.1",
      node: { id: node, vcpus: 2, memoryMb: 2048, storageMb: 10_000, cpuModel: "Test CPU", gpus: [] },
    });
    const asAgent = (cluster: string) => api.caller({ role: "agent", scope: cluster, tokenId: null });
    await denied(
      withNetwork("add_cluster", "gw-deny", () =>
        asAgent(joining).agents.register(registration(joining, `${joining}-n1`)),
      ),
      "add_cluster denied by pre-check gw-deny:1.0.0-stable: add_cluster is not allowed on cluster " +
        joining,
    );
    expect((await rejection(api.caller().clusters.get({ id: joining }))).code).toBe("NOT_FOUND");

    await denied(
      withNetwork("add_node", "gw-deny", () =>
        asAgent(clusterId).agents.register(registration(clusterId, `${clusterId}-agent-n`)),
      ),
      `add_node denied by pre-check gw-deny:1.0.0-stable: add_node is not allowed on cluster ${clusterId}`,
    );
    expect((await rejection(api.caller().nodes.get({ id: `${clusterId}-agent-n` }))).code).toBe("NOT_FOUND");

    await withNetwork("add_node", "gw-modify", () =>
      asAgent(clusterId).agents.register(registration(clusterId, `${clusterId}-agent-n`)),
    );
    expect((await api.caller().nodes.get({ id: `${clusterId}-agent-n` })).tags).toEqual(["admitted"]);
    // The node is known now: an agent restart is not a new admission.
    await withNetwork("add_node", "gw-deny", () =>
      asAgent(clusterId).agents.register(registration(clusterId, `${clusterId}-agent-n`)),
    );
    expect(await preCheckEvents(`${clusterId}-agent-n`)).toHaveLength(2);
  });

  it("denies remove_block and remove_node; refuses to remove a node with instances even when allowed", async () => {
    const id = `${clusterId}-a`;
    await denied(
      withNetwork("remove_block", "gw-deny", () => api.caller().blocks.remove({ id })),
      `remove_block denied by pre-check gw-deny:1.0.0-stable: remove_block is not allowed on cluster ${clusterId}`,
    );
    expect((await api.caller().blocks.get({ id })).status).toBe("pending");
    // The block's instance was placed on the cluster's one live node, the agent's.
    const agentNode = `${clusterId}-agent-n`;
    await api.caller(agent).agents.work.desiredBlocks({ clusterId, nodeId: agentNode });
    await reportPlaced(api.caller(agent), id, agentNode, { health: "healthy" });
    const [placed] = await api.caller().blocks.instances({ id });
    expect(placed?.nodeId).toBe(agentNode);
    const refused = await rejection(api.caller().nodes.remove({ id: agentNode }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toBe(
      `node ${agentNode} still runs 1 instance(s): ${id}/${placed?.id}; scale or remove their blocks first`,
    );
    await denied(
      withNetwork("remove_node", "gw-deny", () => api.caller().nodes.remove({ id: `${clusterId}-n2` })),
      `remove_node denied by pre-check gw-deny:1.0.0-stable: remove_node is not allowed on cluster ${clusterId}`,
    );
    // A modified input is not applied to removals: the node named is the one removed.
    const removed = await withNetwork("remove_node", "gw-modify", () =>
      api.caller().nodes.remove({ id: `${clusterId}-n2` }),
    );
    expect(removed.id).toBe(`${clusterId}-n2`);
    expect((await rejection(api.caller().nodes.get({ id: `${clusterId}-n2` }))).code).toBe("NOT_FOUND");
  });

  it("denies remove_cluster; refuses a cluster with blocks naming them, and removes an empty one", async () => {
    await denied(
      withNetwork("remove_cluster", "gw-deny", () => api.caller().clusters.remove({ id: clusterId })),
      `remove_cluster denied by pre-check gw-deny:1.0.0-stable: remove_cluster is not allowed on cluster ${clusterId}`,
    );
    const refused = await withNetwork("remove_cluster", "gw-allow", () =>
      rejection(api.caller().clusters.remove({ id: clusterId })),
    );
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toBe(
      `cluster ${clusterId} still has 1 block(s) that are not removed: ${clusterId}-a; remove them first`,
    );
    const empty = `gw4-${t}`;
    await api.caller().clusters.remove({ id: empty });
    expect((await rejection(api.caller().clusters.get({ id: empty }))).code).toBe("NOT_FOUND");
  });
});
