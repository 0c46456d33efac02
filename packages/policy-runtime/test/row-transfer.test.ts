import { describe, expect, it } from "vitest";
import { compilePolicy } from "../src/compile";
import { loadPolicyInstance, type SandboxIsolation } from "../src/sandbox";
import { RowEncoder } from "../src/sandbox/row-transfer";

const rows = (n: number, f: (i: number) => Record<string, unknown>) =>
  Array.from({ length: n }, (_, i) => f(i));
const instances = (n: number, load = (_i: number) => 0) =>
  rows(n, (i) => ({ id: `in-${i}`, healthy: true, inFlight: load(i), latencyMs: 2.5 }));

describe("RowEncoder", () => {
  it("sends the columns once, then only what changed", () => {
    const enc = new RowEncoder();
    const first = enc.encode({ mode: "x", instances: instances(8) });
    expect(first.input).toEqual({ mode: "x", instances: null });
    expect(first.rows?.instances).toMatchObject({ n: 8, k: ["id", "healthy", "inFlight", "latencyMs"] });
    expect(first.rows?.instances?.b).toBeUndefined();

    const same = enc.encode({ mode: "x", instances: instances(8) });
    expect(same.rows?.instances).toMatchObject({ b: first.rows?.instances?.id, k: 0, c: [0, 0, 0, 0] });

    const oneMoved = enc.encode({ mode: "x", instances: instances(8, (i) => (i === 3 ? 2 : 0)) });
    expect(oneMoved.rows?.instances?.c).toEqual([0, 0, { d: [3, 2] }, 0]);

    const allMoved = enc.encode({ mode: "x", instances: instances(8, (i) => i + 1) });
    expect(allMoved.rows?.instances?.c[2]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("leaves short arrays, mixed shapes and values JSON cannot carry as they are", () => {
    const enc = new RowEncoder();
    expect(enc.encode({ instances: instances(3) }).rows).toBeUndefined();
    const mixed = [...instances(5), { id: "in-x", inFlight: 0, healthy: true, latencyMs: 1 }];
    expect(enc.encode({ instances: mixed }).rows).toBeUndefined();
    const extra = [...instances(5), { id: "in-x", healthy: true, inFlight: 0, latencyMs: 1, more: 1 }];
    expect(enc.encode({ instances: extra }).rows).toBeUndefined();
    const withFn = instances(5).map((r) => ({ ...r, latencyMs: () => 1 }));
    expect(enc.encode({ instances: withFn }).rows).toBeUndefined();
    const notPlain = instances(5).map((r) => Object.assign(new (class Row {})(), r));
    expect(enc.encode({ instances: notPlain }).rows).toBeUndefined();
    const protoKey = rows(5, (i) => ({ id: i, toString: "x" }));
    expect(enc.encode({ instances: protoKey }).rows).toBeUndefined();
    expect(enc.encode([1, 2, 3, 4, 5]).rows).toBeUndefined();
  });

  it("never reuses a column holding objects (they may have changed in place)", () => {
    const enc = new RowEncoder();
    const gpus = rows(4, () => ({ gpus: [0] }));
    enc.encode({ nodes: gpus });
    const again = enc.encode({ nodes: gpus });
    expect(again.rows?.nodes?.c).toEqual([[[0], [0], [0], [0]]]);
  });

  it("after a shape it could not send, sends everything again", () => {
    const enc = new RowEncoder();
    enc.encode({ instances: instances(6) });
    enc.encode({ instances: [...instances(5), { other: 1 }] });
    expect(enc.encode({ instances: instances(6) }).rows?.instances?.b).toBeUndefined();
  });
});

/** A function policy answering its input: what the policy sees must be what JSON would give it. */
const ECHO = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "function",
  eval(input) {
    if (input.spin) for (;;) {}
    if (input.mutate) { input.rows[0].a = "changed"; input.rows.pop(); }
    return input;
  },
});
`;

const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe.each<SandboxIsolation>(["in-process", "process"])("rows through the %s sandbox", (isolation) => {
  it("arrive exactly as JSON would deliver them, call after call", async () => {
    const instance = await loadPolicyInstance(await compilePolicy(ECHO), {
      isolation,
      limits: { cpuTimeMs: 200 },
    });
    try {
      const inputs = [
        { rows: rows(6, (i) => ({ a: `r${i}`, b: i, c: i % 2 === 0 })), tail: "kept after" },
        { rows: rows(6, (i) => ({ a: `r${i}`, b: i === 2 ? 20 : i, c: i % 2 === 0 })) },
        { rows: rows(6, (i) => ({ a: `r${i}`, b: i === 2 ? Number.NaN : i, c: null })) },
        { rows: rows(6, (i) => ({ a: `r${i}`, b: i === 4 ? undefined : i, c: { nested: [i] } })) },
        { rows: rows(7, (i) => ({ c: i, b: i, a: `r${i}` })) },
        { rows: rows(7, (i) => ({ c: i, b: i, a: `r${i}` })), mutate: true },
        { rows: rows(7, (i) => ({ c: i, b: i, a: `r${i}` })) },
        { rows: rows(4, (i) => ({ x: new Date(i * 1000), y: -0 })) },
      ];
      for (const input of inputs) {
        const r = await instance.eval(input, { trustedInput: true });
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        // Same keys in the same order, same values: compare as JSON text.
        const expected = asJson(input);
        if ("mutate" in input) {
          expected.rows[0].a = "changed";
          expected.rows.pop();
        }
        expect(JSON.stringify(r.value)).toBe(JSON.stringify(expected));
      }
    } finally {
      instance.dispose();
    }
  });

  it("are sent in full again once the sandbox has lost them", async () => {
    const instance = await loadPolicyInstance(await compilePolicy(ECHO), {
      isolation,
      limits: { cpuTimeMs: 100 },
    });
    try {
      const input = (k: number) => ({ rows: rows(8, (i) => ({ id: `in-${i}`, load: i === k ? 1 : 0 })) });
      expect((await instance.eval(input(0), { trustedInput: true })).ok).toBe(true);
      // A runaway call: the isolate is thrown away, and the columns it held with it.
      const spun = await instance.eval({ ...input(0), spin: true }, { trustedInput: true });
      expect(spun.ok).toBe(false);
      const after = await instance.eval(input(5), { trustedInput: true });
      expect(after).toMatchObject({ ok: true, value: asJson(input(5)) });
    } finally {
      instance.dispose();
    }
  });
});
