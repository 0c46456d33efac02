import { describe, expect, it } from "vitest";
import { ZVdagSpec } from "../src/index";
import { errorsOf, V, validVdag, valuesOf } from "./fixtures";

describe("createvDAG", () => {
  it("fills version defaults (0.0.1 / beta) and mode create", () => {
    const values = ZVdagSpec.parse(validVdag());
    expect(values.vdagVersion).toEqual({ version: "0.0.1", "release-tag": "beta" });
    expect(values.mode).toBe("create");
    expect(values.nodes[0]?.spec.values.nodeType).toBe("block");
  });

  it("accepts a single node without a graph, controller checkers and the docs' dry-run", () => {
    const values = ZVdagSpec.parse({
      vdagName: "solo",
      vdagVersion: { version: "1.0.0", "release-tag": "stable" },
      nodes: [{ spec: { values: { nodeLabel: "only", manualBlockId: "echo-1" } } }],
      controller: {
        healthChecker: { enabled: true, healthCheckerPolicyRule: { policyRuleURI: "h:1-a" }, interval: 60 },
        qualityChecker: { enabled: false, framesInterval: 100 },
      },
      mode: "dry-run",
    });
    expect(values.graph.connections).toEqual([]);
    expect(values.mode).toBe("dryRun");
  });

  it("rejects duplicate nodeLabels naming the second node", () => {
    const spec = validVdag();
    spec.nodes.push({ spec: { values: { nodeLabel: "detect", manualBlockId: "blk-bbbbbbbb" } } });
    expect(errorsOf("createvDAG", spec)).toEqual([
      {
        path: `${V}.nodes[2].spec.values.nodeLabel`,
        message: 'duplicate nodeLabel "detect" (also nodes[0])',
      },
    ]);
  });

  it("rejects connections to unknown labels naming the edge", () => {
    const spec = validVdag();
    spec.graph.connections.push({
      nodeLabel: "render",
      inputs: [{ nodeLabel: "pose" }, { nodeLabel: "track" }],
    });
    expect(errorsOf("createvDAG", spec)).toEqual([
      {
        path: `${V}.graph.connections[1].nodeLabel`,
        message: 'unknown nodeLabel "render"; nodes are "detect", "pose"',
      },
      {
        path: `${V}.graph.connections[1].inputs[1].nodeLabel`,
        message: 'unknown nodeLabel "track"; nodes are "detect", "pose"',
      },
    ]);
  });

  it("requires an assignment for block nodes and a vdagURI for vdag nodes", () => {
    const errors = errorsOf("createvDAG", {
      vdagName: "v",
      nodes: [
        { spec: { values: { nodeLabel: "a" } } },
        { spec: { values: { nodeLabel: "b", nodeType: "vdag" } } },
        { spec: { values: { nodeLabel: "c", nodeType: "vdag", vdagURI: "inner" } } },
      ],
    });
    expect(errors.map((e) => e.path)).toEqual([
      `${V}.nodes[0].spec.values.assignmentPolicyRule`,
      `${V}.nodes[1].spec.values.vdagURI`,
      `${V}.nodes[2].spec.values.vdagURI`,
    ]);
    expect(errors[0]?.message).toBe("Required: a block node needs manualBlockId or assignmentPolicyRule");
    expect(errors[1]?.message).toBe('Required for nodeType "vdag"');
    expect(errors[2]?.message).toContain("missing ':' before the version");
  });

  it("reports structural type errors and needs at least one node", () => {
    expect(errorsOf("createvDAG", { vdagName: "v", nodes: [] })).toEqual([
      { path: `${V}.nodes`, message: "must have at least one item" },
    ]);
    const errors = errorsOf("createvDAG", {
      ...validVdag(),
      vdagVersion: { version: "one" },
      graph: { connections: [{ nodeLabel: "pose", inputs: "detect" }] },
    });
    expect(errors.map((e) => e.path)).toEqual([
      `${V}.vdagVersion.version`,
      `${V}.graph.connections[0].inputs`,
    ]);
  });

  it("keeps IOMap and unknown fields", () => {
    const spec = validVdag();
    const values = valuesOf("createvDAG", {
      ...spec,
      nodes: spec.nodes.map((n) => ({ ...n, IOMap: [{ from: "a", to: "b" }] })),
      metadata: { team: "vision" },
    });
    expect(values.metadata).toEqual({ team: "vision" });
  });
});
