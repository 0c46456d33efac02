import { describe, expect, it } from "vitest";
import {
  POLICY_KIND_SCHEMAS,
  POLICY_KINDS,
  PRE_CHECK_ACTIONS,
  RESOURCE_ALLOCATOR_ACTIONS,
  type TPolicyKind,
  validatePolicyInput,
  validatePolicyOutput,
  ZAiosPacket,
} from "../src/index";
import { block, cluster, KIND_CASES, node, packet } from "./fixtures/policy-kind-cases";

const errorsOf = (r: { ok: true } | { ok: false; errors: unknown[] }) => (r.ok ? [] : r.errors);

describe("policy kinds registry", () => {
  it("has an entry for every kind", () => {
    expect(Object.keys(POLICY_KIND_SCHEMAS).sort()).toEqual([...POLICY_KINDS].sort());
  });

  describe.each(POLICY_KINDS.map((k) => [k] as [TPolicyKind]))("%s", (kind) => {
    const c = KIND_CASES[kind];

    it("accepts a valid input and keeps extra input fields", () => {
      const result = validatePolicyInput(kind, { ...(c.input as object), extra: 1 });
      expect(errorsOf(result)).toEqual([]);
      if (result.ok) expect(result.value).toMatchObject({ extra: 1 });
    });

    it("accepts a valid output", () => {
      expect(errorsOf(validatePolicyOutput(kind, c.output, c.input))).toEqual([]);
      expect(errorsOf(validatePolicyOutput(kind, c.output))).toEqual([]);
    });

    it("rejects a wrong output naming the field", () => {
      const result = validatePolicyOutput(kind, c.badOutput, c.input);
      expect(result.ok).toBe(false);
      expect(errorsOf(result)[0]).toEqual(c.error);
    });

    it("rejects a non-object input (a function takes any JSON)", () => {
      if (kind === "function") {
        expect(validatePolicyInput(kind, "nope")).toEqual({ ok: true, value: "nope" });
        expect(validatePolicyInput(kind, { at: () => 1 }).ok).toBe(false);
        return;
      }
      expect(errorsOf(validatePolicyInput(kind, "nope"))).toEqual([
        { path: "input", message: "expected an object, got string" },
      ]);
    });

    it("has a description and a runnable-looking template for this kind", () => {
      const { description, template } = POLICY_KIND_SCHEMAS[kind];
      expect(description.length).toBeGreaterThan(20);
      expect(description).toMatch(/\.$/);
      expect(template).toContain('import { definePolicy } from "@aios/policy-runtime";');
      expect(template).toContain("export default definePolicy({");
      expect(template).toContain(`kind: "${kind}"`);
      expect(template).toMatch(/\beval\(input/);
      // Templates are plain JS inside the sandbox: no other imports, no Node APIs.
      expect(template.match(/^import /gm)).toHaveLength(1);
      expect(template).not.toMatch(/\b(require|process|fetch)\b/);
    });
  });
});

describe("error paths and messages", () => {
  it("names the output field of a wrong load balancer decision", () => {
    expect(validatePolicyOutput("loadBalancer", { instanceId: 3 })).toEqual({
      ok: false,
      errors: [{ path: "output.instanceId", message: "expected a string, got number" }],
    });
  });

  it("reports a field the original spelled in snake_case as unknown", () => {
    expect(errorsOf(validatePolicyOutput("loadBalancer", { instance_id: "in-a1b2" }))).toEqual([
      { path: "output.instanceId", message: "Required" },
      { path: "output.instance_id", message: "unknown field" },
    ]);
  });

  it("names the input field inside arrays", () => {
    const input = { mode: "load_balance", packet: packet(), instances: [{ id: 7 }] };
    expect(errorsOf(validatePolicyInput("loadBalancer", input))).toEqual([
      { path: "input.instances[0].id", message: "expected a string, got number" },
    ]);
    expect(errorsOf(validatePolicyInput("loadBalancer", { ...input, instances: [] }))).toEqual([
      { path: "input.instances", message: "must have at least one item" },
    ]);
  });

  it("reports an unknown kind", () => {
    expect(validatePolicyInput("scheduler" as TPolicyKind, {})).toEqual({
      ok: false,
      errors: [{ path: "kind", message: 'unknown policy kind "scheduler"' }],
    });
  });
});

describe("task packet", () => {
  it("needs session_id, seq_no, data and ts; files and vdag are optional", () => {
    expect(ZAiosPacket.safeParse(packet()).success).toBe(true);
    const full = {
      ...packet(),
      files: [{ metadata: { name: "a.png" }, file_data: "aGk=" }],
      vdag: { vdagURI: "chat:1.0.0-stable", nodeLabel: "detect", path: [] },
    };
    expect(ZAiosPacket.safeParse(full).success).toBe(true);
    expect(errorsOf(validatePolicyInput("blockPreProcessing", { packet: {}, blockData: block() }))).toEqual([
      { path: "input.packet.session_id", message: "Required" },
      { path: "input.packet.seq_no", message: "Required" },
      { path: "input.packet.data", message: "Required" },
      { path: "input.packet.ts", message: "Required" },
    ]);
  });
});

describe("autoscaler output", () => {
  it("accepts skip, upscale with placement and downscale", () => {
    for (const output of [
      { skip: true },
      { skip: true, reason: "cooling down" },
      { skip: false, operation: "upscale", instancesCount: 1, allocationData: [{ nodeId: "n", gpus: [0] }] },
      { skip: false, operation: "downscale", instancesList: ["in-a1b2"] },
    ]) {
      expect(errorsOf(validatePolicyOutput("autoscaler", output))).toEqual([]);
    }
  });

  it("names the wrong operation and the missing count", () => {
    expect(errorsOf(validatePolicyOutput("autoscaler", { skip: false, operation: "sideways" }))).toEqual([
      { path: "output.operation", message: 'expected one of "upscale", "downscale", got "sideways"' },
    ]);
    expect(errorsOf(validatePolicyOutput("autoscaler", { skip: false, operation: "upscale" }))).toEqual([
      { path: "output.instancesCount", message: "Required" },
    ]);
  });
});

describe("allocators: output depends on the action", () => {
  it("clusterAllocator post_dry_run returns the chosen entry", () => {
    const entry = {
      id: "local",
      cluster: cluster(),
      scoreData: { score: 0.7, nodeInfo: { nodeId: "node-1", gpus: [0] } },
      blockData: block(),
    };
    const input = { action: "post_dry_run", clusters: [entry] };
    expect(errorsOf(validatePolicyInput("clusterAllocator", input))).toEqual([]);
    expect(errorsOf(validatePolicyOutput("clusterAllocator", entry, input))).toEqual([]);
    expect(errorsOf(validatePolicyOutput("clusterAllocator", { clusters: [entry] }, input))).toEqual([
      { path: "output.id", message: "Required" },
    ]);
  });

  it("resourceAllocator accepts every action and wants a score for dry_run", () => {
    const payload = { block: block(), cluster: cluster(), nodes: [node()] };
    for (const action of RESOURCE_ALLOCATOR_ACTIONS) {
      const extra = action === "reassignment" ? { instanceId: "in-a1b2" } : {};
      const input = { action, payload: { ...payload, ...extra } };
      expect(errorsOf(validatePolicyInput("resourceAllocator", input)), action).toEqual([]);
    }
    const dryRun = { action: "dry_run", payload };
    expect(
      errorsOf(validatePolicyOutput("resourceAllocator", { selectionScoreData: { score: 0.5 } }, dryRun)),
    ).toEqual([]);
    expect(errorsOf(validatePolicyOutput("resourceAllocator", { nodeId: "node-1" }, dryRun))).toEqual([
      { path: "output.selectionScoreData", message: "Required" },
      { path: "output.nodeId", message: "unknown field" },
    ]);
    expect(
      errorsOf(validatePolicyOutput("resourceAllocator", { selectionScoreData: { score: 1.5 } }, dryRun)),
    ).toEqual([{ path: "output.selectionScoreData.score", message: "must be <= 1, got 1.5" }]);
    expect(errorsOf(validatePolicyInput("resourceAllocator", { action: "reassignment", payload }))).toEqual([
      { path: "input.payload.instanceId", message: "Required" },
    ]);
  });
});

describe("preCheck", () => {
  const mgmt = { action: "restart", payload: {} };
  const inputs: Record<(typeof PRE_CHECK_ACTIONS)[number], Record<string, unknown>> = {
    add_cluster: { clusterData: cluster() },
    update_cluster: { clusterData: cluster(), previousClusterData: cluster() },
    remove_cluster: { clusterData: cluster(), clusterBlocks: [] },
    add_node: { nodeData: { id: "node-2", gpus: { count: 1 } }, clusterData: cluster() },
    remove_node: { nodeId: "node-1", clusterData: cluster(), blockInstances: [] },
    add_block: { blockData: block(), clusterData: cluster(), clusterMetrics: { gpus: 2 } },
    remove_block: { blockData: block(), blockInstanceNodes: ["node-1"] },
    scale_block: { blockData: block(), input: { operation: "upscale", instancesCount: 2 } },
    block_mgmt: { blockData: block(), input: mgmt },
    cluster_mgmt: { clusterData: cluster(), input: mgmt },
    add_vdag_controller: {
      clusterData: cluster(),
      input: { vdagControllerId: "ctl-1", vdagURI: "chat:1.0.0-stable" },
    },
    remove_vdag_controller: { clusterData: cluster(), input: { vdagControllerId: "ctl-1" } },
  };

  it.each(PRE_CHECK_ACTIONS.map((a) => [a]))("accepts the %s input", (action) => {
    expect(errorsOf(validatePolicyInput("preCheck", { action, ...inputs[action] }))).toEqual([]);
  });

  it("names the missing field of one action and rejects an unknown action", () => {
    expect(
      errorsOf(validatePolicyInput("preCheck", { action: "remove_node", clusterData: cluster() })),
    ).toEqual([
      { path: "input.nodeId", message: "Required" },
      { path: "input.blockInstances", message: "Required" },
    ]);
    const [error] = errorsOf(validatePolicyInput("preCheck", { action: "create_cluster" })) as {
      path: string;
      message: string;
    }[];
    expect(error?.path).toBe("input.action");
    expect(error?.message).toMatch(/^expected one of "add_cluster", .*got "create_cluster"$/);
  });

  it("allows with a modified input, checked like an input", () => {
    const modified = {
      action: "add_node",
      nodeData: { id: "node-2", tags: ["vetted"] },
      clusterData: cluster(),
    };
    expect(errorsOf(validatePolicyOutput("preCheck", { allowed: true, input: modified }))).toEqual([]);
    expect(
      errorsOf(validatePolicyOutput("preCheck", { allowed: true, input: { ...modified, nodeData: {} } })),
    ).toEqual([{ path: "output.input.nodeData.id", message: "Required" }]);
  });
});

describe("vdagHealthChecker", () => {
  it("takes both modes and rejects others", () => {
    const input = KIND_CASES.vdagHealthChecker.input as Record<string, unknown>;
    expect(errorsOf(validatePolicyInput("vdagHealthChecker", { ...input, mode: "default" }))).toEqual([]);
    expect(errorsOf(validatePolicyInput("vdagHealthChecker", { ...input, mode: "slow" }))).toEqual([
      { path: "input.mode", message: 'expected one of "default", "fast_check", got "slow"' },
    ]);
  });
});
