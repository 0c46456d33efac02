import { describe, expect, it } from "vitest";
import { defineComponent, testComponent } from "../src/index";
import { FAILING_POST, policy, STAMP_POST, UPPERCASE_PRE } from "./helpers";

const echo = defineComponent({ infer: (input) => ({ ...input, seen: input.text }) });

describe("block pre/post-processing policies", () => {
  it("runs pre_processing before infer and post_processing after, with the block's data", async () => {
    const t = await testComponent(echo, {
      blockId: "sent",
      policies: {
        pre_processing: policy("upper", UPPERCASE_PRE),
        post_processing: policy("stamp", STAMP_POST, { tag: "v1" }),
      },
    });
    expect(await t.infer({ text: "hello" })).toEqual({
      text: "HELLO",
      seen: "HELLO",
      block: "sent",
      tag: "v1",
    });
  });

  it("fails the task with 422 at stage post_processing when the policy throws", async () => {
    const t = await testComponent(echo, { policies: { post_processing: policy("deny", FAILING_POST) } });
    const r = await t.send({ packet: { session_id: "s", seq_no: 0, ts: 1, data: { text: "x" } } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      error: {
        stage: "post_processing",
        message: expect.stringMatching(/deny:1.0.0-stable failed \(runtime\): .*not allowed out/),
      },
    });
  });

  it("fails with 422 at stage pre_processing when the policy returns an invalid packet", async () => {
    const bad = UPPERCASE_PRE.replace(
      "return { packet: { ...input.packet, data } };",
      "return { packet: { data } } as never;",
    );
    const t = await testComponent(echo, { policies: { pre_processing: policy("bad", bad) } });
    await expect(t.infer({ text: "x" })).rejects.toMatchObject({
      status: 422,
      stage: "pre_processing",
      issues: expect.arrayContaining([
        expect.objectContaining({ path: expect.stringContaining("session_id") }),
      ]),
    });
  });

  it("fails init when a policy does not compile or is of the wrong kind", async () => {
    await expect(
      testComponent(echo, { policies: { pre_processing: policy("broken", "export default {") } }),
    ).rejects.toThrow(/init failed: policies.pre_processing \(broken:1.0.0-stable\)/);
    await expect(
      testComponent(echo, { policies: { pre_processing: policy("post", STAMP_POST) } }),
    ).rejects.toThrow(/is a blockPostProcessing policy, expected blockPreProcessing/);
  });
});
