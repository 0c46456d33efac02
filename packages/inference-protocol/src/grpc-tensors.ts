import { fileURLToPath } from "node:url";
import { MAX_TENSOR_RANK, TENSOR_DATATYPES, type TTensorDatatype, ZTensorDatatype } from "@aios/contracts";
import { decodeRawTensor, encodeRawTensor } from "./binary";
import { elementCount, elementProblem, type TensorElement } from "./datatypes";
import { inputError } from "./errors";
import type { InputTensor } from "./to-data";
import type { OutputTensor } from "./to-outputs";

/**
 * The Open Inference Protocol over gRPC (KServe's `grpc_predict_v2.proto`, package `inference`,
 * service `GRPCInferenceService`, which Triton's clients speak too): its messages as
 * `@grpc/proto-loader` gives them with GRPC_LOADER_OPTIONS (snake_case fields, 64-bit integers as
 * decimal strings, every field present, a oneof's choice named), read into the same tensors as the
 * REST frontend's, and answers made from them.
 */

/** Where KServe's proto file is (this package's `proto/`, kept byte for byte). */
export const GRPC_PREDICT_V2_PROTO = fileURLToPath(
  new URL("../proto/grpc_predict_v2.proto", import.meta.url),
);

/** How the server and its clients load the proto (the shapes of this file's messages follow them). */
export const GRPC_LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** A 64-bit integer as a loader may give it: a decimal string, a number, a bigint or a Long. */
export type GrpcInt64 = string | number | bigint | { low: number; high: number; unsigned?: boolean };

/** `InferTensorContents`: a tensor's elements in the repeated field of its datatype. */
export interface GrpcTensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: GrpcInt64[];
  uint_contents?: number[];
  uint64_contents?: GrpcInt64[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

/** `InferParameter`: one of a boolean, an int64 or a string (`parameter_choice` names which). */
export interface GrpcParameter {
  bool_param?: boolean;
  int64_param?: GrpcInt64;
  string_param?: string;
  parameter_choice?: string;
}

export type GrpcParameters = Record<string, GrpcParameter>;

/** `ModelInferRequest` as the loader gives it. */
export interface GrpcInferRequest {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: GrpcParameters;
  inputs?: Array<{
    name?: string;
    datatype?: string;
    shape?: GrpcInt64[];
    parameters?: GrpcParameters;
    contents?: GrpcTensorContents | null;
  }>;
  outputs?: Array<{ name?: string; parameters?: GrpcParameters }>;
  raw_input_contents?: Uint8Array[];
}

/** `ModelInferResponse`: every output in `raw_output_contents`, in the order of `outputs` (as Triton answers). */
export interface GrpcInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  parameters: GrpcParameters;
  outputs: Array<{ name: string; datatype: string; shape: number[]; parameters: GrpcParameters }>;
  raw_output_contents: Uint8Array[];
}

/** The repeated field of `InferTensorContents` each datatype's elements go in; FP16 has none (raw only). */
export const CONTENTS_FIELD: Readonly<Record<TTensorDatatype, keyof GrpcTensorContents | null>> = {
  BOOL: "bool_contents",
  INT8: "int_contents",
  INT16: "int_contents",
  INT32: "int_contents",
  INT64: "int64_contents",
  UINT8: "uint_contents",
  UINT16: "uint_contents",
  UINT32: "uint_contents",
  UINT64: "uint64_contents",
  FP16: null,
  FP32: "fp32_contents",
  FP64: "fp64_contents",
  BYTES: "bytes_contents",
};

const CONTENTS_FIELDS = [
  "bool_contents",
  "int_contents",
  "int64_contents",
  "uint_contents",
  "uint64_contents",
  "fp32_contents",
  "fp64_contents",
  "bytes_contents",
] as const satisfies readonly (keyof GrpcTensorContents)[];

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();
const TWO_64 = 1n << 64n;

/**
 * A 64-bit integer as a number, refused (naming `path`) past what a number holds exactly (±2^53)
 * or when it is no integer at all.
 */
export function int64ToNumber(value: GrpcInt64 | undefined, path: string): number {
  let big: bigint;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw inputError(path, `${value} is not an integer`);
    big = BigInt(value);
  } else if (typeof value === "bigint") {
    big = value;
  } else if (typeof value === "string" && /^[+-]?\d{1,30}$/.test(value)) {
    big = BigInt(value);
  } else if (
    value &&
    typeof value === "object" &&
    Number.isInteger(value.low) &&
    Number.isInteger(value.high)
  ) {
    const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
    big = value.unsigned || bits < 1n << 63n ? bits : bits - TWO_64;
  } else {
    throw inputError(path, `${JSON.stringify(value) ?? String(value)} is not an integer`);
  }
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
    throw inputError(path, `${big} is past what a JSON number holds exactly (±2^53)`);
  return Number(big);
}

/**
 * A `map<string, InferParameter>` as plain values, as REST's `parameters` are: `bool_param` a
 * boolean, `int64_param` a number (refused past ±2^53, naming it), `string_param` a string. A
 * parameter of no choice this proto knows (Triton's `double_param`, `uint64_param`) is left out.
 */
export function grpcParameters(
  parameters: GrpcParameters | null | undefined,
  path = "parameters",
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, parameter] of Object.entries(parameters ?? {})) {
    const choice = parameter?.parameter_choice ?? firstSet(parameter);
    if (choice === "bool_param" && typeof parameter.bool_param === "boolean")
      out[name] = parameter.bool_param;
    else if (choice === "string_param" && typeof parameter.string_param === "string")
      out[name] = parameter.string_param;
    else if (choice === "int64_param" && parameter.int64_param !== undefined)
      out[name] = int64ToNumber(parameter.int64_param, `${path}.${name}.int64_param`);
  }
  return out;
}

const firstSet = (parameter: GrpcParameter | null | undefined) =>
  (["bool_param", "int64_param", "string_param"] as const).find((k) => parameter?.[k] !== undefined);

/** Plain values as a `map<string, InferParameter>` (integers as `int64_param`, other numbers as text). */
export function toGrpcParameters(values: Record<string, string | number | boolean>): GrpcParameters {
  const out: GrpcParameters = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "boolean") out[name] = { bool_param: value };
    else if (typeof value === "number" && Number.isSafeInteger(value)) out[name] = { int64_param: value };
    else out[name] = { string_param: String(value) };
  }
  return out;
}

/**
 * The elements of a tensor sent in the typed field of its datatype (`contents.bytes_contents` for
 * BYTES, read as UTF-8 text), as many as `shape` holds, each checked as REST's `data` is
 * (`elementProblem`); elements in another datatype's field are refused, as is FP16 (raw only).
 * `path` names the tensor (`inputs[0]`).
 */
export function contentsToElements(
  datatype: TTensorDatatype,
  shape: readonly number[],
  contents: GrpcTensorContents | null | undefined,
  path: string,
): TensorElement[] {
  const field = CONTENTS_FIELD[datatype];
  for (const other of CONTENTS_FIELDS) {
    if (other === field || (contents?.[other]?.length ?? 0) === 0) continue;
    throw inputError(
      `${path}.contents.${other}`,
      field
        ? `a ${datatype} tensor's elements go in contents.${field}`
        : `${datatype} elements are sent in raw_input_contents only`,
    );
  }
  const count = elementCount(shape);
  const fieldPath = `${path}.contents${field ? `.${field}` : ""}`;
  const given = (field ? contents?.[field] : undefined) ?? [];
  if (given.length !== count) {
    const where = field ? `contents.${field}` : "raw_input_contents";
    throw inputError(
      fieldPath,
      `shape [${shape.join(", ")}] holds ${count} elements, got ${given.length} (give them in ${where})`,
    );
  }
  const elements = given.map((value, i) => elementOf(datatype, value, `${fieldPath}[${i}]`));
  for (let i = 0; i < elements.length; i++) {
    const problem = elementProblem(datatype, elements[i]);
    if (problem) throw inputError(`${fieldPath}[${i}]`, `${problem} (${datatype})`);
  }
  return elements;
}

function elementOf(datatype: TTensorDatatype, value: unknown, path: string): TensorElement {
  if (datatype === "INT64" || datatype === "UINT64") return int64ToNumber(value as GrpcInt64, path);
  if (datatype !== "BYTES") return value as TensorElement;
  if (!(value instanceof Uint8Array)) throw inputError(path, "is not bytes");
  try {
    return utf8.decode(value);
  } catch {
    throw inputError(path, "is not UTF-8 text (BYTES elements are read as text)");
  }
}

/**
 * Elements (checked already for `datatype`) in the typed field of `InferTensorContents` of their
 * datatype: what a client sends without raw contents. FP16 has no typed field: send it raw.
 */
export function elementsToContents(
  datatype: TTensorDatatype,
  elements: readonly TensorElement[],
): GrpcTensorContents {
  const field = CONTENTS_FIELD[datatype];
  if (!field) throw new TypeError(`${datatype} tensors have no typed contents; send them raw`);
  if (field === "bytes_contents")
    return { bytes_contents: elements.map((e) => utf8Encoder.encode(String(e))) };
  if (field === "bool_contents") return { bool_contents: elements.map((e) => e === true) };
  return { [field]: elements.map((e) => Number(e)) };
}

/**
 * The input tensors of a `ModelInferRequest`, read as REST's are (`readRestInfer`): each named, of a
 * datatype of the protocol and a shape of sizes; its elements from `raw_input_contents[i]` (the raw
 * form, `decodeRawTensor`) when the request has raw contents, then one per input and no typed
 * contents, else from its typed `contents`. Every mistake is a TensorError of the input side naming
 * the field.
 */
export function readGrpcInputs(request: GrpcInferRequest): InputTensor[] {
  const inputs = request.inputs ?? [];
  if (inputs.length === 0) throw inputError("inputs", "give at least one input tensor");
  const raw = request.raw_input_contents ?? [];
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw inputError(
      "raw_input_contents",
      `holds ${raw.length} entries for ${inputs.length} inputs (one per input, in their order)`,
    );
  }
  return inputs.map((input, i): InputTensor => {
    const path = `inputs[${i}]`;
    const name = input.name ?? "";
    if (name === "") throw inputError(`${path}.name`, "is required");
    const datatype = datatypeOf(input.datatype, `${path}.datatype`);
    const shape = shapeOf(input.shape ?? [], `${path}.shape`);
    const bytes = raw[i];
    if (bytes === undefined)
      return { name, datatype, shape, path, data: contentsToElements(datatype, shape, input.contents, path) };
    const typed = CONTENTS_FIELDS.find((f) => (input.contents?.[f]?.length ?? 0) > 0);
    if (typed)
      throw inputError(`${path}.contents.${typed}`, "give raw_input_contents or typed contents, not both");
    return {
      name,
      datatype,
      shape,
      path,
      data: decodeRawTensor(datatype, shape, bytes, `raw_input_contents[${i}]`),
    };
  });
}

function datatypeOf(value: string | undefined, path: string): TTensorDatatype {
  const parsed = ZTensorDatatype.safeParse(value);
  if (parsed.success) return parsed.data;
  throw inputError(path, `${JSON.stringify(value ?? "")} is not one of ${TENSOR_DATATYPES.join(", ")}`);
}

function shapeOf(dims: readonly GrpcInt64[], path: string): number[] {
  if (dims.length > MAX_TENSOR_RANK)
    throw inputError(path, `a tensor has at most ${MAX_TENSOR_RANK} dimensions`);
  return dims.map((dim, i) => {
    const size = int64ToNumber(dim, `${path}[${i}]`);
    if (size < 0) throw inputError(`${path}[${i}]`, "a dimension is a size: 0 or more");
    return size;
  });
}

/** The outputs a request names (`outputs[].name`), or undefined for all of them (none named). */
export function grpcRequestedOutputs(request: GrpcInferRequest): string[] | undefined {
  const names = (request.outputs ?? []).map((o) => o.name ?? "");
  return names.length > 0 ? names : undefined;
}

/** The answer to a `ModelInferRequest`: every output's elements raw (`encodeRawTensor`), in order. */
export function grpcInferAnswer(
  model: { name: string; version: string },
  request: GrpcInferRequest,
  outputs: readonly OutputTensor[],
): GrpcInferResponse {
  return {
    model_name: model.name,
    model_version: model.version,
    id: request.id ?? "",
    parameters: {},
    outputs: outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape, parameters: {} })),
    raw_output_contents: outputs.map(({ datatype, data }) => encodeRawTensor(datatype, data)),
  };
}
