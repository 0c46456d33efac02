import { describe, expect, it } from "vitest";
import {
  POLICY_KIND_SCHEMAS,
  POLICY_KINDS,
  PRE_CHECK_ACTIONS,
  RESOURCE_ALLOCATOR_ACTIONS,
  type TPolicyKind,
  type TSpecError,
  validatePolicyInput,
  validatePolicyOutput,
  ZAiosPacket,
} from "../src/index";

/** Valid values of the shared shapes, for policy-kind tests. */
const packet = (data: Record<string, unknown> = { text: "Hello" }) => ({
  session_id: "s-1",
  seq_no: 1,
  data,
  ts: 1_700_000_000_000,
});
const block = () => ({
  id: "blk-abcdefgh",
  blockComponentURI: "model.echo:1.0.0-stable",
  minInstances: 1,
  maxInstances: 3,
});
const cluster = () => ({ id: "local", regionId: "eu-west", tags: ["gpu"] });
const node = (id = "node-1") => ({
  id,
  status: "ready",
  vcpus: 8,
  gpus: [{ index: 0, memoryMb: 24_000, freeMemoryMb: 20_000 }],
});

type TKindCase = {
  input: unknown;
  output: unknown;
  /** A wrong output and the first error it must produce. */
  badOutput: unknown;
  error: TSpecError;
};

/** One valid input and output and one wrong output per kind. */
const KIND_CASES: Record<TPolicyKind, TKindCase> = {
  loadBalancer: {
    input: { mode: "load_balance", packet: packet(), instances: [{ id: "in-a1b2", inFlight: 2 }] },
    output: { instanceId: "in-a1b2" },
    badOutput: { instanceId: 3 },
    error: { path: "output.instanceId", message: "expected a string, got number" },
  },
  autoscaler: {
    input: { blockData: block(), currentInstances: [{ id: "in-a1b2", queueLength: 9 }] },
    output: { skip: false, operation: "upscale", instancesCount: 2 },
    badOutput: { skip: false, operation: "downscale", instancesList: [] },
    error: { path: "output.instancesList", message: "must have at least one item" },
  },
  healthChecker: {
    input: {
      blockData: block(),
      healthCheckData: { "in-a1b2": true, "in-c3d4": false },
      instances: [{ id: "in-a1b2" }, { id: "in-c3d4" }],
    },
    output: { healthy: true, replaceInstances: ["in-c3d4"] },
    badOutput: { healthy: "yes" },
    error: { path: "output.healthy", message: "expected a boolean, got string" },
  },
  clusterAllocator: {
    input: { action: "selection", filterResult: [cluster()], blockData: block() },
    output: { clusters: [cluster()] },
    badOutput: { clusters: [{ regionId: "eu-west" }] },
    error: { path: "output.clusters[0].id", message: "Required" },
  },
  resourceAllocator: {
    input: { action: "allocation", payload: { block: block(), cluster: cluster(), nodes: [node()] } },
    output: { nodeId: "node-1", gpus: [0] },
    badOutput: { nodeId: "node-1", gpus: ["0"] },
    error: { path: "output.gpus[0]", message: "expected a number, got string" },
  },
  assignment: {
    input: { nodeLabel: "detect", filterResult: [{ ...block(), metrics: { latencyMs: 12 } }] },
    output: { blockId: "blk-abcdefgh" },
    badOutput: [{ id: "blk-abcdefgh" }],
    error: { path: "output", message: "expected an object, got array" },
  },
  ranking: {
    input: { registry: "clusters", filterResult: [{ id: "a", tags: ["gpu"] }, { id: "b" }] },
    output: { results: [{ id: "a", tags: ["gpu"] }] },
    badOutput: { results: "a" },
    error: { path: "output.results", message: "expected an array, got string" },
  },
  blockPreProcessing: {
    input: { packet: packet(), blockData: block() },
    output: { packet: packet({ text: "hello" }) },
    badOutput: { packet: { ...packet(), data: "hello" } },
    error: { path: "output.packet.data", message: "expected an object, got string" },
  },
  blockPostProcessing: {
    input: { packet: packet({ label: "positive" }), blockData: block() },
    output: { packet: packet({ label: "positive", at: "2025-01-01T00:00:00Z" }) },
    badOutput: { packet: { ...packet(), seq_no: -1 } },
    error: { path: "output.packet.seq_no", message: "must be >= 0, got -1" },
  },
  vdagPreProcessing: {
    input: { packet: packet(), vdagURI: "chat:1.0.0-stable", nodeLabel: "detect", blockId: "blk-abcdefgh" },
    output: { packet: { ...packet(), trace: [{ nodeLabel: "detect" }] } },
    badOutput: { data: { text: "x" } },
    error: { path: "output.packet", message: "Required" },
  },
  vdagPostProcessing: {
    input: {
      packet: packet({ language: "de" }),
      vdagURI: "chat:1.0.0-stable",
      nodeLabel: "detect",
      blockId: "blk-abcdefgh",
      next: ["translate", "sentiment"],
    },
    output: { packet: packet({ language: "de" }), next: ["translate"] },
    badOutput: { packet: packet(), next: "translate" },
    error: { path: "output.next", message: "expected an array, got string" },
  },
  quotaChecker: {
    input: { sessionId: "s-1", quota: 3, quotaTable: { "s-1": 2 }, input: packet() },
    output: { allowed: false, reason: "limit reached" },
    badOutput: { allowed: "no" },
    error: { path: "output.allowed", message: "expected a boolean, got string" },
  },
  qualityChecker: {
    input: { vdagURI: "chat:1.0.0-stable", request: packet(), response: packet({ label: "x" }) },
    output: { passed: true, score: 0.8 },
    badOutput: { passed: true, score: 2 },
    error: { path: "output.score", message: "must be <= 1, got 2" },
  },
  vdagHealthChecker: {
    input: {
      mode: "fast_check",
      vdagURI: "chat:1.0.0-stable",
      healthCheckData: { "blk-abcdefgh": { healthy: true, instances: 2, healthyInstances: 2 } },
    },
    output: { overallHealthy: true },
    badOutput: { overall_healthy: true },
    error: { path: "output.overallHealthy", message: "Required" },
  },
  preCheck: {
    input: { action: "add_node", nodeData: { id: "node-2" }, clusterData: cluster() },
    output: { allowed: true },
    badOutput: { allowed: false },
    error: { path: "output.reason", message: "Required" },
  },
  clusterStability: {
    input: { clusterData: cluster(), nodesData: [node(), node("node-2")] },
    output: { isStable: false, unstableNodes: ["node-2"], stabilityCheckData: { reasons: {} } },
    badOutput: { isStable: true, unstableNodes: "node-2" },
    error: { path: "output.unstableNodes", message: "expected an array, got string" },
  },
  event: {
    input: { blockId: "blk-abcdefgh", eventName: "model_loaded", eventData: { ms: 1200 } },
    output: { handled: true },
    badOutput: { handled: () => true },
    error: {
      path: "output.handled",
      message: "expected string, number, boolean, null, array or record, got function",
    },
  },
  function: {
    input: { key: "a", texts: ["x", "y"] },
    output: { key: "a", count: 1 },
    badOutput: { count: () => 1 },
    error: {
      path: "output.count",
      message: "expected string, number, boolean, null, array or record, got function",
    },
  },
};

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
