import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadSpecFile } from "@aios/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiHarness } from "./harness";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples");
const json = (f: string) => JSON.parse(readFileSync(resolve(examples, "specs", f), "utf8")) as unknown;

// Test-only pre-check policies: one denies every action (naming it and the cluster), one modifies
// inputs, two fail (a throw, an output that is no decision), one allows everything.
const POLICIES: Record<string, string> = {
  "gw-deny": `eval(input) {
    const where = input.clusterData ? " on cluster " + input.clusterData.id : "";
    return { allowed: false, reason: input.action + " is not allowed" + where };
  }`,
  "gw-modify": `eval(input) {
    if (input.action === "add_node") {
      return { allowed: true, input: { ...input, nodeData: { ...input.nodeData, tags: [...(input.nodeData.tags ?? []), "admitted"] } } };
    }
    if (input.action === "add_cluster" || input.action === "update_cluster") {
      return { allowed: true, input: { ...input, clusterData: { ...input.clusterData, tags: [...(input.clusterData.tags ?? []), "vetted"] } } };
    }
    if (input.action === "scale_block" && input.input.operation === "upscale" && (input.input.instancesCount ?? 0) > 1) {
      return { allowed: true, input: { ...input, input: { ...input.input, instancesCount: 1 } } };
    }
    if (input.action === "remove_node") {
      return { allowed: true, input: { ...input, nodeId: "other" } };
    }
    return { allowed: true };
  }`,
  "gw-throws": `eval(input) { throw new Error("no decision for " + input.action); }`,
  "gw-bad-output": `eval() { return { ok: true }; }`,
  "gw-allow": `eval() { return { allowed: true }; }`,
};

const policyDoc = (name: string, code: string, settings: Record<string, unknown> = {}) =>
  doc("createPolicy", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    kind: "preCheck",
    description: `test pre-check ${name}`,
    code,
    policySettings: settings,
    policyParameters: {},
  });

const uri = (name: string) => `${name}:1.0.0-stable`;
const t = Date.now().toString(36);

function gateway(api: ApiHarness) {
  const set = (action: string, name: string | "", clusterId?: string) =>
    api.caller().gateway.setPreCheckPolicy({
      action,
      policyRuleURI: name ? uri(name) : "",
      ...(clusterId ? { clusterId } : {}),
    });
  /** Runs `fn` with `name` as the network's policy for `action`, then removes it. */
  const withNetwork = async <T>(action: string, name: string, fn: () => Promise<T>): Promise<T> => {
    await set(action, name);
    try {
      return await fn();
    } finally {
      await set(action, "");
    }
  };
  return { set, withNetwork };
}

const clusterSpec = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  regionId: "eu-west",
  config: { publicHostname: "127.0.0.1" },
  ...extra,
});

describe("gateway pre-checks", () => {
  const api = useApi();
  const { set, withNetwork } = gateway(api);
  const clusterId = `gw-${t}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const apply = (action: string, values: Record<string, unknown>) =>
    api.caller().parser.applySpec({ document: doc(action, values) });
  /** The gateway's audit events, newest first. */
  const preCheckEvents = (target?: string) =>
    api.services.db.auditEvent.findMany({
      where: { action: "gateway.preCheck", ...(target ? { target } : {}) },
      orderBy: { id: "desc" },
    });
  const denied = async (p: Promise<unknown>, message: string) => {
    const err = await rejection(p);
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toBe(message);
  };

  beforeAll(async () => {
    for (const document of json("components.json") as unknown[])
      await api.caller().parser.applySpec({ document });
    for (const { document } of loadSpecFile(resolve(examples, "specs/policies.json")))
      await api.caller().parser.applySpec({ document });
    for (const [name, body] of Object.entries(POLICIES)) {
      const code = `import { definePolicy } from "@aios/policy-runtime";\nexport default definePolicy({ kind: "preCheck", init() { return {}; }, ${body} });\n`;
      await api.caller().parser.applySpec({ document: policyDoc(name, code) });
    }
    const maxBlocks = readFileSync(resolve(examples, "policies/max-blocks-per-cluster.ts"), "utf8");
    await api
      .caller()
      .parser.applySpec({ document: policyDoc("gw-max-blocks", maxBlocks, { maxBlocks: 1 }) });
    const allowList = readFileSync(resolve(examples, "policies/allow-list.ts"), "utf8");
    await api.caller().parser.applySpec({
      document: policyDoc("gw-allow-list", allowList, { clusterIds: [clusterId] }),
    });
    await apply("createCluster", clusterSpec(clusterId));
    await apply("addNode", {
      clusterId,
      nodeData: { id: `${clusterId}-n1`, vcpus: { count: 4 }, memory: 8192 },
    });
    await apply("createBlock", {
      blockComponentURI: "model.echo:1.0.0-stable",
      blockId: `${clusterId}-a`,
      clusterId,
      minInstances: 1,
      maxInstances: 4,
    });
  });

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

  it("denies remove_block and remove_node; refuses to remove a node with instances even when allowed", async () => {
    const id = `${clusterId}-a`;
    await denied(
      withNetwork("remove_block", "gw-deny", () => api.caller().blocks.remove({ id })),
      `remove_block denied by pre-check gw-deny:1.0.0-stable: remove_block is not allowed on cluster ${clusterId}`,
    );
    expect((await api.caller().blocks.get({ id })).status).toBe("pending");
    await api.caller(agent).agents.work.reportBlock({
      blockId: id,
      executorEndpoint: "http://127.0.0.1:1",
      instances: [
        {
          id: "in-1",
          status: "healthy",
          endpoint: "http://127.0.0.1:2",
          nodeId: `${clusterId}-n1`,
          gpus: [],
        },
      ],
    });
    const refused = await rejection(api.caller().nodes.remove({ id: `${clusterId}-n1` }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toBe(
      `node ${clusterId}-n1 still runs 1 instance(s): ${id}/in-1; scale or remove their blocks first`,
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
