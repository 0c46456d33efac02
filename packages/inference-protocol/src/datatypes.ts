import type { TTensorDatatype } from "@aios/contracts";

/** A tensor's elements as the component sees them: numbers, booleans or text. */
export type TensorElement = number | boolean | string;

/** Bytes per element in the raw (binary) form; BYTES elements have a 4-byte length before each. */
export const ELEMENT_BYTES: Readonly<Record<Exclude<TTensorDatatype, "BYTES">, number>> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

/** The integer datatypes' ranges (64-bit ones: what a JavaScript number holds exactly). */
const INTEGER_RANGES: Partial<Record<TTensorDatatype, readonly [number, number]>> = {
  UINT8: [0, 0xff],
  INT8: [-0x80, 0x7f],
  UINT16: [0, 0xffff],
  INT16: [-0x8000, 0x7fff],
  UINT32: [0, 0xffff_ffff],
  INT32: [-0x8000_0000, 0x7fff_ffff],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Product of a shape's dimensions: how many elements a tensor of that shape holds. */
export const elementCount = (shape: readonly number[]) => shape.reduce((n, size) => n * size, 1);

/**
 * Why `value` cannot be an element of a `datatype` tensor, or null when it can: BOOL takes
 * booleans, BYTES text, the integer types integers in their range, FP16/32/64 any finite number.
 */
export function elementProblem(datatype: TTensorDatatype, value: unknown): string | null {
  if (datatype === "BOOL") return typeof value === "boolean" ? null : `${show(value)} is not a boolean`;
  if (datatype === "BYTES") return typeof value === "string" ? null : `${show(value)} is not a string`;
  if (typeof value !== "number" || !Number.isFinite(value)) return `${show(value)} is not a finite number`;
  const range = INTEGER_RANGES[datatype];
  if (!range) return null;
  if (!Number.isInteger(value)) return `${value} is not an integer (${datatype})`;
  if (value < range[0] || value > range[1])
    return `${value} is out of range for ${datatype} (${range[0]}..${range[1]})`;
  return null;
}

const show = (value: unknown) => {
  const text = typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};
