import { describe, expect, it } from "vitest";
import { decodeRawTensor, encodeRawTensor, halfToNumber, numberToHalf, TensorError } from "../src/index";

describe("raw tensor data", () => {
  it("round-trips every numeric datatype, little-endian", () => {
    const cases = [
      ["BOOL", [true, false, true]],
      ["UINT8", [0, 255, 7]],
      ["INT8", [-128, 127, 0]],
      ["UINT16", [0, 65535, 300]],
      ["INT16", [-32768, 32767, -1]],
      ["UINT32", [0, 4294967295, 1]],
      ["INT32", [-2147483648, 2147483647, 5]],
      ["UINT64", [0, Number.MAX_SAFE_INTEGER, 9]],
      ["INT64", [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, -3]],
      ["FP32", [1.5, -0.25, 1e10]],
      ["FP64", [Math.PI, -1e-300, 0]],
      ["FP16", [1, -2.5, 65504]],
    ] as const;
    for (const [datatype, data] of cases) {
      const bytes = encodeRawTensor(datatype, data);
      expect(decodeRawTensor(datatype, [3], bytes, "t"), datatype).toEqual(data);
    }
    expect([...encodeRawTensor("INT32", [1])]).toEqual([1, 0, 0, 0]);
  });

  it("reads BYTES as length-prefixed UTF-8 text, and refuses what is not", () => {
    const bytes = encodeRawTensor("BYTES", ["héllo", "", "wörld"]);
    expect(bytes.byteLength).toBe(4 * 3 + 6 + 0 + 6);
    expect(decodeRawTensor("BYTES", [3], bytes, "inputs[0]")).toEqual(["héllo", "", "wörld"]);
    expect(() => decodeRawTensor("BYTES", [4], bytes, "inputs[0]")).toThrow(
      /inputs\[0\]: ends inside element 3/,
    );
    expect(() => decodeRawTensor("BYTES", [2], bytes, "inputs[0]")).toThrow(/bytes past its 2 BYTES/);
    const notText = new Uint8Array([2, 0, 0, 0, 0xff, 0xfe]);
    expect(() => decodeRawTensor("BYTES", [1], notText, "inputs[1]")).toThrow(
      /inputs\[1\]\[0\]: is not UTF-8/,
    );
  });

  it("refuses bytes that do not fill the shape, naming the tensor", () => {
    const err = (() => {
      try {
        decodeRawTensor("FP32", [2, 2], new Uint8Array(12), "inputs[2]");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TensorError);
    expect((err as TensorError).side).toBe("input");
    expect((err as Error).message).toBe("inputs[2]: shape [2, 2] of FP32 needs 16 bytes, got 12");
  });

  it("refuses 64-bit integers a JSON number cannot hold exactly", () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, 2n ** 60n, true);
    expect(() => decodeRawTensor("INT64", [1], bytes, "x")).toThrow(/past what a JSON number holds/);
  });

  it("converts half precision both ways, rounding to nearest even", () => {
    expect(numberToHalf(1)).toBe(0x3c00);
    expect(numberToHalf(-2)).toBe(0xc000);
    expect(numberToHalf(65504)).toBe(0x7bff);
    expect(numberToHalf(1e6)).toBe(0x7c00);
    expect(halfToNumber(0x0001)).toBe(2 ** -24);
    expect(numberToHalf(2 ** -24)).toBe(0x0001);
    expect(halfToNumber(numberToHalf(0.1))).toBeCloseTo(0.1, 3);
    expect(Number.isNaN(halfToNumber(numberToHalf(Number.NaN)))).toBe(true);
  });
});

describe("raw floats", () => {
  it("refuse NaN and infinities, which JSON cannot carry", () => {
    const bytes = encodeRawTensor("FP32", [1, Number.NaN]);
    expect(() => decodeRawTensor("FP32", [2], bytes, "inputs[0]")).toThrow(
      "inputs[0][1]: NaN is not a finite number (FP32)",
    );
    const inf = encodeRawTensor("FP64", [Number.POSITIVE_INFINITY]);
    expect(() => decodeRawTensor("FP64", [1], inf, "x")).toThrow(
      "x[0]: Infinity is not a finite number (FP64)",
    );
  });
});
