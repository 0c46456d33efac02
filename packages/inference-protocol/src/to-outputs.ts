import type { TTensorDatatype } from "@aios/contracts";
import { elementProblem, type TensorElement } from "./datatypes";
import { inputError, outputError } from "./errors";
import type { TensorSpec } from "./model-tensors";

/** One output tensor of an answer, its elements in row-major order. */
export interface OutputTensor {
  name: string;
  datatype: TTensorDatatype;
  shape: number[];
  data: TensorElement[];
}

/**
 * The tensors of a component's output (the packet's `data`): one per field, the declared ones in
 * their declared order first, then any other field. A declared field takes its declared datatype;
 * another one its value's: text BYTES, a boolean BOOL, a number FP64, a rectangular array of those
 * the same with its shape, anything else (an object, null, a ragged or mixed array) BYTES holding
 * its JSON text. `requested` (the request's `outputs`) keeps those names only, in that order; a
 * name the answer lacks is the caller's mistake when the model does not declare it, else the
 * model's.
 */
export function dataToOutputs(
  data: Record<string, unknown>,
  declared: TensorSpec[] | null,
  requested?: readonly string[],
): OutputTensor[] {
  const names = requested ?? [
    ...(declared ?? []).map((t) => t.name).filter((name) => Object.hasOwn(data, name)),
    ...Object.keys(data).filter((name) => !declared?.some((t) => t.name === name)),
  ];
  return names.map((name, i) => {
    if (names.indexOf(name) !== i) throw inputError(`outputs[${i}].name`, `"${name}" is asked for twice`);
    const spec = declared?.find((t) => t.name === name);
    if (!Object.hasOwn(data, name)) {
      if (spec) throw outputError(`outputs.${name}`, "the model declares this output but did not give it");
      throw inputError(
        `outputs[${i}].name`,
        `this model gave no output "${name}"; it gave: ${Object.keys(data).join(", ") || "none"}`,
      );
    }
    return tensorOf(name, data[name], spec);
  });
}

function tensorOf(name: string, value: unknown, spec: TensorSpec | undefined): OutputTensor {
  const path = `outputs.${name}`;
  if (
    spec?.form === "json" ||
    (spec?.datatype === "BYTES" && spec.form === "value" && typeof value !== "string")
  )
    return { name, datatype: "BYTES", shape: [1], data: [JSON.stringify(value) ?? "null"] };
  const list = Array.isArray(value) ? (value as unknown[]) : null;
  const grid = list ? rectangular(list) : { shape: [1], elements: [value] };
  if (!grid)
    return { name, datatype: "BYTES", shape: [list?.length ?? 1], data: (list ?? [value]).map(jsonText) };
  const datatype = spec?.datatype ?? datatypeOf(grid.elements);
  if (!datatype) return { name, datatype: "BYTES", shape: grid.shape, data: grid.elements.map(jsonText) };
  const elements = datatype === "BYTES" ? grid.elements.map(jsonText) : grid.elements;
  for (let i = 0; i < elements.length; i++) {
    const problem = elementProblem(datatype, elements[i]);
    if (problem) throw outputError(`${path}[${i}]`, `${problem}: the model declares ${datatype}`);
  }
  return { name, datatype, shape: grid.shape, data: elements as TensorElement[] };
}

/** The value's datatype when its elements are all numbers, all booleans or all text. */
function datatypeOf(elements: readonly unknown[]): TTensorDatatype | null {
  if (elements.every((e) => typeof e === "number" && Number.isFinite(e))) return "FP64";
  if (elements.every((e) => typeof e === "boolean")) return "BOOL";
  if (elements.every((e) => typeof e === "string")) return "BYTES";
  return null;
}

const jsonText = (element: unknown): string =>
  typeof element === "string" ? element : (JSON.stringify(element) ?? "null");

/** The shape and row-major elements of a rectangular nested array of scalars; null when ragged. */
function rectangular(value: unknown[]): { shape: number[]; elements: unknown[] } | null {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const elements: unknown[] = [];
  const walk = (node: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (Array.isArray(node)) return false;
      elements.push(node);
      return true;
    }
    return Array.isArray(node) && node.length === shape[depth] && node.every((n) => walk(n, depth + 1));
  };
  return walk(value, 0) ? { shape, elements } : null;
}
