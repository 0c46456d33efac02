import type { TTensorDatatype } from "@aios/contracts";
import { ELEMENT_BYTES, elementCount, type TensorElement } from "./datatypes";
import { inputError } from "./errors";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * The raw form of a tensor's elements (the REST binary tensor data extension and gRPC's
 * `raw_input_contents`/`raw_output_contents`): row-major, little-endian, each BYTES element as a
 * 4-byte little-endian length then its bytes. BYTES elements are read as UTF-8 text (a component
 * takes JSON); `path` names the tensor in errors.
 */
export function decodeRawTensor(
  datatype: TTensorDatatype,
  shape: readonly number[],
  bytes: Uint8Array,
  path: string,
): TensorElement[] {
  const count = elementCount(shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (datatype === "BYTES") return decodeBytesElements(view, bytes, count, path);
  const size = ELEMENT_BYTES[datatype];
  if (bytes.byteLength !== count * size) {
    throw inputError(
      path,
      `shape [${shape.join(", ")}] of ${datatype} needs ${count * size} bytes, got ${bytes.byteLength}`,
    );
  }
  const read = READERS[datatype];
  const out = new Array<TensorElement>(count);
  for (let i = 0; i < count; i++) {
    const value = read(view, i * size, `${path}[${i}]`);
    // A component takes JSON, which has no NaN or infinity: refused as JSON data would be.
    if (typeof value === "number" && !Number.isFinite(value))
      throw inputError(`${path}[${i}]`, `${value} is not a finite number (${datatype})`);
    out[i] = value;
  }
  return out;
}

function decodeBytesElements(view: DataView, bytes: Uint8Array, count: number, path: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.byteLength) throw inputError(path, `ends inside element ${i}'s length (BYTES)`);
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.byteLength)
      throw inputError(path, `element ${i} says ${length} bytes; only ${bytes.byteLength - at} remain`);
    try {
      out.push(utf8.decode(bytes.subarray(at, at + length)));
    } catch {
      throw inputError(`${path}[${i}]`, "is not UTF-8 text (BYTES elements are read as text)");
    }
    at += length;
  }
  if (at !== bytes.byteLength)
    throw inputError(path, `holds ${bytes.byteLength - at} bytes past its ${count} BYTES elements`);
  return out;
}

type Reader = (view: DataView, at: number, path: string) => TensorElement;

const bigToNumber = (value: bigint, path: string): number => {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
    throw inputError(path, `${value} is past what a JSON number holds exactly (±2^53)`);
  return Number(value);
};

const READERS: Readonly<Record<Exclude<TTensorDatatype, "BYTES">, Reader>> = {
  BOOL: (v, at) => v.getUint8(at) !== 0,
  UINT8: (v, at) => v.getUint8(at),
  INT8: (v, at) => v.getInt8(at),
  UINT16: (v, at) => v.getUint16(at, true),
  INT16: (v, at) => v.getInt16(at, true),
  FP16: (v, at) => halfToNumber(v.getUint16(at, true)),
  UINT32: (v, at) => v.getUint32(at, true),
  INT32: (v, at) => v.getInt32(at, true),
  FP32: (v, at) => v.getFloat32(at, true),
  UINT64: (v, at, path) => bigToNumber(v.getBigUint64(at, true), path),
  INT64: (v, at, path) => bigToNumber(v.getBigInt64(at, true), path),
  FP64: (v, at) => v.getFloat64(at, true),
};

/** The raw form of elements checked already (`elementProblem`) for `datatype`. */
export function encodeRawTensor(datatype: TTensorDatatype, data: readonly TensorElement[]): Uint8Array {
  if (datatype === "BYTES") {
    const parts = data.map((element) => utf8Encoder.encode(String(element)));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    const view = new DataView(out.buffer);
    let at = 0;
    for (const part of parts) {
      view.setUint32(at, part.byteLength, true);
      out.set(part, at + 4);
      at += 4 + part.byteLength;
    }
    return out;
  }
  const size = ELEMENT_BYTES[datatype];
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  const write = WRITERS[datatype];
  for (let i = 0; i < data.length; i++) write(view, i * size, data[i] as number | boolean);
  return out;
}

type Writer = (view: DataView, at: number, value: number | boolean) => void;

const WRITERS: Readonly<Record<Exclude<TTensorDatatype, "BYTES">, Writer>> = {
  BOOL: (v, at, x) => v.setUint8(at, x ? 1 : 0),
  UINT8: (v, at, x) => v.setUint8(at, Number(x)),
  INT8: (v, at, x) => v.setInt8(at, Number(x)),
  UINT16: (v, at, x) => v.setUint16(at, Number(x), true),
  INT16: (v, at, x) => v.setInt16(at, Number(x), true),
  FP16: (v, at, x) => v.setUint16(at, numberToHalf(Number(x)), true),
  UINT32: (v, at, x) => v.setUint32(at, Number(x), true),
  INT32: (v, at, x) => v.setInt32(at, Number(x), true),
  FP32: (v, at, x) => v.setFloat32(at, Number(x), true),
  UINT64: (v, at, x) => v.setBigUint64(at, BigInt(Number(x)), true),
  INT64: (v, at, x) => v.setBigInt64(at, BigInt(Number(x)), true),
  FP64: (v, at, x) => v.setFloat64(at, Number(x), true),
};

/** IEEE 754 half precision to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A number to IEEE 754 half precision, rounded to nearest even. */
export function numberToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa moves to the exponent, as rounding should (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}
