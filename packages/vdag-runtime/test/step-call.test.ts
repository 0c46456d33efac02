import type { Pool } from "undici";
import { describe, expect, it } from "vitest";
import { probeExecutor } from "../src/health";
import type { PlanStep } from "../src/plan";
import { type ExecutorTarget, requestUntilAborted } from "../src/pools";
import { callStep } from "../src/step-call";

/**
 * A pool whose requests never answer and ignore their signal, as undici's do while the connection
 * to a host whose link was cut is still being made (no SYN answered): only its own connect
 * timeout would end them.
 */
function connectingPool() {
  const seen: { path: string; signal: AbortSignal }[] = [];
  const pool = {
    request: (opts: { path: string; signal: AbortSignal }) => {
      seen.push(opts);
      return new Promise(() => {});
    },
  } as unknown as Pool;
  return { pool, seen };
}

function target(pool: Pool): ExecutorTarget {
  return {
    endpoint: "http://127.0.0.1:9",
    origin: "http://127.0.0.1:9",
    pool,
    inferPath: "/infer",
    healthPath: "/health",
    inferHeaders: { "content-type": "application/json" },
  };
}

const step = (t: ExecutorTarget) => ({ label: "b", blockId: "blk-b", target: t }) as unknown as PlanStep;

describe("a step or a probe to a host that answers no connection", () => {
  it("fails at the step timeout, counted as unreachable (the vDAG's health is checked at once)", async () => {
    const { pool, seen } = connectingPool();
    const active = new Set<AbortController>();
    const out = await callStep(step(target(pool)), "{}", { stepTimeoutMs: 100, retries: 2 }, active);
    expect(out).toMatchObject({
      ok: false,
      reason: "timed out after 100 ms",
      timedOut: true,
      unreachable: true,
      attempts: 1,
    });
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(active.size).toBe(0);
  });

  it("a health probe ends at its own timeout, not the pool's connect timeout", async () => {
    const { pool } = connectingPool();
    expect(await probeExecutor(target(pool), 100)).toEqual({ healthy: false, error: "timeout" });
  });

  it("passes the answer through when it comes before the abort, and drops a late one's body", async () => {
    let answer!: (v: unknown) => void;
    let destroyed = 0;
    const res = { statusCode: 200, body: { destroy: () => destroyed++ } };
    const pool = { request: () => new Promise((r) => (answer = r)) } as unknown as Pool;
    const ac = new AbortController();
    const got = requestUntilAborted(pool, { path: "/", method: "GET", signal: ac.signal });
    answer(res);
    expect(await got).toBe(res);

    const late = new AbortController();
    const gone = requestUntilAborted(pool, { path: "/", method: "GET", signal: late.signal });
    late.abort();
    await expect(gone).rejects.toMatchObject({ name: "AbortError" });
    answer(res);
    await new Promise((r) => setTimeout(r, 0));
    expect(destroyed).toBe(1);
  });
});
