import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  POLICY_KINDS,
  parseSpecDocument,
  policyRuleUriOf,
  type TPolicyKind,
  type TPolicyRuleSpec,
  validatePolicyInput,
  validatePolicyOutput,
} from "../src/index";

// The examples import the runtime's `definePolicy`; here it is the identity, and `run` below calls
// init/eval the way the runtime does, so the examples' decisions can be checked against the schemas.
vi.mock("@aios/policy-runtime", () => ({ definePolicy: (definition: unknown) => definition }));

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const specsDir = join(root, "examples/specs");
const policiesDir = join(root, "examples/policies");

type TDoc = { header: unknown; body: { spec: { values: Record<string, unknown> } } };
const docs = JSON.parse(readFileSync(join(specsDir, "policies.json"), "utf8")) as TDoc[];

function inlined(doc: TDoc): TDoc {
  const { codePath, ...values } = doc.body.spec.values;
  const code = readFileSync(resolve(specsDir, String(codePath)), "utf8");
  return { ...doc, body: { spec: { values: { ...values, code } } } };
}

const specs: TPolicyRuleSpec[] = docs.map((doc) => {
  const result = parseSpecDocument(inlined(doc));
  if (!result.ok || result.action !== "createPolicy") throw new Error(JSON.stringify(result));
  return result.values;
});

describe("examples/specs/policies.json", () => {
  it("is an array of createPolicy documents that parse with their code inlined", () => {
    expect(Array.isArray(docs)).toBe(true);
    expect(specs).toHaveLength(docs.length);
    for (const spec of specs) {
      expect(spec.code).toContain("export default definePolicy({");
      expect(spec.codePath).toBeUndefined();
    }
  });

  it("names each policy after its file, version 1.0.0-stable, each once", () => {
    const uris = specs.map(policyRuleUriOf);
    expect(new Set(uris).size).toBe(uris.length);
    for (const doc of docs) {
      const { name, codePath, version, releaseTag } = doc.body.spec.values;
      expect(codePath).toBe(`../policies/${name}.ts`);
      expect([version, releaseTag]).toEqual(["1.0.0", "stable"]);
      expect(existsSync(resolve(specsDir, String(codePath))), String(codePath)).toBe(true);
    }
    expect(uris).toContain("round-robin:1.0.0-stable");
  });

  it("has an example for every kind, and a spec for every example file", () => {
    const kinds = new Set(specs.map((s) => s.kind));
    expect(POLICY_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
    const files = readdirSync(policiesDir).filter((f) => f.endsWith(".ts"));
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(specs.map((s) => s.name).sort());
  });

  it("has the files the console and docs refer to", () => {
    const names = specs.map((s) => s.name);
    for (const name of [
      "round-robin",
      "least-loaded",
      "queue-depth-autoscaler",
      "health-threshold",
      "most-free-gpu",
      "cluster-by-capacity",
      "lowest-latency",
      "rank-by-tags",
      "lowercase-text",
      "add-timestamp",
      "vdag-trace-tag",
      "keyword-router",
      "per-session-quota",
      "sample-quality",
      "all-blocks-healthy",
      "allow-list",
      "node-stability",
      "log-event",
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(docs.map((d) => [d.body.spec.values.name as string]))("%s: plain module of its kind", (name) => {
    const spec = specs.find((s) => s.name === name)!;
    const code = spec.code ?? "";
    const imports = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(imports).toEqual(["@aios/policy-runtime"]);
    expect(code).toContain(`kind: "${spec.kind}"`);
    expect(code).not.toMatch(/\b(require\(|process\.|globalThis|fetch\()/);
    // Settings the code reads are documented, and documented defaults are valid keys.
    const properties = Object.keys(
      (spec.policySettingsSchema?.properties as Record<string, unknown> | undefined) ?? {},
    );
    const read = new Set([...code.matchAll(/settings\.(\w+)/g)].map((m) => m[1]));
    if (read.size > 0) expect([...read].filter((k) => !properties.includes(k ?? ""))).toEqual([]);
    for (const key of Object.keys(spec.policySettings ?? {})) expect(properties).toContain(key);
    for (const command of spec.managementCommandsSchema ?? []) {
      expect(code).toContain(`action === "${command.name}"`);
    }
  });
});

// ---- running the examples ----------------------------------------------------------------------

type TPolicy = {
  kind: TPolicyKind;
  init?: (ctx: { settings: object; parameters: object }) => unknown;
  eval: (input: unknown, ctx: object) => unknown;
  management?: (action: string, data: unknown, ctx: object) => unknown;
};
type TRunning = {
  eval: (input: unknown) => unknown;
  management: (action: string, data?: unknown) => unknown;
  logs: unknown[][];
};

const modules = new Map<string, TPolicy>();
beforeAll(async () => {
  for (const spec of specs) {
    const file = join(policiesDir, `${spec.name}.ts`);
    const mod = (await import(/* @vite-ignore */ file)) as { default: TPolicy };
    modules.set(spec.name, mod.default);
  }
});

/** Starts a policy as the runtime would, with its spec's settings unless overridden. */
function start(name: string, settings?: Record<string, unknown>): TRunning {
  const spec = specs.find((s) => s.name === name)!;
  const policy = modules.get(name)!;
  expect(policy.kind).toBe(spec.kind);
  const ctx = {
    settings: settings ?? spec.policySettings ?? {},
    parameters: spec.policyParameters ?? {},
    state: undefined as unknown,
    log: {} as Record<string, (...args: unknown[]) => void>,
  };
  const logs: unknown[][] = [];
  for (const level of ["log", "info", "warn", "error", "debug"]) ctx.log[level] = (...a) => logs.push(a);
  ctx.state = policy.init?.({ settings: ctx.settings, parameters: ctx.parameters });
  return {
    logs,
    eval(input) {
      const checked = validatePolicyInput(spec.kind, input);
      if (!checked.ok) throw new Error(`bad test input: ${JSON.stringify(checked.errors)}`);
      const output = policy.eval(checked.value, ctx);
      const result = validatePolicyOutput(spec.kind, output, input);
      if (!result.ok)
        throw new Error(`${name} returned ${JSON.stringify(output)}: ${JSON.stringify(result.errors)}`);
      return output;
    },
    management: (action, data) => policy.management?.(action, data, ctx),
  };
}

const packet = (data: Record<string, unknown> = {}) => ({
  session_id: "s-1",
  seq_no: 1,
  data,
  ts: Date.now() - 50,
});
const block = (extra: Record<string, unknown> = {}) => ({
  id: "blk-abcdefgh",
  blockComponentURI: "model.echo:1.0.0-stable",
  minInstances: 1,
  maxInstances: 4,
  ...extra,
});
const cluster = (id = "local", regionId = "eu-west") => ({ id, regionId, status: "live" });
const gpuNode = (id: string, free: number[], status = "ready") => ({
  id,
  status,
  vcpus: 8,
  load15m: 1,
  lastSeenAt: new Date().toISOString(),
  gpus: free.map((f, index) => ({ index, memoryMb: 24_000, freeMemoryMb: f })),
});
const vdagCtx = { vdagURI: "support:1.0.0-stable", nodeLabel: "detect", blockId: "blk-abcdefgh" };

describe("example policies decide sensibly and return valid outputs", () => {
  const instances = [{ id: "in-a" }, { id: "in-b", healthy: false }, { id: "in-c" }];
  const lb = (list: unknown[]) => ({ mode: "load_balance", packet: packet(), instances: list });

  it("round-robin rotates over healthy instances and resets", () => {
    const p = start("round-robin");
    const picks = [1, 2, 3].map(() => (p.eval(lb(instances)) as { instanceId: string }).instanceId);
    expect(picks).toEqual(["in-a", "in-c", "in-a"]);
    expect(p.management("reset")).toEqual({ ok: true });
    expect(p.eval(lb(instances))).toEqual({ instanceId: "in-a" });
  });

  it("least-loaded picks the idlest instance and rotates among ties", () => {
    const p = start("least-loaded");
    expect(
      p.eval(
        lb([
          { id: "x", inFlight: 3 },
          { id: "y", inFlight: 1, queueLength: 1 },
          { id: "z", inFlight: 1 },
        ]),
      ),
    ).toEqual({ instanceId: "z" });
    const tied = [{ id: "x" }, { id: "y" }];
    expect([p.eval(lb(tied)), p.eval(lb(tied))]).toEqual([{ instanceId: "y" }, { instanceId: "x" }]);
  });

  it("queue-depth-autoscaler scales up on backlog, then cools down, and removes idle instances", () => {
    const p = start("queue-depth-autoscaler", { targetQueuePerInstance: 4, cooldownSeconds: 60 });
    const busy = { blockData: block(), currentInstances: [{ id: "in-a", queueLength: 10, inFlight: 2 }] };
    expect(p.eval(busy)).toEqual({ skip: false, operation: "upscale", instancesCount: 2 });
    expect(p.eval(busy)).toMatchObject({ skip: true });
    const q = start("queue-depth-autoscaler", { cooldownSeconds: 0 });
    const idle = { blockData: block(), currentInstances: [{ id: "in-a", inFlight: 1 }, { id: "in-b" }] };
    expect(q.eval(idle)).toEqual({ skip: false, operation: "downscale", instancesList: ["in-b"] });
  });

  it("health-threshold replaces an instance only after consecutive failures", () => {
    const p = start("health-threshold", { failuresBeforeReplace: 2, minHealthyFraction: 0.5 });
    const round = (ok: boolean) => ({
      blockData: block(),
      healthCheckData: { "in-a": true, "in-b": ok },
      instances: [{ id: "in-a" }, { id: "in-b" }],
    });
    expect(p.eval(round(false))).toEqual({ healthy: true, replaceInstances: [] });
    expect(p.eval(round(false))).toEqual({ healthy: true, replaceInstances: ["in-b"] });
    expect(p.eval(round(false))).toEqual({ healthy: true, replaceInstances: [] });
  });

  it("most-free-gpu places on the node with the most free GPU memory and scores dry runs", () => {
    const p = start("most-free-gpu");
    const payload = {
      block: block(),
      cluster: cluster(),
      nodes: [gpuNode("n1", [4_000, 8_000]), gpuNode("n2", [12_000]), gpuNode("n3", [23_000], "down")],
    };
    expect(p.eval({ action: "allocation", payload })).toEqual({ nodeId: "n2", gpus: [0] });
    expect(p.eval({ action: "dry_run", payload })).toEqual({
      selectionScoreData: { score: 0.5, nodeInfo: { nodeId: "n2", gpus: [0] } },
    });
    expect(p.eval({ action: "dry_run", payload: { ...payload, nodes: [] } })).toEqual({
      selectionScoreData: { score: 0 },
    });
    expect(() => p.eval({ action: "scale", payload: { ...payload, nodes: [] } })).toThrow(/no node/);
  });

  it("cluster-by-capacity keeps the roomiest clusters, then takes the best score", () => {
    const p = start("cluster-by-capacity", { maxCandidates: 1 });
    const filterResult = [
      { ...cluster("a"), clusterMetrics: { gpuFreeMemoryMb: 1_000 } },
      { ...cluster("b"), clusterMetrics: { gpuFreeMemoryMb: 9_000 } },
    ];
    const selected = p.eval({ action: "selection", filterResult, blockData: block() }) as {
      clusters: { id: string }[];
    };
    expect(selected.clusters.map((c) => c.id)).toEqual(["b"]);
    const entry = (id: string, score: number) => ({
      id,
      cluster: cluster(id),
      scoreData: { score },
      blockData: block(),
    });
    expect(p.eval({ action: "post_dry_run", clusters: [entry("a", 0.4), entry("b", 0.9)] })).toMatchObject({
      id: "b",
    });
  });

  it("lowest-latency assigns the fastest running block", () => {
    const p = start("lowest-latency");
    const filterResult = [
      block({ id: "blk-slow", status: "running", metrics: { latencyMs: 90 } }),
      block({ id: "blk-new", status: "running" }),
      block({ id: "blk-fast", status: "running", metrics: { latencyMs: 20 } }),
      block({ id: "blk-down", status: "failed", metrics: { latencyMs: 1 } }),
    ];
    expect(p.eval({ nodeLabel: "detect", filterResult })).toEqual({ blockId: "blk-fast" });
  });

  it("rank-by-tags puts results with more wanted tags first, keeping the filter's order otherwise", () => {
    const p = start("rank-by-tags", { tags: ["gpu", "eu"] });
    const filterResult = [
      { id: "a" },
      { id: "b", tags: ["eu"] },
      { id: "c", doc: { tags: ["gpu", "eu"] } },
      { id: "d" },
    ];
    const out = p.eval({ filterResult }) as { results: { id: string }[] };
    expect(out.results.map((r) => r.id)).toEqual(["c", "b", "a", "d"]);
  });

  it("lowercase-text lower-cases the text field only", () => {
    const p = start("lowercase-text");
    const out = p.eval({ packet: packet({ text: "  Hello WORLD ", n: 1 }), blockData: block() });
    expect(out).toMatchObject({ packet: { data: { text: "hello world", n: 1 } } });
    expect(p.eval({ packet: packet({ n: 1 }), blockData: block() })).toMatchObject({
      packet: { data: { n: 1 } },
    });
  });

  it("add-timestamp stamps the result with time, block and elapsed ms", () => {
    const p = start("add-timestamp");
    const out = p.eval({ packet: packet({ label: "positive" }), blockData: block() }) as {
      packet: { data: { label: string; processed: { blockId: string; elapsedMs: number; at: string } } };
    };
    expect(out.packet.data.label).toBe("positive");
    expect(out.packet.data.processed.blockId).toBe("blk-abcdefgh");
    expect(out.packet.data.processed.elapsedMs).toBeGreaterThanOrEqual(50);
    expect(Number.isNaN(Date.parse(out.packet.data.processed.at))).toBe(false);
  });

  it("vdag-trace-tag appends the node to the packet's trace", () => {
    const p = start("vdag-trace-tag");
    const first = p.eval({ ...vdagCtx, packet: packet() }) as { packet: Record<string, unknown> };
    const second = p.eval({ ...vdagCtx, nodeLabel: "sentiment", packet: first.packet }) as {
      packet: { trace: { nodeLabel: string }[] };
    };
    expect(second.packet.trace.map((t) => t.nodeLabel)).toEqual(["detect", "sentiment"]);
  });

  it("keyword-router sends non-English text to translation and keywords to their branch", () => {
    const p = start("keyword-router");
    const next = ["translate", "billing", "support", "sentiment"];
    const route = (data: Record<string, unknown>) =>
      (p.eval({ ...vdagCtx, next, packet: packet(data) }) as { next?: string[] }).next;
    expect(route({ language: "de", text: "Rechnung" })).toEqual(["translate"]);
    expect(route({ language: "en", text: "My INVOICE shows an error" })).toEqual(["billing", "support"]);
    expect(route({ text: "all good" })).toBeUndefined();
    const q = start("keyword-router", {
      routes: [{ keywords: ["x"], to: ["nowhere"] }],
      defaultTo: ["sentiment"],
    });
    expect((q.eval({ ...vdagCtx, next, packet: packet({ text: "x" }) }) as { next: string[] }).next).toEqual([
      "sentiment",
    ]);
    expect(q.logs.length).toBe(1);
  });

  describe("per-session-quota", () => {
    const MINUTE = 60_000;
    const t0 = 1_700_000_040_000; // the start of a minute
    /** The controller's side: a count of allowed requests per session, as QuotaTable keeps it. */
    function controller(p: TRunning) {
      const counts: Record<string, number> = {};
      return (sessionId: string, ts: number) => {
        const quota = (counts[sessionId] ?? 0) + 1;
        const out = p.eval({ sessionId, quota, input: { ...packet(), ts } }) as {
          allowed: boolean;
          reason?: string;
        };
        if (out.allowed) counts[sessionId] = quota;
        return out;
      };
    }

    it("allows the limit per window and allows again when the window rolls over", () => {
      const ask = controller(start("per-session-quota", { limit: 2, windowSeconds: 60 }));
      expect([0, 1, 2].map((i) => ask("s-1", t0 + i * 1000).allowed)).toEqual([true, true, false]);
      expect(ask("s-1", t0 + 45_000)).toEqual({
        allowed: false,
        reason: "session s-1 used its 2 requests per 60 s; try again in 15 s",
      });
      expect([0, 1, 2].map((i) => ask("s-1", t0 + MINUTE + i).allowed)).toEqual([true, true, false]);
      expect(ask("s-1", t0 + 10 * MINUTE).allowed).toBe(true);
    });

    it("gives each caller without a session its own budget", () => {
      const ask = controller(start("per-session-quota", { limit: 1, windowSeconds: 86_400 }));
      expect(ask("anonymous:token:tok-a", t0).allowed).toBe(true);
      expect(ask("anonymous:token:tok-a", t0 + 1).allowed).toBe(false);
      expect(ask("anonymous:token:tok-b", t0 + 2).allowed).toBe(true);
      expect(ask("anonymous:address:127.0.0.2", t0 + 3).allowed).toBe(true);
    });

    it("starts over when an operator resets the session, and honours a per-session override", () => {
      const p = start("per-session-quota", { limit: 2 });
      const ask = (quota: number, ts = t0) =>
        (p.eval({ sessionId: "s-1", quota, input: { ...packet(), ts } }) as { allowed: boolean }).allowed;
      expect([1, 2, 3].map((q) => ask(q))).toEqual([true, true, false]);
      // The controller's count went back to 0: the next request is the session's first again.
      expect([1, 2, 3].map((q) => ask(q))).toEqual([true, true, false]);
      expect(p.management("setLimit", { sessionId: "s-1", limit: 3 })).toEqual({ ok: true });
      expect(ask(3)).toBe(true);
      expect(p.management("clearLimit", { sessionId: "s-1" })).toEqual({ ok: true });
      expect(ask(3)).toBe(false);
    });

    it("defaults to the spec's 100 requests per 60 s", () => {
      const ask = controller(start("per-session-quota"));
      const allowed = Array.from({ length: 101 }, (_, i) => ask("s-1", t0 + i).allowed);
      expect(allowed.filter(Boolean)).toHaveLength(100);
      expect(allowed[100]).toBe(false);
      expect(ask("s-1", t0 + MINUTE).allowed).toBe(true);
    });
  });

  it("sample-quality fails empty or incomplete responses and warns on a low pass rate", () => {
    const p = start("sample-quality", { requiredFields: ["label"], minPassRate: 0.9 });
    const check = (data: Record<string, unknown>) =>
      p.eval({ vdagURI: "support:1.0.0-stable", request: packet({ text: "hi" }), response: packet(data) });
    expect(check({ label: "positive" })).toMatchObject({ passed: true, score: 1 });
    expect(check({})).toMatchObject({ passed: false });
    expect(p.logs.length).toBe(1);
  });

  it("all-blocks-healthy is strict periodically and lenient per request", () => {
    const p = start("all-blocks-healthy");
    const healthCheckData = {
      "blk-a": { healthy: true },
      "blk-b": { healthy: false, instances: 2, healthyInstances: 1 },
    };
    expect(p.eval({ mode: "default", vdagURI: "v:1-stable", healthCheckData })).toMatchObject({
      overallHealthy: false,
      unhealthyBlocks: ["blk-b"],
    });
    expect(p.eval({ mode: "fast_check", vdagURI: "v:1-stable", healthCheckData })).toEqual({
      overallHealthy: true,
    });
  });

  it("allow-list denies unlisted clusters, regions and components with a reason", () => {
    const p = start("allow-list", { clusterIds: ["local"], regions: ["eu-west"], components: ["model.*"] });
    expect(p.eval({ action: "add_cluster", clusterData: cluster("local") })).toEqual({ allowed: true });
    expect(p.eval({ action: "add_cluster", clusterData: cluster("other") })).toEqual({
      allowed: false,
      reason: "cluster other is not in the allow-list",
    });
    expect(p.eval({ action: "update_cluster", clusterData: cluster("local", "us-east") })).toMatchObject({
      allowed: false,
    });
    const addBlock = (uri: string) => ({
      action: "add_block",
      clusterData: cluster(),
      blockData: block({ blockComponentURI: uri }),
    });
    expect(p.eval(addBlock("model.echo:1.0.0-stable"))).toEqual({ allowed: true });
    expect(p.eval(addBlock("tool.http-proxy:1.0.0-stable"))).toMatchObject({ allowed: false });
    expect(p.eval({ action: "scale_block", blockData: block(), input: { operation: "upscale" } })).toEqual({
      allowed: true,
    });
  });

  it("node-stability flags silent, down and overloaded nodes", () => {
    const p = start("node-stability");
    const nodesData = [
      gpuNode("ok", []),
      { ...gpuNode("silent", []), lastSeenAt: new Date(Date.now() - 600_000).toISOString() },
      gpuNode("down", [], "unreachable"),
      { ...gpuNode("hot", []), load15m: 40 },
    ];
    expect(p.eval({ clusterData: cluster(), nodesData })).toMatchObject({
      isStable: false,
      unstableNodes: ["silent", "down", "hot"],
    });
    expect(p.eval({ clusterData: cluster(), nodesData: [gpuNode("ok", [])] })).toMatchObject({
      isStable: true,
    });
  });

  it("log-event logs and counts events per name", () => {
    const p = start("log-event");
    const event = { blockId: "blk-abcdefgh", eventName: "model_loaded", eventData: { ms: 900 } };
    expect(p.eval(event)).toEqual({ eventName: "model_loaded", count: 1 });
    expect(p.eval(event)).toEqual({ eventName: "model_loaded", count: 2 });
    expect(p.logs).toHaveLength(2);
    expect(p.management("counts")).toEqual({ ok: true, counts: { model_loaded: 2 } });
  });
});
