import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  contentsToElements,
  elementsToContents,
  encodeRawTensor,
  GRPC_PREDICT_V2_PROTO,
  type GrpcInferRequest,
  grpcInferAnswer,
  grpcParameters,
  grpcRequestedOutputs,
  int64ToNumber,
  readGrpcInputs,
  TensorError,
  toGrpcParameters,
} from "../src/index";

const text = (s: string) => new TextEncoder().encode(s);

/** The TensorError `run` throws (the test fails otherwise). */
function tensorError(run: () => unknown): TensorError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TensorError);
    return err as TensorError;
  }
  throw new Error("expected a TensorError");
}

describe("KServe's proto", () => {
  it("is kept byte for byte, where GRPC_PREDICT_V2_PROTO says", () => {
    const bytes = readFileSync(GRPC_PREDICT_V2_PROTO);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(
      "408092a3cfb737c1be17e47211fd6b072211839f61d133af6512e64d4efcca04",
    );
    expect(bytes.toString("utf8")).toMatch(
      /^\/\/ Copyright 2020 kubeflow\.org\.\n\/\/\n\/\/ Licensed under the Apache/,
    );
  });
});

describe("64-bit integers", () => {
  it("reads decimal strings, numbers, bigints and Longs, signed or not", () => {
    expect(int64ToNumber("-42", "p")).toBe(-42);
    expect(int64ToNumber(7, "p")).toBe(7);
    expect(int64ToNumber(9_007_199_254_740_991n, "p")).toBe(Number.MAX_SAFE_INTEGER);
    expect(int64ToNumber({ low: -1, high: -1 }, "p")).toBe(-1);
    expect(int64ToNumber({ low: 5, high: 1, unsigned: true }, "p")).toBe(2 ** 32 + 5);
  });

  it("refuses what a number does not hold exactly, naming the element", () => {
    expect(tensorError(() => int64ToNumber("9007199254740993", "inputs[0].x[1]")).message).toBe(
      "inputs[0].x[1]: 9007199254740993 is past what a JSON number holds exactly (±2^53)",
    );
    expect(() => int64ToNumber({ low: 0, high: -1, unsigned: true }, "p")).toThrow(/past what/);
    expect(() => int64ToNumber("1e3", "p")).toThrow(/p: "1e3" is not an integer/);
    expect(() => int64ToNumber(1.5, "p")).toThrow(/p: 1.5 is not an integer/);
  });
});

describe("parameters", () => {
  it("are plain values by their oneof choice; an unknown choice is left out", () => {
    const params = grpcParameters({
      session_id: { string_param: "s1", parameter_choice: "string_param" },
      seq_no: { int64_param: "3", parameter_choice: "int64_param" },
      flag: { bool_param: false, parameter_choice: "bool_param" },
      triton_double: {},
      unlabelled: { bool_param: true },
    });
    expect(params).toEqual({ session_id: "s1", seq_no: 3, flag: false, unlabelled: true });
    expect(grpcParameters(undefined)).toEqual({});
    expect(() =>
      grpcParameters({ seq_no: { int64_param: "99999999999999999", parameter_choice: "int64_param" } }),
    ).toThrow(/^parameters\.seq_no\.int64_param: 99999999999999999 is past/);
  });

  it("round-trip from plain values", () => {
    const values = { a: true, b: 12, c: "x", d: 1.5 };
    expect(grpcParameters(toGrpcParameters(values))).toEqual({ ...values, d: "1.5" });
  });
});

describe("typed contents", () => {
  it("round-trip every datatype that has a field", () => {
    const cases = [
      ["BOOL", [true, false]],
      ["INT8", [-128, 127]],
      ["INT16", [-1, 300]],
      ["INT32", [-2147483648, 5]],
      ["INT64", [Number.MIN_SAFE_INTEGER, 3]],
      ["UINT8", [0, 255]],
      ["UINT16", [65535, 1]],
      ["UINT32", [4294967295, 2]],
      ["UINT64", [Number.MAX_SAFE_INTEGER, 0]],
      ["FP32", [1.5, -0.25]],
      ["FP64", [Math.PI, 0]],
      ["BYTES", ["héllo", ""]],
    ] as const;
    for (const [datatype, data] of cases) {
      const contents = elementsToContents(datatype, data);
      expect(contentsToElements(datatype, [2], contents, "inputs[0]"), datatype).toEqual(data);
    }
    expect(elementsToContents("BYTES", ["ab"])).toEqual({ bytes_contents: [text("ab")] });
    expect(() => elementsToContents("FP16", [1])).toThrow(/raw/);
  });

  it("reads 64-bit elements given as strings (the loader's longs: String)", () => {
    expect(contentsToElements("INT64", [2], { int64_contents: ["-5", "6"] }, "inputs[0]")).toEqual([-5, 6]);
    expect(() =>
      contentsToElements("UINT64", [1], { uint64_contents: ["18446744073709551615"] }, "inputs[2]"),
    ).toThrow(/^inputs\[2\]\.contents\.uint64_contents\[0\]: 18446744073709551615 is past what a JSON/);
  });

  it("checks the count against the shape and each element against the datatype", () => {
    expect(
      tensorError(() => contentsToElements("INT32", [2, 2], { int_contents: [1, 2, 3] }, "inputs[1]"))
        .message,
    ).toBe(
      "inputs[1].contents.int_contents: shape [2, 2] holds 4 elements, got 3 (give them in contents.int_contents)",
    );
    expect(() => contentsToElements("INT8", [1], { int_contents: [300] }, "inputs[0]")).toThrow(
      /^inputs\[0\]\.contents\.int_contents\[0\]: 300 is out of range for INT8/,
    );
    expect(() => contentsToElements("UINT16", [1], { uint_contents: [70000] }, "inputs[0]")).toThrow(
      /out of range for UINT16/,
    );
    expect(() => contentsToElements("FP32", [1], { fp32_contents: [Number.NaN] }, "inputs[0]")).toThrow(
      /^inputs\[0\]\.contents\.fp32_contents\[0\]: .+ is not a finite number \(FP32\)$/,
    );
    expect(() =>
      contentsToElements("BYTES", [1], { bytes_contents: [new Uint8Array([0xff])] }, "inputs[0]"),
    ).toThrow(/^inputs\[0\]\.contents\.bytes_contents\[0\]: is not UTF-8 text/);
    expect(() => contentsToElements("BYTES", [1], null, "inputs[0]")).toThrow(
      /holds 1 elements, got 0 \(give them in contents\.bytes_contents\)/,
    );
  });

  it("refuses elements in another datatype's field, and FP16 outside raw contents", () => {
    expect(() => contentsToElements("BYTES", [1], { fp32_contents: [1] }, "inputs[0]")).toThrow(
      /^inputs\[0\]\.contents\.fp32_contents: a BYTES tensor's elements go in contents\.bytes_contents$/,
    );
    expect(() => contentsToElements("FP16", [1], { fp32_contents: [1] }, "inputs[0]")).toThrow(
      /FP16 elements are sent in raw_input_contents only/,
    );
    expect(() => contentsToElements("FP16", [1], {}, "inputs[0]")).toThrow(
      /holds 1 elements, got 0 \(give them in raw_input_contents\)/,
    );
  });
});

describe("a ModelInferRequest's inputs", () => {
  const typed: GrpcInferRequest = {
    inputs: [
      { name: "text", datatype: "BYTES", shape: ["1"], contents: { bytes_contents: [text("hi")] } },
      { name: "n", datatype: "INT64", shape: ["2"], contents: { int64_contents: ["1", "2"] } },
    ],
    raw_input_contents: [],
  };

  it("are read from typed contents", () => {
    expect(readGrpcInputs(typed)).toEqual([
      { name: "text", datatype: "BYTES", shape: [1], path: "inputs[0]", data: ["hi"] },
      { name: "n", datatype: "INT64", shape: [2], path: "inputs[1]", data: [1, 2] },
    ]);
  });

  it("are read from raw contents, one per input, in the same raw form as REST's binary data", () => {
    const request: GrpcInferRequest = {
      inputs: [
        { name: "text", datatype: "BYTES", shape: ["1"], contents: null },
        { name: "x", datatype: "FP16", shape: ["2"], contents: null },
      ],
      raw_input_contents: [encodeRawTensor("BYTES", ["I love it"]), encodeRawTensor("FP16", [1, -2.5])],
    };
    expect(readGrpcInputs(request).map((i) => i.data)).toEqual([["I love it"], [1, -2.5]]);
    const short = { ...request, raw_input_contents: [encodeRawTensor("BYTES", ["a"]), new Uint8Array(3)] };
    expect(() => readGrpcInputs(short)).toThrow(
      /^raw_input_contents\[1\]: shape \[2\] of FP16 needs 4 bytes, got 3/,
    );
  });

  it("refuse raw contents that do not match the inputs, or mixed with typed ones", () => {
    expect(() => readGrpcInputs({ ...typed, raw_input_contents: [new Uint8Array(0)] })).toThrow(
      /^raw_input_contents: holds 1 entries for 2 inputs/,
    );
    const mixed: GrpcInferRequest = {
      inputs: [{ name: "a", datatype: "INT32", shape: [1], contents: { int_contents: [1] } }],
      raw_input_contents: [encodeRawTensor("INT32", [1])],
    };
    expect(() => readGrpcInputs(mixed)).toThrow(
      /^inputs\[0\]\.contents\.int_contents: give raw_input_contents or typed/,
    );
  });

  it("refuse a missing name, an unknown datatype, a bad shape and no inputs at all", () => {
    expect(() => readGrpcInputs({ inputs: [] })).toThrow(/^inputs: give at least one input tensor/);
    expect(() => readGrpcInputs({ inputs: [{ name: "", datatype: "BYTES", shape: [1] }] })).toThrow(
      /^inputs\[0\]\.name: is required/,
    );
    expect(() => readGrpcInputs({ inputs: [{ name: "a", datatype: "BF16", shape: [1] }] })).toThrow(
      /^inputs\[0\]\.datatype: "BF16" is not one of BOOL, /,
    );
    expect(() => readGrpcInputs({ inputs: [{ name: "a", datatype: "INT32", shape: ["-1"] }] })).toThrow(
      /^inputs\[0\]\.shape\[0\]: a dimension is a size/,
    );
    const deep = Array.from({ length: 9 }, () => "1");
    expect(() => readGrpcInputs({ inputs: [{ name: "a", datatype: "INT32", shape: deep }] })).toThrow(
      /at most 8 dimensions/,
    );
  });
});

describe("answers", () => {
  it("are raw, in the outputs' order, with the request's id", () => {
    const answer = grpcInferAnswer({ name: "m", version: "1" }, { id: "r1" }, [
      { name: "label", datatype: "BYTES", shape: [1], data: ["positive"] },
      { name: "score", datatype: "FP64", shape: [1], data: [3] },
    ]);
    expect(answer).toEqual({
      model_name: "m",
      model_version: "1",
      id: "r1",
      parameters: {},
      outputs: [
        { name: "label", datatype: "BYTES", shape: [1], parameters: {} },
        { name: "score", datatype: "FP64", shape: [1], parameters: {} },
      ],
      raw_output_contents: [encodeRawTensor("BYTES", ["positive"]), encodeRawTensor("FP64", [3])],
    });
  });

  it("name the requested outputs, or none for all", () => {
    expect(grpcRequestedOutputs({ outputs: [{ name: "label" }] })).toEqual(["label"]);
    expect(grpcRequestedOutputs({ outputs: [] })).toBeUndefined();
  });
});
