import type { TProtocolField, TProtocolTemplate, TTensorDatatype } from "@aios/contracts";

/**
 * One tensor of a model (a block's component, or a vDAG), as `GET /v2/models/<name>` tells it and
 * as requests are checked against. `form` is how the component holds the field: `value` one
 * string, number or boolean; `array` a (nested) array; `json` an object or any value, sent as the
 * JSON text of one BYTES element. `jsonElements`: an array whose elements are objects, each sent
 * as JSON text.
 */
export interface TensorSpec {
  name: string;
  datatype: TTensorDatatype;
  shape: number[];
  form: "value" | "array" | "json";
  jsonElements?: boolean;
}

/** A model's declared tensors; null when its protocol says nothing (any name is taken). */
export interface ModelTensors {
  inputs: TensorSpec[] | null;
  outputs: TensorSpec[] | null;
}

/**
 * The tensors of a protocol template (`componentInputProtocol`, `componentOutputProtocol`): one per
 * field, named by it. A field's `datatype` and `shape` say it; without them they follow its type:
 * string BYTES [1], number FP64 [1], boolean BOOL [1], object or any BYTES [1] (its JSON text),
 * array of numbers FP64 [-1], of strings BYTES [-1], of booleans BOOL [-1], of anything else BYTES
 * [-1] (each element's JSON text). An empty or absent template gives null.
 */
export function tensorsOfProtocol(template: TProtocolTemplate | undefined | null): TensorSpec[] | null {
  const entries = Object.entries(template ?? {});
  if (entries.length === 0) return null;
  return entries.map(([name, field]) => tensorOfField(name, field));
}

function tensorOfField(name: string, field: TProtocolField): TensorSpec {
  switch (field.type) {
    case "string":
      return { name, datatype: field.datatype ?? "BYTES", shape: field.shape ?? [1], form: "value" };
    case "number":
      return { name, datatype: field.datatype ?? "FP64", shape: field.shape ?? [1], form: "value" };
    case "boolean":
      return { name, datatype: field.datatype ?? "BOOL", shape: field.shape ?? [1], form: "value" };
    case "array": {
      const items = field.items?.type;
      const datatype: TTensorDatatype = items === "number" ? "FP64" : items === "boolean" ? "BOOL" : "BYTES";
      const jsonElements = items !== "number" && items !== "boolean" && items !== "string";
      return {
        name,
        datatype: field.datatype ?? datatype,
        shape: field.shape ?? [-1],
        form: "array",
        ...(jsonElements && (field.datatype ?? "BYTES") === "BYTES" ? { jsonElements } : {}),
      };
    }
    default:
      return { name, datatype: "BYTES", shape: field.shape ?? [1], form: "json" };
  }
}

/** The metadata form of tensors (`{name, datatype, shape}`), as `GET /v2/models/<name>` answers. */
export const tensorMetadata = (tensors: TensorSpec[] | null) =>
  (tensors ?? []).map(({ name, datatype, shape }) => ({ name, datatype, shape }));
