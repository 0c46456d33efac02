import { describe, expect, it } from "vitest";
import { ZClusterSpec } from "../src/index";
import { errorsOf, V, validCluster, valuesOf } from "./fixtures";

const node = (id: string) => ({
  id,
  gpus: { count: 1, memory: 24576, gpus: [{ modelName: "RTX 4090", memory: 24576 }], features: ["fp16"] },
  vcpus: { count: 16 },
  memory: 65536,
  storage: { disks: 1, size: 1000000 },
  tags: ["gpu"],
});

describe("createCluster", () => {
  it("parses a cluster with nodes and keeps extra metadata", () => {
    const values = ZClusterSpec.parse({
      ...validCluster(),
      nodes: { count: 2, nodeData: [node("n1"), node("n2")] },
      clusterMetadata: { name: "GPU one", vendor: "acme", rack: "r7" },
      config: {
        publicHostname: "10.0.0.5",
        policyExecutionMode: "remote",
        actionsPolicyMap: { add_node: "allow-all:1.0-stable", remove_node: "" },
      },
    });
    expect(values.nodes?.nodeData?.[1]?.id).toBe("n2");
    expect(values.clusterMetadata?.rack).toBe("r7");
  });

  it("requires config.publicHostname", () => {
    expect(errorsOf("createCluster", { id: "c1", config: {} })).toEqual([
      { path: `${V}.config.publicHostname`, message: "Required" },
    ]);
    expect(errorsOf("createCluster", { id: "c1" })).toEqual([{ path: `${V}.config`, message: "Required" }]);
  });

  it("rejects a hostname with a scheme, a bad id and a bad execution mode", () => {
    const errors = errorsOf("createCluster", {
      id: "Cluster_1",
      config: { publicHostname: "http://x.org", policyExecutionMode: "central" },
    });
    expect(errors.map((e) => e.path)).toEqual([
      `${V}.id`,
      `${V}.config.policyExecutionMode`,
      `${V}.config.publicHostname`,
    ]);
    expect(errors[2]?.message).toContain("without scheme");
  });

  it("checks node count, node ids and GPU lists inside nodeData", () => {
    const bad = { ...node("n1"), gpus: { count: 2, gpus: [{ modelName: "A100" }] } };
    expect(
      errorsOf("createCluster", { ...validCluster(), nodes: { count: 2, nodeData: [bad, node("n2")] } }),
    ).toEqual([{ path: `${V}.nodes.nodeData[0].gpus.count`, message: "is 2 but gpus lists 1 GPU(s)" }]);
    expect(
      errorsOf("createCluster", {
        ...validCluster(),
        nodes: { count: 3, nodeData: [node("n1"), node("n1")] },
      }),
    ).toEqual([
      { path: `${V}.nodes.count`, message: "is 3 but nodeData lists 2 node(s)" },
      { path: `${V}.nodes.nodeData[1].id`, message: 'duplicate node id "n1" (also nodes.nodeData[0])' },
    ]);
  });
});

describe("addNode", () => {
  it("takes {clusterId, nodeData}", () => {
    const values = valuesOf("addNode", { clusterId: "local", nodeData: node("my-host.local") });
    expect(values.clusterId).toBe("local");
  });

  it("reports errors under nodeData", () => {
    expect(
      errorsOf("addNode", { clusterId: "local", nodeData: { id: "n1", vcpus: { count: "8" }, memory: -1 } }),
    ).toEqual([
      { path: `${V}.nodeData.vcpus.count`, message: "expected a number, got string" },
      { path: `${V}.nodeData.memory`, message: "must be >= 0, got -1" },
    ]);
    expect(errorsOf("addNode", { nodeData: { id: "-bad" } }).map((e) => e.path)).toEqual([
      `${V}.clusterId`,
      `${V}.nodeData.id`,
    ]);
  });
});
