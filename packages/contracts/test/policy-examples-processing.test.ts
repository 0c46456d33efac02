import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  block,
  cluster,
  gpuNode,
  loadExamplePolicies,
  packet,
  start,
  type TRunning,
  vdagCtx,
} from "./fixtures/example-policies";

// The examples import the runtime's `definePolicy`; here it is the identity, and `start` calls
// init/eval the way the runtime does, so the examples' decisions can be checked against the schemas.
vi.mock("@aios/policy-runtime", () => ({ definePolicy: (definition: unknown) => definition }));

beforeAll(loadExamplePolicies);

describe("example processing, vDAG and gateway policies decide sensibly and return valid outputs", () => {
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
