import { describe, expect, it } from "vitest";
import { defineComponent, testComponent } from "../src/index";

function batched(maxSize: number, maxWaitMs: number) {
  const calls: number[][] = [];
  const def = defineComponent({
    batch: { maxSize, maxWaitMs },
    infer(inputs, ctx) {
      calls.push(inputs.map((i) => Number(i.n)));
      return inputs.map((input, i) =>
        input.fail
          ? new Error(`no ${input.n}`)
          : { n: input.n, size: inputs.length, seq: ctx.packets[i]?.seq_no },
      );
    },
  });
  return { def, calls };
}

describe("batching", () => {
  it("passes concurrent inputs to one infer call and returns each result to its caller", async () => {
    const { def, calls } = batched(8, 50);
    const t = await testComponent(def);
    const outs = await Promise.all([0, 1, 2, 3, 4].map((n) => t.infer({ n }, { seq_no: 100 + n })));
    expect(calls).toEqual([[0, 1, 2, 3, 4]]);
    expect(outs).toEqual([0, 1, 2, 3, 4].map((n) => ({ n, size: 5, seq: 100 + n })));
    expect(await t.metrics()).toContain("aios_instance_batch_size_count");
  });

  it("runs a batch as soon as it is full, and the rest after maxWaitMs", async () => {
    const { def, calls } = batched(2, 20);
    const t = await testComponent(def);
    await Promise.all([0, 1, 2].map((n) => t.infer({ n })));
    expect(calls).toEqual([[0, 1], [2]]);
  });

  it("fails only the task whose output is an Error", async () => {
    const { def } = batched(4, 10);
    const t = await testComponent(def);
    const [ok, bad] = await Promise.allSettled([t.infer({ n: 1 }), t.infer({ n: 2, fail: true })]);
    expect(ok).toMatchObject({ status: "fulfilled", value: { n: 1, size: 2 } });
    expect(bad).toMatchObject({ status: "rejected", reason: { status: 500, message: "infer failed: no 2" } });
  });

  it("fails the whole batch when infer returns the wrong number of outputs", async () => {
    const t = await testComponent(
      defineComponent({ batch: { maxSize: 4, maxWaitMs: 10 }, infer: () => [{}] }),
    );
    const results = await Promise.allSettled([t.infer({}), t.infer({})]);
    for (const r of results)
      expect(r).toMatchObject({
        status: "rejected",
        reason: { status: 500, message: /array of 2 outputs.*got 1 outputs/ },
      });
  });
});
