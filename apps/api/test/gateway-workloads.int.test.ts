import { describe, expect, it } from "vitest";
import { t, uri, useGateway } from "./gateway-fixture";
import { rejection } from "./harness";

describe("gateway pre-checks: blocks, their commands and vDAG controllers; dry runs and the policy map", () => {
  const { api, set, withNetwork, clusterId, apply, preCheckEvents, denied } = useGateway();

  it("denies add_block beyond the cluster's limit (max-blocks-per-cluster); nothing is stored or queued", async () => {
    const create = () =>
      apply("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: `${clusterId}-b`,
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      });
    await denied(
      withNetwork("add_block", "gw-max-blocks", create),
      `add_block denied by pre-check gw-max-blocks:1.0.0-stable: cluster ${clusterId} already runs 1 block(s), the limit is 1`,
    );
    expect((await rejection(api.caller().blocks.get({ id: `${clusterId}-b` }))).code).toBe("NOT_FOUND");
    const job = await api.queues.queue(`cluster.${clusterId}`).getJob(`block.reconcile__${clusterId}-b__1`);
    expect(job).toBeFalsy();
  });

  it("denies and modifies scale_block; a cluster's map overrides the network's", async () => {
    const id = `${clusterId}-a`;
    await denied(
      withNetwork("scale_block", "gw-deny", () => api.caller().blocks.scale({ id, instances: 3 })),
      "scale_block denied by pre-check gw-deny:1.0.0-stable: scale_block is not allowed",
    );
    expect((await api.caller().blocks.get({ id })).desiredInstances).toBe(1);
    // gw-modify caps an upscale at one instance: 1 -> 3 becomes 1 -> 2.
    await set("scale_block", "gw-deny");
    await set("scale_block", "gw-modify", clusterId);
    try {
      expect((await api.caller().blocks.scale({ id, instances: 3 })).desiredInstances).toBe(2);
      expect((await api.caller().gateway.preCheckPolicies()).clusters).toContainEqual({
        clusterId,
        actionsPolicyMap: { scale_block: uri("gw-modify") },
      });
    } finally {
      await set("scale_block", "", clusterId);
      await set("scale_block", "");
    }
    const [event] = await preCheckEvents(id);
    expect(event?.decision).toMatchObject({ allowed: true, source: "cluster", modified: true });
    await api.caller().blocks.scale({ id, instances: 1 });
  });

  it("fails closed: a policy that throws, answers no decision, is missing or of another kind denies", async () => {
    const id = `${clusterId}-a`;
    await denied(
      withNetwork("scale_block", "gw-throws", () => api.caller().blocks.scale({ id, instances: 2 })),
      "scale_block denied by pre-check gw-throws:1.0.0-stable: the policy failed (runtime): Error: no decision for scale_block (gw-throws:1.0.0-stable.ts:2:92)",
    );
    const bad = await rejection(
      withNetwork("scale_block", "gw-bad-output", () => api.caller().blocks.scale({ id, instances: 2 })),
    );
    expect(bad.code).toBe("FORBIDDEN");
    expect(bad.message).toMatch(
      /^scale_block denied by pre-check gw-bad-output:1\.0\.0-stable: the policy failed \(invalid_output\)/,
    );
    // A cluster's map is part of its document and may name anything: it still fails closed.
    const spec = (await api.caller().clusters.get({ id: clusterId })).doc;
    const config = { ...(spec.config as object), actionsPolicyMap: { scale_block: "absent:1.0.0-stable" } };
    await api.caller().clusters.update({ id: clusterId, spec: { ...spec, config } });
    await denied(
      api.caller().blocks.scale({ id, instances: 2 }),
      "scale_block denied by pre-check absent:1.0.0-stable: policy absent:1.0.0-stable was not found",
    );
    await api.caller().clusters.update({
      id: clusterId,
      spec: { ...spec, config: { ...config, actionsPolicyMap: { scale_block: "round-robin:1.0.0-stable" } } },
    });
    await denied(
      api.caller().blocks.scale({ id, instances: 2 }),
      "scale_block denied by pre-check round-robin:1.0.0-stable: policy round-robin:1.0.0-stable is a loadBalancer policy, not preCheck",
    );
    await api.caller().clusters.update({ id: clusterId, spec });
    expect((await api.caller().blocks.get({ id })).desiredInstances).toBe(1);
  });

  it("denies block_mgmt before the command reaches the cluster (instances, services, executeMgmtCommand)", async () => {
    const id = `${clusterId}-a`;
    const message = "block_mgmt denied by pre-check gw-deny:1.0.0-stable: block_mgmt is not allowed";
    await set("block_mgmt", "gw-deny");
    try {
      await denied(api.caller().blocks.mgmt({ id, action: "reload" }), message);
      await denied(api.caller().blocks.serviceMgmt({ id, service: "executor", action: "reset" }), message);
      await denied(
        apply("executeMgmtCommand", {
          blockId: id,
          service: "instances",
          mgmtCommand: "reload",
          mgmtData: {},
        }),
        message,
      );
    } finally {
      await set("block_mgmt", "");
    }
  });

  it("denies add_vdag_controller and remove_vdag_controller; a denied vDAG is not stored", async () => {
    const values = {
      vdagName: `gw-v-${t}`,
      nodes: [{ spec: { values: { nodeLabel: "a", manualBlockId: `${clusterId}-a` } } }],
      graph: { connections: [] },
    };
    const vdagURI = `gw-v-${t}:0.0.1-beta`;
    const message = (action: string) =>
      `${action} denied by pre-check gw-deny:1.0.0-stable: ${action} is not allowed on cluster ${clusterId}`;
    await denied(
      withNetwork("add_vdag_controller", "gw-deny", () => apply("createvDAG", values)),
      message("add_vdag_controller"),
    );
    expect((await rejection(api.caller().vdags.get({ vdagURI }))).code).toBe("NOT_FOUND");
    await apply("createvDAG", values);
    await denied(
      withNetwork("remove_vdag_controller", "gw-deny", () => api.caller().vdags.remove({ vdagURI })),
      message("remove_vdag_controller"),
    );
    expect((await api.caller().vdags.get({ vdagURI })).status).toBe("assigned");
    const [event] = await preCheckEvents(vdagURI);
    expect(event?.decision).toMatchObject({ action: "remove_vdag_controller", allowed: false });
    await api.caller().vdags.remove({ vdagURI });
  });

  it("dryRun answers the decision without acting or recording, and names bad fields", async () => {
    const before = await preCheckEvents();
    const input = {
      nodeData: { id: "dry-node", vcpus: { count: 1 } },
      clusterData: { id: clusterId },
    };
    expect(await api.caller().gateway.dryRun({ action: "add_node", clusterId, input })).toMatchObject({
      allowed: true,
      policyRuleURI: null,
      modified: false,
    });
    const decision = await withNetwork("add_node", "gw-modify", () =>
      api.caller().gateway.dryRun({ action: "add_node", clusterId, input }),
    );
    expect(decision).toMatchObject({
      action: "add_node",
      allowed: true,
      source: "network",
      modified: true,
      input: { nodeData: { id: "dry-node", tags: ["admitted"] } },
    });
    const denial = await withNetwork("add_node", "gw-deny", () =>
      api.caller().gateway.dryRun({ action: "add_node", clusterId, input }),
    );
    expect(denial).toMatchObject({
      allowed: false,
      reason: `add_node is not allowed on cluster ${clusterId}`,
    });
    expect((await rejection(api.caller().nodes.get({ id: "dry-node" }))).code).toBe("NOT_FOUND");
    const after = await preCheckEvents();
    expect(after.length).toBe(before.length);
    const bad = await rejection(
      api.caller().gateway.dryRun({ action: "add_node", input: { clusterData: {} } }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toContain("input.nodeData");
  });

  it("setPreCheckPolicy names the field: unknown action, unknown policy, a policy of another kind", async () => {
    await expect(set("launch_rocket", "gw-deny")).rejects.toThrow("action: must be one of add_cluster, ");
    const missing = await rejection(
      api.caller().gateway.setPreCheckPolicy({ action: "add_block", policyRuleURI: "nope:1.0.0-stable" }),
    );
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toContain("(field policyRuleURI)");
    await expect(
      api
        .caller()
        .gateway.setPreCheckPolicy({ action: "add_block", policyRuleURI: "round-robin:1.0.0-stable" }),
    ).rejects.toThrow("policyRuleURI: is a loadBalancer policy; a pre-check needs a preCheck policy");
    const viewer = { role: "viewer" as const, scope: null, tokenId: null };
    expect(
      (
        await rejection(
          api.caller(viewer).gateway.setPreCheckPolicy({ action: "add_block", policyRuleURI: "" }),
        )
      ).code,
    ).toBe("FORBIDDEN");
  });
});
