import { decodeRawTensor, encodeRawTensor } from "@aios/inference-protocol";
import { describe, expect, it } from "vitest";
import { PIPELINE, useExampleStack } from "./example-stack";

// The Open Inference Protocol v2 over REST against real blocks and a real vDAG: the JSON form, the
// binary tensor data extension, every model name form, and the protocol's errors.

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const LOVE = "I love this wonderful product, it works great";

describe.runIf(redisUrl)("the Open Inference Protocol over REST", () => {
  const { api } = useExampleStack();
  const get = async (path: string) => {
    const res = await fetch(`${api.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const infer = async (model: string, body: unknown) => {
    const res = await fetch(`${api.url}/v2/models/${model}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const text = (value: string) => ({ name: "text", shape: [1], datatype: "BYTES", data: [value] });
  const output = (body: Record<string, unknown>, name: string) =>
    (body.outputs as Array<{ name: string; data: unknown[] }>).find((o) => o.name === name)?.data;

  it("tells the server live, ready and what it speaks", async () => {
    expect(await get("/v2/health/live")).toEqual({ status: 200, body: { live: true } });
    expect(await get("/v2/health/ready")).toEqual({ status: 200, body: { ready: true } });
    const server = await get("/v2");
    expect(server.body).toMatchObject({ name: "aios", extensions: ["binary_tensor_data"] });
  });

  it("describes a block and a vDAG as models, with their tensors", async () => {
    const block = await get("/v2/models/sentiment");
    expect(block.status).toBe(200);
    expect(block.body).toMatchObject({
      name: "sentiment",
      versions: ["1.0.0-stable"],
      platform: "aios-block",
      inputs: [{ name: "text", datatype: "BYTES", shape: [1] }],
    });
    expect(block.body.outputs).toEqual(
      expect.arrayContaining([
        { name: "label", datatype: "BYTES", shape: [1] },
        { name: "score", datatype: "FP64", shape: [1] },
      ]),
    );
    const vdag = await get(`/v2/models/text-pipeline/versions/1.0.0-stable`);
    expect(vdag.body).toMatchObject({ name: PIPELINE, versions: ["1.0.0-stable"], platform: "aios-vdag" });
    expect((vdag.body.outputs as Array<{ name: string }>).map((o) => o.name)).toContain("label");
    expect(await get("/v2/models/sentiment/ready")).toEqual({
      status: 200,
      body: { name: "sentiment", ready: true },
    });
    expect((await get(`/v2/models/${PIPELINE}/ready`)).body).toEqual({ name: PIPELINE, ready: true });
  });

  it("infers with a block in the JSON form", async () => {
    const r = await infer("sentiment", { id: "req-1", inputs: [text(LOVE)] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model_name: "sentiment", model_version: "1.0.0-stable", id: "req-1" });
    expect(output(r.body, "label")).toEqual(["positive"]);
    const only = await infer("sentiment", {
      inputs: [text("awful, terrible")],
      outputs: [{ name: "label" }],
    });
    expect(only.body.outputs).toEqual([{ name: "label", datatype: "BYTES", shape: [1], data: ["negative"] }]);
  });

  it("infers with the vDAG by each of its names", async () => {
    for (const model of [
      encodeURIComponent(PIPELINE),
      PIPELINE,
      "text-pipeline",
      "text-pipeline/versions/1.0.0-stable",
    ]) {
      const r = await infer(model, { inputs: [text(LOVE)] });
      expect(r.status, model).toBe(200);
      expect(r.body.model_name).toBe(PIPELINE);
      expect(output(r.body, "label"), model).toEqual(["positive"]);
      expect(output(r.body, "language"), model).toEqual(["en"]);
    }
  });

  it("takes and gives binary tensor data", async () => {
    const raw = encodeRawTensor("BYTES", [LOVE]);
    const head = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: "text", shape: [1], datatype: "BYTES", parameters: { binary_data_size: raw.byteLength } },
        ],
        outputs: [{ name: "label", parameters: { binary_data: true } }, { name: "score" }],
      }),
    );
    const res = await fetch(`${api.url}/v2/models/sentiment/infer`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        "inference-header-content-length": String(head.byteLength),
      },
      body: Buffer.concat([head, raw]),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const body = Buffer.from(await res.arrayBuffer());
    const length = Number(res.headers.get("inference-header-content-length"));
    const answer = JSON.parse(body.subarray(0, length).toString()) as {
      outputs: Array<Record<string, unknown>>;
    };
    expect(answer.outputs[0]).toMatchObject({
      name: "label",
      datatype: "BYTES",
      parameters: { binary_data_size: 12 },
    });
    expect(answer.outputs[1]).toMatchObject({ name: "score", datatype: "FP64", data: [expect.any(Number)] });
    expect(decodeRawTensor("BYTES", [1], body.subarray(length), "label")).toEqual(["positive"]);
  });

  it("answers the protocol's errors: 400, 404 and 429, as {error}", async () => {
    const unknown = await infer("no-such-model", { inputs: [text("x")] });
    expect(unknown).toEqual({ status: 404, body: { error: 'model "no-such-model" was not found' } });
    expect((await get("/v2/models/sentiment/versions/9.9.9-stable")).status).toBe(404);
    const wrongType = await infer("sentiment", {
      inputs: [{ name: "text", shape: [1], datatype: "FP32", data: [1] }],
    });
    expect(wrongType).toEqual({
      status: 400,
      body: { error: 'inputs[0].datatype: input "text" is BYTES, got FP32' },
    });
    const wrongName = await infer("sentiment", { inputs: [{ ...text("x"), name: "txt" }] });
    expect(wrongName.body.error).toBe('inputs[0].name: this model has no input "txt"; its inputs: text');
    const empty = await infer("sentiment", { inputs: [text(" ")] });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/text/);
    expect((await infer("sentiment", { inputs: [] })).body).toEqual({
      error: "inputs: give at least one input tensor",
    });

    await api.caller().vdags.mgmt({
      vdagURI: PIPELINE,
      service: "quota",
      action: "setLimit",
      data: { sessionId: "oip-limited", limit: 1 },
    });
    const session = { parameters: { session_id: "oip-limited" }, inputs: [text("fine")] };
    expect((await infer(PIPELINE, session)).status).toBe(200);
    const refused = await infer(PIPELINE, session);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/^session oip-limited used its 1 requests per/);
  });
});
