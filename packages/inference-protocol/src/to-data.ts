import type { TTensorDatatype } from "@aios/contracts";
import { elementCount, type TensorElement } from "./datatypes";
import { inputError } from "./errors";
import type { TensorSpec } from "./model-tensors";

/** A request's input tensor, its elements read (from JSON `data`, binary data or gRPC contents). */
export interface InputTensor {
  name: string;
  datatype: TTensorDatatype;
  shape: number[];
  data: TensorElement[];
  /** Where it is in the request, for errors (`inputs[0]`). */
  path: string;
}

/**
 * The component's input (the packet's `data`) from a request's tensors: each tensor becomes the
 * field of its name, checked against the model's declared tensor (name, datatype, shape; -1 takes
 * any size). A `value` field takes the one element, a `json` field parses its one BYTES element, an
 * `array` field takes the elements nested as the shape says ([2, 3]: two arrays of three). A model
 * that declares no inputs takes any name: one element of shape [1] as a value, else an array.
 */
export function inputsToData(inputs: readonly InputTensor[], declared: TensorSpec[] | null) {
  const data: Record<string, unknown> = {};
  for (const input of inputs) {
    if (Object.hasOwn(data, input.name))
      throw inputError(`${input.path}.name`, `"${input.name}" is given twice`);
    const spec = declared ? declared.find((t) => t.name === input.name) : undefined;
    if (declared && !spec) {
      throw inputError(
        `${input.path}.name`,
        `this model has no input "${input.name}"; its inputs: ${declared.map((t) => t.name).join(", ")}`,
      );
    }
    if (spec) checkAgainst(input, spec);
    data[input.name] = fieldValue(input, spec);
  }
  return data;
}

function checkAgainst(input: InputTensor, spec: TensorSpec): void {
  if (input.datatype !== spec.datatype) {
    throw inputError(
      `${input.path}.datatype`,
      `input "${spec.name}" is ${spec.datatype}, got ${input.datatype}`,
    );
  }
  const fits =
    input.shape.length === spec.shape.length &&
    spec.shape.every((size, i) => size === -1 || size === input.shape[i]);
  if (!fits) {
    throw inputError(
      `${input.path}.shape`,
      `input "${spec.name}" has shape [${spec.shape.join(", ")}] (-1: any size), got [${input.shape.join(", ")}]`,
    );
  }
}

function fieldValue(input: InputTensor, spec: TensorSpec | undefined): unknown {
  const form = spec?.form ?? (input.shape.length === 1 && input.shape[0] === 1 ? "value" : "array");
  if (form === "value") return onlyElement(input);
  if (form === "json") return parseJson(onlyElement(input), input.path);
  const elements = spec?.jsonElements
    ? input.data.map((e, i) => parseJson(e, `${input.path}.data[${i}]`))
    : input.data;
  return nest(elements, input.shape);
}

function onlyElement(input: InputTensor): TensorElement {
  if (input.data.length !== 1 || elementCount(input.shape) !== 1) {
    throw inputError(`${input.path}.shape`, `input "${input.name}" is one value; give shape [1]`);
  }
  return input.data[0] as TensorElement;
}

function parseJson(element: unknown, path: string): unknown {
  try {
    return JSON.parse(String(element));
  } catch {
    throw inputError(path, "must be JSON text (this field is an object)");
  }
}

/** Row-major elements as nested arrays of `shape` (one dimension: the elements as they are). */
export function nest(elements: readonly unknown[], shape: readonly number[]): unknown[] {
  if (shape.length <= 1) return [...elements];
  const [, ...inner] = shape;
  const step = elementCount(inner);
  if (step === 0) return Array.from({ length: shape[0] ?? 0 }, () => nest([], inner));
  const out: unknown[] = [];
  for (let at = 0; at < elements.length; at += step) out.push(nest(elements.slice(at, at + step), inner));
  return out;
}
