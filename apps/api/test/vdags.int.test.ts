import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { clusterQueueName, type TVdagPlan } from "@aios/contracts";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserError } from "../src/errors";
import { doc, rejection, reportPlaced, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const json = (f: string) => JSON.parse(readFileSync(resolve(examples, f), "utf8")) as unknown;

const node = (nodeLabel: string, values: Record<string, unknown> = {}) => ({
  spec: { values: { nodeLabel, ...values } },
});
const edge = (to: string, ...from: string[]) => ({
  nodeLabel: to,
  inputs: from.map((nodeLabel) => ({ nodeLabel })),
});

describe("vDAGs in the API", () => {
  const api = useApi();
  const clusterId = `vd-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const apply = (values: Record<string, unknown>) =>
    api.caller().parser.applySpec({ document: doc("createvDAG", values) });

  beforeAll(async () => {
    for (const document of json("components.json") as unknown[])
      await api.caller().parser.applySpec({ document });
    for (const { document } of loadSpecFile(resolve(examples, "policies.json")))
      await api.caller().parser.applySpec({ document });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: {
        id: `${clusterId}-n1`,
        vcpus: 4,
        memoryMb: 8192,
        storageMb: 10_000,
        cpuModel: "test",
        gpus: [],
      },
    });
    for (const [blockId, port] of [
      ["echo-a", 7001],
      ["echo-b", 7002],
      ["echo-c", 7003],
    ] as const) {
      await api.caller().parser.applySpec({
        document: doc("createBlock", {
          blockComponentURI: "model.echo:1.0.0-stable",
          blockId,
          clusterId,
          minInstances: 1,
          maxInstances: 1,
          tags: blockId === "echo-c" ? ["special"] : [],
        }),
      });
      await reportPlaced(api.caller(agent), blockId, `${clusterId}-n1`, {
        executorEndpoint: `http://127.0.0.1:${port}`,
        health: "healthy",
      });
    }
  });

  it("validateGraph, dryRunAssignment and dryRun answer without storing anything", async () => {
    const values = {
      vdagName: "modes",
      nodes: [
        node("a", { manualBlockId: "echo-a" }),
        node("b", {
          assignmentPolicyRule: {
            policyRuleURI: "lowest-latency:1.0.0-stable",
            parameters: { filterRule: { variable: "id", operator: "IN", value: ["echo-c", "nope"] } },
          },
        }),
      ],
      graph: { connections: [edge("b", "a")] },
    };
    const graph = await apply({ ...values, mode: "validateGraph" });
    expect(graph.result).toMatchObject({ graph: { heads: ["a"], tails: ["b"] } });
    const assigned = await apply({ ...values, mode: "dryRunAssignment" });
    expect(assigned.result).toMatchObject({
      assignment: { a: { blockId: "echo-a", by: "manual" }, b: { blockId: "echo-c", by: "policy" } },
    });
    const dry = await apply({ ...values, mode: "dryRun" });
    const plan = (dry.result as { plan: TVdagPlan }).plan;
    expect(plan.order).toEqual(["a", "b"]);
    expect(plan.nodes.a?.next).toEqual(["b"]);
    expect(plan.nodes.b?.inputs).toEqual(["a"]);
    expect(await api.caller().vdags.list()).toEqual([]);
  });

  it("gives the assignment policy each candidate's latest metrics: lowest-latency picks the fastest", async () => {
    const latency = (blockId: string, value: number) =>
      api.caller(agent).agents.work.reportMetrics({
        samples: [{ entityType: "instance", entityId: `${blockId}/in-aaaa`, name: "latency_p50_ms", value }],
      });
    const assign = async () => {
      const r = await apply({
        vdagName: "fastest",
        mode: "dryRunAssignment",
        nodes: [
          node("x", {
            assignmentPolicyRule: {
              policyRuleURI: "lowest-latency:1.0.0-stable",
              parameters: { filterRule: { variable: "id", operator: "IN", value: ["echo-a", "echo-c"] } },
            },
          }),
        ],
      });
      return (r.result as { assignment: Record<string, { blockId: string }> }).assignment.x?.blockId;
    };
    await latency("echo-a", 50);
    await latency("echo-c", 5);
    expect(await assign()).toBe("echo-c");
    await new Promise((r) => setTimeout(r, 5)); // a newer sample
    await latency("echo-a", 1);
    expect(await assign()).toBe("echo-a");
  });

  it("names the node when assignment finds no block, and the field when a policy has the wrong kind", async () => {
    const none = await rejection(
      apply({
        vdagName: "nothing",
        nodes: [
          node("x", {
            assignmentPolicyRule: {
              policyRuleURI: "lowest-latency:1.0.0-stable",
              parameters: { filterRule: { variable: "tags", operator: "IN", value: ["absent"] } },
            },
          }),
        ],
      }),
    );
    expect(none.message).toContain("body.spec.values.nodes.0.spec.values.assignmentPolicyRule");
    expect(none.message).toContain("no running block matches node x");
    const kind = await rejection(
      apply({
        vdagName: "wrong-kind",
        nodes: [
          node("x", {
            manualBlockId: "echo-a",
            postprocessingPolicyRule: { policyRuleURI: "round-robin:1.0.0-stable" },
          }),
        ],
      }),
    );
    expect(kind.message).toContain("nodes.0.spec.values.postprocessingPolicyRule.policyRuleURI");
    expect(kind.message).toContain("is a loadBalancer policy, not vdagPostProcessing");
    const missing = await rejection(
      apply({ vdagName: "missing", nodes: [node("x", { manualBlockId: "nope" })] }),
    );
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("refuses a node or controller policy's settings its schema does not allow, storing nothing", async () => {
    const bad = await rejection(
      apply({
        vdagName: "bad-settings",
        nodes: [
          node("x", {
            manualBlockId: "echo-a",
            preprocessingPolicyRule: {
              policyRuleURI: "keep-fields:1.0.0-stable",
              settings: { fields: "text" },
            },
          }),
        ],
      }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect((bad.cause as UserError).issues).toEqual([
      {
        path: "body.spec.values.nodes.0.spec.values.preprocessingPolicyRule.settings.fields",
        message: "must be an array, got string",
      },
    ]);
    const quota = await rejection(
      apply({
        vdagName: "bad-quota",
        nodes: [node("x", { manualBlockId: "echo-a" })],
        controller: {
          quotaChecker: {
            quotaCheckerPolicyRule: {
              policyRuleURI: "per-session-quota:1.0.0-stable",
              settings: { limit: "x" },
            },
          },
        },
      }),
    );
    expect((quota.cause as UserError).issues.map((i) => i.path)).toEqual([
      "body.spec.values.controller.quotaChecker.quotaCheckerPolicyRule.settings.limit",
    ]);
    expect((await api.caller().vdags.list()).map((v) => v.vdagName)).not.toContain("bad-settings");
  });

  it("creates a vDAG: assigned, compiled with node policies, and a controller placed on the cluster", async () => {
    const spec = {
      vdagName: "inner",
      vdagVersion: { version: "1.0.0", "release-tag": "stable" },
      nodes: [
        node("a", {
          manualBlockId: "echo-a",
          postprocessingPolicyRule: {
            policyRuleURI: "keyword-router:1.0.0-stable",
            settings: { routes: [{ keywords: ["b"], to: ["b"] }] },
          },
          modelParameters: { lang: "en" },
        }),
        node("b", { manualBlockId: "echo-b" }),
        node("c", { manualBlockId: "echo-c" }),
        node("join", { manualBlockId: "echo-a" }),
      ],
      graph: { connections: [edge("b", "a"), edge("c", "a"), edge("join", "b", "c")] },
      controller: {
        quotaChecker: {
          quotaCheckerPolicyRule: { policyRuleURI: "per-session-quota:1.0.0-stable", settings: { limit: 3 } },
        },
        healthChecker: { interval: 2 },
        initSettings: { stepTimeoutMs: 5_000 },
      },
    };
    const r = await apply(spec);
    expect(r).toMatchObject({ created: true, target: "inner:1.0.0-stable" });
    const vdag = await api.caller().vdags.get({ vdagURI: "inner:1.0.0-stable" });
    expect(vdag.status).toBe("assigned");
    const [controller] = await api.caller().vdags.controllers({ vdagURI: "inner:1.0.0-stable" });
    expect(controller).toMatchObject({ clusterId, status: "pending" });
    const job = await api.queues
      .queue(clusterQueueName(clusterId))
      .getJob(`vdag.reconcile__${controller?.id}__1`);
    expect(job?.data).toMatchObject({ type: "vdag.reconcile", controllerId: controller?.id });

    const desired = await api
      .caller(agent)
      .agents.work.desiredVdagController({ controllerId: controller?.id ?? "" });
    expect(desired).toMatchObject({ exists: true, removing: false });
    const config = desired.exists ? desired.config : null;
    expect(config?.stepTimeoutMs).toBe(5_000);
    expect(config?.quota?.policy).toMatchObject({
      policyRuleURI: "per-session-quota:1.0.0-stable",
      settings: { limit: 3 },
    });
    expect(config?.health.intervalSeconds).toBe(2);
    const a = config?.plan.nodes.a;
    expect(a).toMatchObject({
      blockId: "echo-a",
      executorEndpoint: "http://127.0.0.1:7001",
      next: ["b", "c"],
    });
    expect(a?.node).toMatchObject({
      vdagURI: "inner:1.0.0-stable",
      nodeLabel: "a",
      modelParameters: { lang: "en" },
    });
    expect(a?.node.postprocessing?.code).toContain("vdagPostProcessing");
    expect(config?.plan.nodes.join?.inputs).toEqual(["b", "c"]);

    // The same spec again is a no-op; a different one under the same URI is refused.
    expect(await apply(spec)).toMatchObject({ created: false, target: "inner:1.0.0-stable" });
    const other = await rejection(
      apply({
        vdagName: "inner",
        vdagVersion: { version: "1.0.0", "release-tag": "stable" },
        nodes: [node("z", { manualBlockId: "echo-a" })],
      }),
    );
    expect(other.code).toBe("CONFLICT");
  });

  it("follows the agent's reports: active while the controller runs and is healthy, unhealthy when not", async () => {
    const [controller] = await api.caller().vdags.controllers({ vdagURI: "inner:1.0.0-stable" });
    const controllerId = controller?.id ?? "";
    const status = (healthy: boolean) => ({
      controllerId,
      vdagURI: "inner:1.0.0-stable",
      healthy,
      ...(healthy ? {} : { healthReason: "block echo-b (node b) has no healthy instance" }),
      checkedAt: Date.now(),
      healthCheckData: {},
      requests: { total: 0, errors: 0, refused: 0, p50Ms: null, p99Ms: null },
      nodes: {},
      quality: { sampled: 0, failed: 0 },
    });
    const events: Array<{ status: string; reason: string }> = [];
    const listener = (e: { status: string; reason: string }) =>
      events.push({ status: e.status, reason: e.reason });
    api.services.vdags.events.on("status", listener);
    await api
      .caller(agent)
      .agents.work.reportVdagController({ controllerId, url: "http://127.0.0.1:7100", status: status(true) });
    expect((await api.caller().vdags.get({ vdagURI: "inner:1.0.0-stable" })).status).toBe("active");
    await api.caller(agent).agents.work.reportVdagController({
      controllerId,
      url: "http://127.0.0.1:7100",
      status: status(false),
    });
    const unhealthy = await api.caller().vdags.get({ vdagURI: "inner:1.0.0-stable" });
    expect(unhealthy.status).toBe("unhealthy");
    expect(unhealthy.doc.statusReason).toBe("block echo-b (node b) has no healthy instance");
    await api
      .caller(agent)
      .agents.work.reportVdagController({ controllerId, url: "http://127.0.0.1:7100", status: status(true) });
    api.services.vdags.events.off("status", listener);
    expect(events.map((e) => e.status)).toEqual(["active", "unhealthy", "active"]);
    // The controller's data token comes with its url: kept for the API's data plane, shown to nobody.
    const dataToken = "data-token-of-the-inner-controller";
    await api.caller(agent).agents.work.reportVdagController({
      controllerId,
      url: "http://127.0.0.1:7100",
      dataToken,
      status: status(true),
    });
    expect(await api.services.vdagControllers.controllerOf("inner:1.0.0-stable")).toMatchObject({
      url: "http://127.0.0.1:7100",
      dataToken,
    });
    const shown = await api.caller().vdags.controllers({ vdagURI: "inner:1.0.0-stable" });
    expect(shown[0]?.doc).toMatchObject({ health: { healthy: true } });
    expect(JSON.stringify(shown)).not.toContain(dataToken);
    expect(events[1]?.reason).toBe("block echo-b (node b) has no healthy instance");
    const other = { role: "agent" as const, scope: "elsewhere", tokenId: null };
    expect(
      (await rejection(api.caller(other).agents.work.desiredVdagController({ controllerId }))).code,
    ).toBe("FORBIDDEN");
  });

  it("inlines a nested vDAG as a node, and refuses to remove a vDAG another one uses", async () => {
    await apply({
      vdagName: "outer",
      nodes: [
        node("pre", { manualBlockId: "echo-c" }),
        node("inner", { nodeType: "vdag", vdagURI: "inner:1.0.0-stable" }),
        node("post", { manualBlockId: "echo-b" }),
      ],
      graph: { connections: [edge("inner", "pre"), edge("post", "inner")] },
    });
    const outer = await api.caller().vdags.get({ vdagURI: "outer:0.0.1-beta" });
    const [controller] = await api.caller().vdags.controllers({ vdagURI: "outer:0.0.1-beta" });
    const desired = await api
      .caller(agent)
      .agents.work.desiredVdagController({ controllerId: controller?.id ?? "" });
    const plan = desired.exists ? desired.config?.plan : undefined;
    expect(outer.status).toBe("assigned");
    expect(plan?.order).toEqual(["pre", "inner.a", "inner.b", "inner.c", "inner.join", "post"]);
    expect(plan?.nodes.pre?.next).toEqual(["inner.a"]);
    expect(plan?.nodes["inner.join"]?.next).toEqual(["post"]);
    expect(plan?.nodes["inner.a"]?.node).toMatchObject({
      vdagURI: "inner:1.0.0-stable",
      nodeLabel: "a",
      next: ["b", "c"],
    });
    expect(plan?.heads).toEqual(["pre"]);
    expect(plan?.tails).toEqual(["post"]);

    const err = await rejection(api.caller().vdags.remove({ vdagURI: "inner:1.0.0-stable" }));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toContain("outer:0.0.1-beta uses inner:1.0.0-stable");
  });

  it("the Master DAG superimposes the serving vDAGs over their blocks", async () => {
    const master = await api.caller().vdags.masterDag();
    expect(master.vdags).toEqual(["inner:1.0.0-stable", "outer:0.0.1-beta"]);
    const edges = Object.fromEntries(master.edges.map((e) => [`${e.from}->${e.to}`, e.vdags]));
    expect(edges["echo-a->echo-b"]).toEqual(["inner:1.0.0-stable", "outer:0.0.1-beta"]);
    expect(edges["echo-c->echo-a"]).toEqual(["inner:1.0.0-stable", "outer:0.0.1-beta"]);
    expect(edges["echo-a->echo-b"]).toBeDefined();
    const a = master.nodes.find((n) => n.blockId === "echo-a");
    expect(a?.nodeLabels).toEqual([
      "inner:1.0.0-stable#a",
      "inner:1.0.0-stable#join",
      "outer:0.0.1-beta#inner.a",
      "outer:0.0.1-beta#inner.join",
    ]);
  });

  it("removes a vDAG: its controller is told to stop, and the URI can be created again", async () => {
    await api.caller().vdags.remove({ vdagURI: "outer:0.0.1-beta" });
    const [controller] = await api.caller().vdags.controllers({ vdagURI: "outer:0.0.1-beta" });
    expect(controller?.status).toBe("removing");
    const desired = await api
      .caller(agent)
      .agents.work.desiredVdagController({ controllerId: controller?.id ?? "" });
    expect(desired).toMatchObject({ exists: true, removing: true });
    await api
      .caller(agent)
      .agents.work.reportVdagController({ controllerId: controller?.id ?? "", url: null });
    expect((await api.caller().vdags.controllers({ vdagURI: "outer:0.0.1-beta" }))[0]?.status).toBe(
      "removed",
    );
    expect((await api.caller().vdags.masterDag()).vdags).toEqual(["inner:1.0.0-stable"]);
  });
});
