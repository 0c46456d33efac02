import { describe, expect, it } from "vitest";
import { decodeRawTensor, encodeRawTensor, readRestInfer, restInferAnswer } from "../src/index";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const concat = (...parts: Uint8Array[]) => Buffer.concat(parts);

describe("a REST infer request's body", () => {
  it("reads JSON data, flat or nested", () => {
    const { request, inputs } = readRestInfer(
      json({
        id: "r1",
        inputs: [
          { name: "text", shape: [1], datatype: "BYTES", data: ["hello"] },
          {
            name: "m",
            shape: [2, 2],
            datatype: "INT32",
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      }),
      undefined,
    );
    expect(request.id).toBe("r1");
    expect(inputs.map((i) => [i.name, i.data])).toEqual([
      ["text", ["hello"]],
      ["m", [1, 2, 3, 4]],
    ]);
  });

  it("reads binary tensor data after the JSON, in the inputs' order", () => {
    const text = encodeRawTensor("BYTES", ["I love it"]);
    const floats = encodeRawTensor("FP32", [0.5, 1.5]);
    const head = json({
      inputs: [
        { name: "text", shape: [1], datatype: "BYTES", parameters: { binary_data_size: text.byteLength } },
        { name: "x", shape: [2], datatype: "FP32", parameters: { binary_data_size: floats.byteLength } },
      ],
    });
    const { inputs } = readRestInfer(concat(head, text, floats), String(head.byteLength));
    expect(inputs.map((i) => i.data)).toEqual([["I love it"], [0.5, 1.5]]);
  });

  it("names what does not fit", () => {
    const cases: Array<[unknown, string]> = [
      [{ inputs: [] }, "inputs: give at least one input tensor"],
      [
        { inputs: [{ name: "a", shape: [2], datatype: "INT8", data: [1] }] },
        "inputs[0].data: shape [2] holds 2 elements, got 1",
      ],
      [
        { inputs: [{ name: "a", shape: [1], datatype: "INT8", data: [300] }] },
        "inputs[0].data[0]: 300 is out of range for INT8 (-128..127) (INT8)",
      ],
      [
        { inputs: [{ name: "a", shape: [1], datatype: "BOOL", data: ["yes"] }] },
        'inputs[0].data[0]: "yes" is not a boolean (BOOL)',
      ],
      [{ inputs: [{ name: "a", shape: [1], datatype: "FP99", data: [1] }] }, "inputs[0].datatype: "],
      [
        { inputs: [{ name: "a", shape: [1], datatype: "FP32" }] },
        "inputs[0].data: is required (or parameters.binary_data_size)",
      ],
      [
        { inputs: [{ name: "a", shape: [1], datatype: "FP32", parameters: { binary_data_size: 4 } }] },
        "inputs[0].parameters.binary_data_size: binary data need the Inference-Header-Content-Length header",
      ],
    ];
    for (const [body, message] of cases) expect(() => readRestInfer(json(body), undefined)).toThrow(message);
    expect(() => readRestInfer(json({}), "999")).toThrow(
      "Inference-Header-Content-Length: must be a byte count",
    );
    expect(() => readRestInfer(new TextEncoder().encode("{"), undefined)).toThrow(
      "(body): is not a JSON request",
    );
    const head = json({
      inputs: [{ name: "a", shape: [1], datatype: "INT8", parameters: { binary_data_size: 1 } }],
    });
    expect(() => readRestInfer(concat(head, new Uint8Array([1, 2])), String(head.byteLength))).toThrow(
      "(body): 1 bytes of binary data follow that no input's binary_data_size counts",
    );
  });
});

describe("a REST infer answer", () => {
  const outputs = [
    { name: "label", datatype: "BYTES" as const, shape: [1], data: ["positive"] },
    { name: "score", datatype: "FP64" as const, shape: [1], data: [3] },
  ];
  const model = { name: "sentiment", version: "1.0.0-stable" };

  it("is JSON unless binary data are asked for", () => {
    const answer = restInferAnswer(model, { id: "7", inputs: [] }, outputs);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body.toString())).toEqual({
      model_name: "sentiment",
      model_version: "1.0.0-stable",
      id: "7",
      outputs: [
        { name: "label", datatype: "BYTES", shape: [1], data: ["positive"] },
        { name: "score", datatype: "FP64", shape: [1], data: [3] },
      ],
    });
  });

  it("sends binary data after the JSON when asked, an output's own choice winning", () => {
    const answer = restInferAnswer(
      model,
      {
        inputs: [],
        parameters: { binary_data_output: true },
        outputs: [{ name: "score", parameters: { binary_data: false } }],
      },
      outputs,
    );
    const length = Number(answer.headers["inference-header-content-length"]);
    const head = JSON.parse(answer.body.subarray(0, length).toString()) as {
      outputs: Array<Record<string, unknown>>;
    };
    expect(head.outputs).toEqual([
      { name: "label", datatype: "BYTES", shape: [1], parameters: { binary_data_size: 12 } },
      { name: "score", datatype: "FP64", shape: [1], data: [3] },
    ]);
    expect(decodeRawTensor("BYTES", [1], answer.body.subarray(length), "label")).toEqual(["positive"]);
  });
});
