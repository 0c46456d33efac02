import { describe, expect, it } from "vitest";
import { compilePolicy } from "../src/compile";
import type { LoadOptions, PolicyInstance } from "../src/sandbox/types";
import { lbInput, lbPolicy, probePolicy, ROUND_ROBIN } from "./fixtures";

export type LoadFn = (code: string, opts?: LoadOptions) => Promise<PolicyInstance>;

export interface ContractCaps {
  /** Survives allocations that abort V8 itself (hash-table growth, one huge array). */
  containsFatalOom: boolean;
}

const SLOW = { timeout: 30_000 };

/**
 * What any PolicyInstance implementation must do: call semantics, error positions, and that no
 * policy reaches, pollutes or takes down the host. Run it with another `load` to check another sandbox.
 */
export function describeSandboxContract(name: string, load: LoadFn, caps: ContractCaps): void {
  const evalOnce = async (body: string, opts?: LoadOptions) => {
    const p = await load(lbPolicy(body), opts);
    try {
      return await p.eval(lbInput());
    } finally {
      p.dispose();
    }
  };
  const probe = async (body: string) => {
    const p = await load(probePolicy(body));
    try {
      const r = await p.management("probe", null);
      if (!r.ok) throw r.error;
      return r.value as Record<string, unknown>;
    } finally {
      p.dispose();
    }
  };

  describe(`sandbox contract: ${name}`, () => {
    describe("calls", () => {
      it("keeps the state init returned between evals", async () => {
        const p = await load(ROUND_ROBIN);
        const picks = [];
        for (let i = 0; i < 3; i++) {
          const r = await p.eval(lbInput());
          picks.push(r.ok ? r.value : r.error.message);
        }
        expect(picks).toEqual([{ instanceId: "a" }, { instanceId: "b" }, { instanceId: "a" }]);
        expect(p.kind).toBe("loadBalancer");
        expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
        p.dispose();
      });

      it("passes settings, parameters and metrics; init() starts the state over", async () => {
        const p = await load(
          lbPolicy("return { instanceId: [settings.a, parameters.b, metrics?.m, state.next++].join('-') };"),
          {
            settings: { a: 1 },
            parameters: { b: 2 },
          },
        );
        expect((await p.eval(lbInput(), { metrics: { m: 3 } })).ok && "ok").toBe("ok");
        const second = await p.eval(lbInput(), { metrics: { m: 3 } });
        expect(second.ok && second.value).toEqual({ instanceId: "1-2-3-1" });
        await p.init({ a: "x" }, { b: "y" });
        const third = await p.eval(lbInput());
        expect(third.ok && third.value).toEqual({ instanceId: "x-y--0" });
        p.dispose();
      });

      it("runs management with the policy's state", async () => {
        const p = await load(
          probePolicy("state.seen = (state.seen ?? 0) + 1; return { action, data, seen: state.seen };"),
        );
        await p.management("a", 1);
        const r = await p.management("reset", { hard: true });
        expect(r.ok && r.value).toEqual({ action: "reset", data: { hard: true }, seen: 2 });
        p.dispose();
      });

      it("supports an async eval that settles within the call", async () => {
        const r = await evalOnce(
          "await Promise.resolve(); return { instanceId: input.instances[1].id };"
            .replace("await", "return (async () => { await")
            .replace("};", "}; })();"),
        );
        expect(r.ok && r.value).toEqual({ instanceId: "b" });
      });
    });

    describe("logs", () => {
      it("captures log and console.* per call, without leaking into the next call", async () => {
        const p = await load(
          lbPolicy(
            'log("call", state.next); console.warn("w", { n: state.next }); if (state.next++ === 0) console.error(new Error("e1"));\n    return { instanceId: "a" };',
          ),
        );
        const first = await p.eval(lbInput());
        const second = await p.eval(lbInput());
        expect(first.logs).toEqual([
          { level: "log", message: "call 0" },
          { level: "warn", message: 'w {"n":0}' },
          { level: "error", message: "Error: e1" },
        ]);
        expect(second.logs).toEqual([
          { level: "log", message: "call 1" },
          { level: "warn", message: 'w {"n":1}' },
        ]);
        p.dispose();
      });

      it("caps the number of log entries of one call", async () => {
        const r = await evalOnce(
          'for (let i = 0; i < 1000; i++) log.debug(i);\n    return { instanceId: "a" };',
        );
        expect(r.logs).toHaveLength(201);
        expect(r.logs.at(-1)?.message).toMatch(/800 more log entries dropped/);
      });

      it("returns the logs of a failed call", async () => {
        const r = await evalOnce('log("before"); throw new Error("nope");');
        expect(r.ok).toBe(false);
        expect(r.logs).toEqual([{ level: "log", message: "before" }]);
      });
    });

    describe("errors", () => {
      it("reports a runtime error at the policy's own TypeScript line and column", async () => {
        const r = await evalOnce(
          '    const n: number = 1;\n    if (n) throw new TypeError("bad pick");\n    return { instanceId: "a" };',
        );
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.kind).toBe("runtime");
        // Line 7 of the module is the `throw` line; V8 places the error at its `new` (column 18, 1-based).
        expect([r.error.line, r.error.column]).toEqual([7, 18]);
        expect(r.error.message).toContain("TypeError: bad pick");
        expect(r.error.policyStack).toMatch(/policy\.ts:7:18/);
        expect(r.error.policyStack).not.toMatch(/prelude|isolated-vm|node_modules/);
      });

      it("rejects output that does not match the kind, naming the field", async () => {
        const r = await evalOnce("return { instanceId: 42 };");
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.kind).toBe("invalid_output");
        expect(r.error.issues?.map((i) => i.path)).toEqual(["output.instanceId"]);
        expect(r.error.output).toEqual({ instanceId: 42 });
      });

      it("rejects input that does not match the kind before running the policy", async () => {
        const p = await load(ROUND_ROBIN);
        const r = await p.eval({ mode: "load_balance", instances: [] });
        expect(!r.ok && r.error.kind).toBe("invalid_input");
        expect(!r.ok && r.error.issues?.map((i) => i.path)).toContain("input.packet");
        p.dispose();
      });

      it("rejects output that is not JSON (BigInt)", async () => {
        const r = await evalOnce("return { instanceId: 1n };");
        expect(!r.ok && r.error.kind).toBe("invalid_output");
      });

      it("rejects a module without a definePolicy default export", async () => {
        await expect(load("export default { kind: 'loadBalancer' };")).rejects.toMatchObject({
          kind: "invalid_policy",
        });
        await expect(load("export const x = 1;")).rejects.toMatchObject({ kind: "invalid_policy" });
        await expect(load(ROUND_ROBIN.replace('"loadBalancer"', '"noSuchKind"'))).rejects.toMatchObject({
          kind: "invalid_policy",
        });
      });
    });

    describeEscapes(probe, evalOnce, load);
    describeLimits(load, evalOnce, caps);
  });
}

function describeEscapes(
  probe: (body: string) => Promise<Record<string, unknown>>,
  evalOnce: (body: string) => Promise<Awaited<ReturnType<PolicyInstance["eval"]>>>,
  load: LoadFn,
): void {
  describe("escapes (none may reach the host)", () => {
    it("finds no host capability through constructors or the global object", async () => {
      const tryIt = (expr: string) =>
        `(() => { try { const v = ${expr}; return v === undefined ? "undefined" : typeof v; } catch (e) { return "threw " + e.name; } })()`;
      const value = await probe(`return {
        ctorProcess: ${tryIt('this.constructor.constructor("return process")()')},
        globalProcess: ${tryIt('({}).constructor.constructor("return this")().process')},
        fnRequire: ${tryIt('Function("return globalThis")().require')},
        evalProcess: ${tryIt('eval("typeof process") === "undefined" ? undefined : 1')},
        types: [typeof process, typeof globalThis.require, typeof fetch, typeof setTimeout, typeof setInterval, typeof setImmediate,
          typeof queueMicrotask, typeof WebAssembly, typeof SharedArrayBuffer, typeof Buffer, typeof module, typeof global],
      };`);
      expect(value).toEqual({
        ctorProcess: "threw ReferenceError",
        globalProcess: "undefined",
        fnRequire: "undefined",
        evalProcess: "undefined",
        types: Array(12).fill("undefined"),
      });
    });

    it("keeps prototype pollution inside the call: not in the host, not in the next call's input", async () => {
      const p = await load(
        probePolicy(`if (action === "pollute") {
      const tries = [];
      try { data.__proto__.polluted = 1; tries.push("input proto"); } catch { }
      try { Object.prototype.polluted2 = 1; tries.push("Object.prototype"); } catch { }
      try { Array.prototype.push = () => 0; tries.push("Array.prototype.push"); } catch { }
      return { tries };
    }
    return { inputPolluted: data.polluted ?? null, objectPolluted: ({}).polluted2 ?? null, pushWorks: [1].push(2) === 2 };`),
      );
      const polluted = await p.management("pollute", { a: 1 });
      expect(polluted.ok && polluted.value).toEqual({ tries: [] });
      const after = await p.management("check", { a: 1 });
      expect(after.ok && after.value).toEqual({ inputPolluted: null, objectPolluted: null, pushWorks: true });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted2).toBeUndefined();
      p.dispose();
    });

    it("hands back a __proto__ key as data, never as a prototype", async () => {
      const value = await probe('return JSON.parse(\'{"__proto__": {"polluted": 1}, "ok": true}\');');
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(value).toEqual({ ok: true });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it("awaits a thenable output; one that never resolves ends as a timeout at once", async () => {
      const good = await evalOnce('return { then(resolve) { resolve({ instanceId: "t" }); } };');
      expect(good.ok && good.value).toEqual({ instanceId: "t" });
      const t0 = performance.now();
      const never = await evalOnce("return { then() {} };");
      expect(!never.ok && never.error.kind).toBe("timeout");
      expect(!never.ok && never.error.message).toMatch(/never settled/);
      expect(performance.now() - t0).toBeLessThan(1000);
    });

    it("stops a Proxy output whose traps loop, and one whose traps throw", async () => {
      const looping = await evalOnce("return new Proxy({}, { ownKeys() { for (;;) {} } });");
      expect(!looping.ok && looping.error.kind).toBe("timeout");
      const throwing = await evalOnce('return new Proxy({}, { get() { throw new Error("trap"); } });');
      expect(throwing.ok).toBe(false);
      expect(!throwing.ok && throwing.error.message).toMatch(/trap/);
    });

    it("ends an async eval that loops in microtasks within the CPU limit", async () => {
      const t0 = performance.now();
      const r = await evalOnce("return (async () => { for (;;) await null; })();");
      expect(!r.ok && r.error.kind).toBe("timeout");
      expect(performance.now() - t0).toBeLessThan(1500);
    });
  });
}

function describeLimits(
  load: LoadFn,
  evalOnce: (b: string, o?: LoadOptions) => ReturnType<PolicyInstance["eval"]>,
  caps: ContractCaps,
): void {
  const rssMb = () => process.memoryUsage().rss / 1e6;

  describe("limits", () => {
    it("stops an infinite loop at about cpuTimeMs; the next call works on a fresh state", SLOW, async () => {
      const p = await load(
        lbPolicy('if (state.next++ === 1) { for (;;) {} }\n    return { instanceId: "n" + state.next };'),
        {
          limits: { cpuTimeMs: 50 },
        },
      );
      expect((await p.eval(lbInput())).ok).toBe(true);
      const t0 = performance.now();
      const r = await p.eval(lbInput());
      const took = performance.now() - t0;
      expect(!r.ok && r.error.kind).toBe("timeout");
      expect(!r.ok && r.error.message).toMatch(/50 ms.*state was lost/);
      expect(took).toBeGreaterThanOrEqual(45);
      expect(took).toBeLessThan(1000);
      const next = await p.eval(lbInput());
      expect(next.ok && next.value).toEqual({ instanceId: "n1" });
      p.dispose();
    });

    it("gives an async eval one budget, however its work is split around an await", SLOW, async () => {
      const spin = "{ const end = Date.now() + 150; while (Date.now() < end) {} }";
      const body = `return (async () => { ${spin} await null; ${spin} return { instanceId: "late" }; })();`;
      const r = await evalOnce(body, { limits: { cpuTimeMs: 250 } });
      expect(!r.ok && r.error.kind).toBe("timeout");
      const roomy = await evalOnce(body, { limits: { cpuTimeMs: 1000 } });
      expect(roomy.ok && roomy.value).toEqual({ instanceId: "late" });
    });

    it(
      "applies the cpuTimeMs it is given (a loop of ~400 ms passes with 5000, fails with 100)",
      SLOW,
      async () => {
        const body =
          'const end = Date.now() + 400; while (Date.now() < end) {}\n    return { instanceId: "done" };';
        const generous = await evalOnce(body, { limits: { cpuTimeMs: 5000 } });
        expect(generous.ok).toBe(true);
        const tight = await evalOnce(body, { limits: { cpuTimeMs: 100 } });
        expect(!tight.ok && tight.error.kind).toBe("timeout");
      },
    );

    it("turns deep recursion into a RangeError and keeps the state", async () => {
      const p = await load(
        lbPolicy(
          'state.next++;\n    if (input.instances.length === 1) { const f = (n: number): number => f(n + 1) + 1; f(0); }\n    return { instanceId: "s" + state.next };',
        ),
      );
      const r = await p.eval(lbInput(["only"]));
      expect(!r.ok && r.error.kind).toBe("runtime");
      expect(!r.ok && r.error.message).toMatch(/RangeError: Maximum call stack/);
      const next = await p.eval(lbInput());
      expect(next.ok && next.value).toEqual({ instanceId: "s2" });
      p.dispose();
    });

    const bombs: [string, string][] = [
      ["an array push loop", "const a: unknown[] = []; for (;;) a.push({ n: a.length, s: 'x' + a.length });"],
      [
        "string doubling",
        "let s = 'x'; const keep: string[] = []; for (;;) { s = s + s; keep.push(s.slice(1)); }",
      ],
      ["an ArrayBuffer loop", "const a: ArrayBuffer[] = []; for (;;) a.push(new ArrayBuffer(1 << 20));"],
    ];
    if (caps.containsFatalOom) {
      bombs.push(
        [
          "object map growth",
          "const o: Record<string, number[]> = {}; for (let i = 0; ; i++) o['k' + i] = [i];",
        ],
        ["Map growth", "const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });"],
        ["one huge array", "new Array(5e7).fill(0);"],
      );
    }
    for (const [label, bomb] of bombs) {
      it(
        `stops ${label} with a memory error; the host stays sane and the next call works`,
        SLOW,
        async () => {
          const before = rssMb();
          const p = await load(
            lbPolicy(`if (input.instances.length === 1) { ${bomb} }\n    return { instanceId: "after" };`),
            {
              limits: { memoryMb: 32, cpuTimeMs: 5000 },
            },
          );
          const r = await p.eval(lbInput(["bomb"]));
          expect(!r.ok && r.error.kind).toBe("memory");
          expect(rssMb() - before).toBeLessThan(300);
          const next = await p.eval(lbInput());
          expect(next.ok && next.value).toEqual({ instanceId: "after" });
          p.dispose();
        },
      );
    }

    it("applies the memoryMb it is given (~60 MB of objects fail with 16, pass with 256)", SLOW, async () => {
      const body =
        "const a: unknown[] = []; for (let i = 0; i < 1.5e6; i++) a.push({ i, j: i });\n    return { instanceId: String(a.length) };";
      const tight = await evalOnce(body, { limits: { memoryMb: 16, cpuTimeMs: 5000 } });
      expect(!tight.ok && tight.error.kind).toBe("memory");
      const roomy = await evalOnce(body, { limits: { memoryMb: 256, cpuTimeMs: 5000 } });
      expect(roomy.ok && roomy.value).toEqual({ instanceId: "1500000" });
    });

    it("a policy that times out leaves another policy and its state alone", SLOW, async () => {
      const other = await load(ROUND_ROBIN);
      expect((await other.eval(lbInput())).ok).toBe(true);
      const r = await evalOnce("for (;;) {}");
      expect(!r.ok && r.error.kind).toBe("timeout");
      const next = await other.eval(lbInput());
      expect(next.ok && next.value).toEqual({ instanceId: "b" });
      other.dispose();
    });
  });
}

export const loadWith =
  (
    base: LoadOptions,
    loader: (c: Awaited<ReturnType<typeof compilePolicy>>, o: LoadOptions) => Promise<PolicyInstance>,
  ): LoadFn =>
  async (code, opts) =>
    loader(await compilePolicy(code), { ...base, ...opts, limits: { ...base.limits, ...opts?.limits } });
