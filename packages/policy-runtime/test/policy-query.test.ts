import { describe, expect, it } from "vitest";
import { compilePolicy } from "../src/compile";
import { createPolicyHost, type PolicySource } from "../src/host";
import { loadPolicyInstance } from "../src/sandbox";
import { MAX_QUERY_ROUNDS } from "../src/sandbox/query-rounds";
import type { SandboxIsolation } from "../src/sandbox/types";

const fn = (body: string, extra = "") => `import { definePolicy } from "@aios/policy-runtime";
${extra}
export default definePolicy({
  kind: "function",
  eval(input, ctx) {
    ${body}
  },
});`;

/** Two queries, then the answer: the nodes under 2 of load, and how many clusters there are. */
const TWO_QUERIES = fn(`
    ctx.log("asking");
    const nodes = ctx.query({ entity: "node", filter: { variable: "load15m", operator: "<", value: 2 } });
    const clusters = ctx.query({ entity: "cluster" });
    return { calm: nodes.rows.map((r) => r.id), clusters: clusters.rows.length, input };`);

function answering(calls: unknown[]) {
  return async (q: unknown) => {
    calls.push(q);
    const entity = (q as { entity: string }).entity;
    return entity === "node" ? { rows: [{ id: "n1" }, { id: "n3" }] } : { rows: [{ id: "c1" }] };
  };
}

async function instance(code: string, isolation: SandboxIsolation) {
  return loadPolicyInstance(await compilePolicy(code, "q.ts"), { isolation, limits: { cpuTimeMs: 500 } });
}

describe.each(["in-process", "process"] as const)("ctx.query in a %s sandbox", (isolation) => {
  it("answers each query once, synchronously, and keeps the logs of the call that answered", async () => {
    const p = await instance(TWO_QUERIES, isolation);
    try {
      const calls: unknown[] = [];
      const r = await p.eval({ x: 1 }, { query: answering(calls) });
      expect(r.ok && r.value).toEqual({ calm: ["n1", "n3"], clusters: 1, input: { x: 1 } });
      expect(calls).toEqual([
        { entity: "node", filter: { variable: "load15m", operator: "<", value: 2 } },
        { entity: "cluster" },
      ]);
      expect(r.logs).toEqual([{ level: "log", message: "asking" }]);
    } finally {
      p.dispose();
    }
  });

  it("hands a failed query to the policy as an error it can catch", async () => {
    const p = await instance(
      fn(
        `try { ctx.query({ entity: "node" }); return { ok: true }; } catch (e) { return { caught: e.message }; }`,
      ),
      isolation,
    );
    try {
      const r = await p.eval(null, {
        query: async () => {
          throw new Error("statement timeout");
        },
      });
      expect(r.ok && r.value).toEqual({ caught: "ctx.query failed: statement timeout" });
    } finally {
      p.dispose();
    }
  });

  it("says so when the caller gives nothing to query", async () => {
    const p = await instance(fn(`return ctx.query({ entity: "node" });`), isolation);
    try {
      const r = await p.eval(null);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.message).toContain("ctx.query: this call's caller gives nothing to query");
    } finally {
      p.dispose();
    }
  });
});

describe("ctx.query's bounds", () => {
  it("stops a policy that keeps asking, round after round", async () => {
    const p = await instance(
      fn(`let n = 0; for (;;) ctx.query({ entity: "node", ids: [String(n++)] });`),
      "in-process",
    );
    try {
      let asked = 0;
      const r = await p.eval(null, { query: async () => ({ rows: [], n: asked++ }) });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.message).toBe(
        `ctx.query: more than ${MAX_QUERY_ROUNDS} rounds of queries in one call`,
      );
      expect(asked).toBe(MAX_QUERY_ROUNDS);
    } finally {
      p.dispose();
    }
  });

  it("works in an async eval, and in a stateless execute with fresh state each round", async () => {
    const code = fn(
      `ctx.state.n = (ctx.state.n ?? 0) + 1;
    const a = await Promise.resolve(ctx.query({ entity: "vdag" }));
    return { a, n: ctx.state.n };`,
    ).replace("eval(input, ctx)", "async eval(input, ctx)");
    const source: PolicySource = { policyRuleURI: "q:1.0.0-stable", code, kind: "function" };
    const host = createPolicyHost({ resolve: async () => source, isolation: "in-process" });
    try {
      const r = await host.execute("q:1.0.0-stable", null, {}, { query: async () => ({ rows: ["v"] }) });
      // init ran again before the answering round: its state counts that round only.
      expect(r.ok && r.value).toEqual({ a: { rows: ["v"] }, n: 1 });
    } finally {
      host.dispose();
    }
  });
});
