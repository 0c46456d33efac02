import { describe, expect, it } from "vitest";
import { dataToOutputs, type InputTensor, inputsToData, tensorsOfProtocol } from "../src/index";

const input = (
  name: string,
  datatype: InputTensor["datatype"],
  shape: number[],
  data: InputTensor["data"],
  i = 0,
) => ({
  name,
  datatype,
  shape,
  data,
  path: `inputs[${i}]`,
});

const declared = tensorsOfProtocol({
  text: { type: "string" },
  threshold: { type: "number", datatype: "FP32" },
  flags: { type: "array", items: { type: "boolean" } },
  image: { type: "array", items: { type: "number" }, datatype: "UINT8", shape: [-1, 2] },
  options: { type: "object" },
  tags: { type: "array", items: { type: "object" } },
});

describe("tensors of a protocol", () => {
  it("follow each field's type unless it says its datatype and shape", () => {
    expect(declared).toEqual([
      { name: "text", datatype: "BYTES", shape: [1], form: "value" },
      { name: "threshold", datatype: "FP32", shape: [1], form: "value" },
      { name: "flags", datatype: "BOOL", shape: [-1], form: "array" },
      { name: "image", datatype: "UINT8", shape: [-1, 2], form: "array" },
      { name: "options", datatype: "BYTES", shape: [1], form: "json" },
      { name: "tags", datatype: "BYTES", shape: [-1], form: "array", jsonElements: true },
    ]);
    expect(tensorsOfProtocol({})).toBeNull();
    expect(tensorsOfProtocol(undefined)).toBeNull();
  });
});

describe("a request's tensors as the component's input", () => {
  it("gives each field its value, nested arrays by the shape, objects parsed", () => {
    const data = inputsToData(
      [
        input("text", "BYTES", [1], ["I love it"]),
        input("threshold", "FP32", [1], [0.5]),
        input("image", "UINT8", [3, 2], [1, 2, 3, 4, 5, 6]),
        input("options", "BYTES", [1], ['{"lang":"en"}']),
        input("tags", "BYTES", [2], ['{"a":1}', "[2]"]),
      ],
      declared,
    );
    expect(data).toEqual({
      text: "I love it",
      threshold: 0.5,
      image: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      options: { lang: "en" },
      tags: [{ a: 1 }, [2]],
    });
  });

  it("refuses an unknown name, another datatype, another shape, naming the field", () => {
    expect(() => inputsToData([input("txt", "BYTES", [1], ["x"])], declared)).toThrow(
      'inputs[0].name: this model has no input "txt"; its inputs: text, threshold, flags, image, options, tags',
    );
    expect(() => inputsToData([input("threshold", "FP64", [1], [1])], declared)).toThrow(
      'inputs[0].datatype: input "threshold" is FP32, got FP64',
    );
    expect(() => inputsToData([input("image", "UINT8", [2, 3], [1, 2, 3, 4, 5, 6])], declared)).toThrow(
      'inputs[0].shape: input "image" has shape [-1, 2] (-1: any size), got [2, 3]',
    );
    expect(() => inputsToData([input("options", "BYTES", [1], ["{oops"])], declared)).toThrow(
      "inputs[0]: must be JSON text",
    );
    expect(() =>
      inputsToData([input("text", "BYTES", [1], ["a"]), input("text", "BYTES", [1], ["b"], 1)], declared),
    ).toThrow('inputs[1].name: "text" is given twice');
  });

  it("takes any name when the model declares none: one element a value, more an array", () => {
    expect(
      inputsToData([input("a", "INT32", [1], [4]), input("b", "FP64", [2, 2], [1, 2, 3, 4], 1)], null),
    ).toEqual({
      a: 4,
      b: [
        [1, 2],
        [3, 4],
      ],
    });
  });
});

describe("a component's output as tensors", () => {
  const outputs = tensorsOfProtocol({
    label: { type: "string" },
    score: { type: "number", datatype: "INT32" },
  });

  it("tells declared fields first with their datatypes, others by their values", () => {
    const tensors = dataToOutputs(
      {
        extra: [
          [1.5, 2],
          [3, 4],
        ],
        score: 3,
        label: "positive",
        words: { positive: ["love"] },
        ok: true,
      },
      outputs,
    );
    expect(tensors).toEqual([
      { name: "label", datatype: "BYTES", shape: [1], data: ["positive"] },
      { name: "score", datatype: "INT32", shape: [1], data: [3] },
      { name: "extra", datatype: "FP64", shape: [2, 2], data: [1.5, 2, 3, 4] },
      { name: "words", datatype: "BYTES", shape: [1], data: ['{"positive":["love"]}'] },
      { name: "ok", datatype: "BOOL", shape: [1], data: [true] },
    ]);
  });

  it("keeps the requested names in their order; a ragged array becomes JSON texts", () => {
    const tensors = dataToOutputs({ label: "x", ragged: [[1], [2, 3]], score: 1 }, outputs, [
      "ragged",
      "label",
    ]);
    expect(tensors).toEqual([
      { name: "ragged", datatype: "BYTES", shape: [2], data: ["[1]", "[2,3]"] },
      { name: "label", datatype: "BYTES", shape: [1], data: ["x"] },
    ]);
  });

  it("names a missing output as the caller's mistake, a misfit as the model's", () => {
    expect(() => dataToOutputs({ label: "x" }, outputs, ["label", "label"])).toThrow(
      'outputs[1].name: "label" is asked for twice',
    );
    expect(() => dataToOutputs({ label: "x" }, outputs, ["nope"])).toThrow(
      'outputs[0].name: this model gave no output "nope"; it gave: label',
    );
    try {
      dataToOutputs({ label: "x", score: 1.5 }, outputs);
      expect.unreachable();
    } catch (err) {
      expect((err as { side: string }).side).toBe("output");
      expect((err as Error).message).toBe(
        "outputs.score[0]: 1.5 is not an integer (INT32): the model declares INT32",
      );
    }
  });
});
