import { createLogger } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { HealthChecker, type probeInstance } from "../src/health-checker";
import { Mapper } from "../src/mapper";

const log = createLogger({ test: "health" }, { write: () => {} });
type Probe = Awaited<ReturnType<typeof probeInstance>>;
const ok: Probe = { at: 0, ok: true, refused: false };
const fail: Probe = { at: 0, ok: false, refused: false, detail: "HTTP 503" };
const refused: Probe = { at: 0, ok: false, refused: true, detail: "ECONNREFUSED" };

describe("HealthChecker", () => {
  const mappers: Mapper[] = [];
  afterEach(async () => {
    for (const m of mappers.splice(0)) await m.shutdown(0);
  });

  function setup(
    results: Record<string, Probe>,
    opts: { graceMs?: number; policy?: (input: unknown) => unknown } = {},
  ) {
    const mapper = new Mapper();
    mappers.push(mapper);
    mapper.set(Object.keys(results).map((id, i) => ({ id, endpoint: `http://127.0.0.1:${41000 + i}` })));
    const replaced: string[] = [];
    const checker = new HealthChecker({
      mapper,
      log,
      blockData: { id: "blk" },
      settings: {
        healthCheckIntervalMs: 1000,
        healthCheckTimeoutMs: 100,
        failuresBeforeReplace: 3,
        startupGraceMs: opts.graceMs ?? 0,
      },
      replaceInstance: (id) => replaced.push(id),
      probe: async (r) => results[r.id]!,
      ...(opts.policy
        ? {
            policy: {
              uri: "hc",
              settings: {},
              eval: async (i) => opts.policy!(i),
              management: async () => ({}),
              dispose() {},
            },
          }
        : {}),
    });
    return { mapper, checker, replaced, results };
  }

  it("replaces after 3 consecutive failures, resets the count on success", async () => {
    const s = setup({ a: ok, b: fail });
    await s.checker.round();
    await s.checker.round();
    expect(s.mapper.get("b")).toMatchObject({ state: "unhealthy", consecutiveFailures: 2 });
    expect(s.mapper.get("a")).toMatchObject({ state: "healthy", consecutiveFailures: 0 });
    expect(s.replaced).toEqual([]);
    s.results.b = ok;
    await s.checker.round();
    expect(s.mapper.get("b")).toMatchObject({ state: "healthy", consecutiveFailures: 0 });
    s.results.b = fail;
    for (let i = 0; i < 3; i++) await s.checker.round();
    expect(s.replaced).toEqual(["b"]);
    expect(s.checker.blockHealthy).toBe(true);
  });

  it("replaces at once on a refused connection, but not while an instance is starting", async () => {
    const s = setup({ a: refused }, { graceMs: 60_000 });
    await s.checker.round();
    expect(s.mapper.get("a")?.state).toBe("starting");
    expect(s.replaced).toEqual([]);
    s.results.a = ok;
    await s.checker.round();
    s.results.a = refused;
    await s.checker.round();
    expect(s.replaced).toEqual(["a"]);
    expect(s.checker.blockHealthy).toBe(false);
  });

  it("lets a healthChecker policy decide", async () => {
    let input: { healthCheckData?: unknown; instances?: unknown[] } = {};
    const policy = (i: unknown) => {
      input = i as typeof input;
      return { healthy: false, replaceInstances: ["a"], reason: "test" };
    };
    const s = setup({ a: ok, b: ok }, { policy });
    await s.checker.round();
    expect(input.healthCheckData).toEqual({ a: true, b: true });
    expect(input.instances?.[0]).toMatchObject({ id: "a", healthy: true, consecutiveFailures: 0 });
    expect(s.replaced).toEqual(["a"]);
    expect(s.checker.blockHealthy).toBe(false);
  });
});
