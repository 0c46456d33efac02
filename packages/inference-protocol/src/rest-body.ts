import { fieldIssues, issuesLine } from "@aios/contracts";
import { decodeRawTensor, encodeRawTensor } from "./binary";
import { elementCount, elementProblem, type TensorElement } from "./datatypes";
import { inputError, TensorError } from "./errors";
import { type TRestInferRequest, ZRestInferRequest } from "./rest-messages";
import type { InputTensor } from "./to-data";
import type { OutputTensor } from "./to-outputs";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A REST infer request read: its JSON part and its inputs' elements (from `data` or binary data). */
export interface RestInfer {
  request: TRestInferRequest;
  inputs: InputTensor[];
}

/**
 * Reads `POST .../infer`'s body. With `Inference-Header-Content-Length: n` (the binary tensor data
 * extension) the first n bytes are the JSON request and each input with
 * `parameters.binary_data_size` takes that many of the bytes after it, in the inputs' order;
 * otherwise the body is JSON alone. Every mistake is a TensorError of the input side naming the
 * field: a shape whose element count the data do not have, an element not of the datatype, binary
 * data too short or left over.
 */
export function readRestInfer(body: Uint8Array, headerLength: string | undefined): RestInfer {
  const jsonLength = headerLength === undefined ? body.byteLength : Number(headerLength);
  if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > body.byteLength) {
    throw inputError(
      "Inference-Header-Content-Length",
      `must be a byte count within the body's ${body.byteLength} bytes, got ${JSON.stringify(headerLength)}`,
    );
  }
  const request = parseRequest(body.subarray(0, jsonLength));
  let at = jsonLength;
  const inputs = request.inputs.map((input, i): InputTensor => {
    const path = `inputs[${i}]`;
    const size = input.parameters?.binary_data_size;
    if (size === undefined) return { ...tensorHead(input, path), data: jsonElements(input, path) };
    if (input.data !== undefined)
      throw inputError(path, "give data or parameters.binary_data_size, not both");
    if (headerLength === undefined)
      throw inputError(
        `${path}.parameters.binary_data_size`,
        "binary data need the Inference-Header-Content-Length header",
      );
    if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || at + size > body.byteLength) {
      throw inputError(
        `${path}.parameters.binary_data_size`,
        `must be a byte count within the ${body.byteLength - at} bytes of binary data left, got ${JSON.stringify(size)}`,
      );
    }
    const bytes = body.subarray(at, at + size);
    at += size;
    return { ...tensorHead(input, path), data: decodeRawTensor(input.datatype, input.shape, bytes, path) };
  });
  if (at !== body.byteLength)
    throw inputError(
      "(body)",
      `${body.byteLength - at} bytes of binary data follow that no input's binary_data_size counts`,
    );
  return { request, inputs };
}

function parseRequest(bytes: Uint8Array): TRestInferRequest {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw inputError("(body)", `is not a JSON request: ${(err as Error).message}`);
  }
  const parsed = ZRestInferRequest.safeParse(json);
  if (!parsed.success) throw new TensorError("input", issuesLine(fieldIssues(parsed.error, "(body)")));
  return parsed.data;
}

const tensorHead = (input: TRestInferRequest["inputs"][number], path: string) => ({
  name: input.name,
  datatype: input.datatype,
  shape: input.shape,
  path,
});

/** An input's JSON `data`, flat or nested, as many elements as its shape holds, each of its datatype. */
function jsonElements(input: TRestInferRequest["inputs"][number], path: string): TensorElement[] {
  if (input.data === undefined)
    throw inputError(`${path}.data`, "is required (or parameters.binary_data_size)");
  const elements = Array.isArray(input.data) ? input.data.flat(Number.POSITIVE_INFINITY) : [input.data];
  const count = elementCount(input.shape);
  if (elements.length !== count) {
    throw inputError(
      `${path}.data`,
      `shape [${input.shape.join(", ")}] holds ${count} elements, got ${elements.length}`,
    );
  }
  for (let i = 0; i < elements.length; i++) {
    const problem = elementProblem(input.datatype, elements[i]);
    if (problem) throw inputError(`${path}.data[${i}]`, `${problem} (${input.datatype})`);
  }
  return elements as TensorElement[];
}

/** The outputs a request names (`outputs[].name`), or undefined for all of them. */
export const requestedOutputs = (request: TRestInferRequest) => request.outputs?.map((o) => o.name);

/**
 * The answer to a REST infer request: `{model_name, model_version, id, outputs}`. An output is sent
 * as binary data when the request asks (`parameters.binary_data_output`, or the output's own
 * `parameters.binary_data`, which wins): then the JSON says `parameters.binary_data_size`, the bytes
 * follow it and `Inference-Header-Content-Length` says where the JSON ends.
 */
export function restInferAnswer(
  model: { name: string; version: string },
  request: TRestInferRequest,
  outputs: readonly OutputTensor[],
): { headers: Record<string, string>; body: Buffer } {
  const allBinary = request.parameters?.binary_data_output === true;
  const binaries: Uint8Array[] = [];
  const json = {
    model_name: model.name,
    model_version: model.version,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: outputs.map(({ name, datatype, shape, data }) => {
      const own = request.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
      if (!(typeof own === "boolean" ? own : allBinary)) return { name, datatype, shape, data };
      const bytes = encodeRawTensor(datatype, data);
      binaries.push(bytes);
      return { name, datatype, shape, parameters: { binary_data_size: bytes.byteLength } };
    }),
  };
  const head = Buffer.from(JSON.stringify(json));
  if (binaries.length === 0) return { headers: { "content-type": "application/json" }, body: head };
  return {
    headers: {
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(head.byteLength),
    },
    body: Buffer.concat([head, ...binaries]),
  };
}
