/**
 * Ready-made clients of a model of the Open Inference Protocol v2 (a block named by its id, a vDAG
 * by its URI): curl (REST JSON), Python `tritonclient.http` and `tritonclient.grpc`, and `grpcurl`,
 * each filled with the model's own input tensors (`GET /v2/models/<name>`). Pure: the block and vDAG
 * pages' "Open Inference Protocol" card shows them.
 */

/** One tensor as a model's metadata gives it. */
export interface TensorMeta {
  name: string;
  datatype: string;
  /** Each dimension a size, or -1 for "any size". */
  shape: number[];
}

/** What a snippet needs of the model and of where callers reach the API. */
export interface SnippetTarget {
  /** The model's name: a block's id, a vDAG's URI (`text-pipeline:1.0.0-stable`). */
  model: string;
  /** Its inputs (at least one: `snippetInputs` puts a placeholder in when none is known). */
  inputs: TensorMeta[];
  /** Its outputs; empty when unknown (the snippet then prints the whole answer). */
  outputs: TensorMeta[];
  /** The public API URL, no trailing slash. */
  apiUrl: string;
  /** The public gRPC `host:port`. */
  grpcAddress: string;
}

export type SnippetId = "curl" | "python-http" | "python-grpc" | "grpcurl";

/** The input shown when the model's are not known (its metadata failed, or it declares none). */
export const PLACEHOLDER_INPUT: TensorMeta = { name: "input", datatype: "BYTES", shape: [1] };

/** The inputs a snippet sends: the model's, else the placeholder. */
export const snippetInputs = (inputs: readonly TensorMeta[] | undefined): TensorMeta[] =>
  inputs && inputs.length > 0 ? [...inputs] : [PLACEHOLDER_INPUT];

/** `<apiUrl>/v2/models/<name>/infer`; the ':' of a vDAG's URI stays as it is (the API takes it). */
export const restInferUrl = (apiUrl: string, model: string): string =>
  `${apiUrl}/v2/models/${encodeURIComponent(model).replaceAll("%3A", ":")}/infer`;

type Element = string | number | boolean;

/** The sample's shape: every "any size" dimension (-1) made 1. */
export const sampleShape = (shape: readonly number[]): number[] => shape.map((d) => (d < 0 ? 1 : d));

const elementCount = (shape: readonly number[]) => sampleShape(shape).reduce((n, d) => n * d, 1);

/** One sample element of a datatype: text for BYTES, true, 0.5 for floats, 1 for integers. */
export function sampleElement(datatype: string): Element {
  if (datatype === "BYTES") return "I love it";
  if (datatype === "BOOL") return true;
  if (datatype.startsWith("FP") || datatype === "BF16") return 0.5;
  return 1;
}

/** A tensor's sample elements, row-major. */
export const sampleData = (t: TensorMeta): Element[] =>
  Array.from({ length: elementCount(t.shape) }, () => sampleElement(t.datatype));

/** The REST request body (`POST /v2/models/<name>/infer`) with a sample of each input. */
export const restInferBody = (inputs: readonly TensorMeta[]) => ({
  inputs: inputs.map((t) => ({
    name: t.name,
    shape: sampleShape(t.shape),
    datatype: t.datatype,
    data: sampleData(t),
  })),
});

/** A word quoted for a POSIX shell. */
export const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

export function curlSnippet(t: SnippetTarget): string {
  return [
    `curl -sS -X POST ${shellQuote(restInferUrl(t.apiUrl, t.model))} \\`,
    `  -H "Authorization: Bearer $AIOS_TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(restInferBody(t.inputs)))}`,
  ].join("\n");
}

const NUMPY_DTYPES: Record<string, string> = {
  BOOL: "np.bool_",
  UINT8: "np.uint8",
  UINT16: "np.uint16",
  UINT32: "np.uint32",
  UINT64: "np.uint64",
  INT8: "np.int8",
  INT16: "np.int16",
  INT32: "np.int32",
  INT64: "np.int64",
  FP16: "np.float16",
  FP32: "np.float32",
  FP64: "np.float64",
  BF16: "np.float32",
  BYTES: "np.object_",
};

const pyLiteral = (v: Element) => (typeof v === "boolean" ? (v ? "True" : "False") : JSON.stringify(v));
const pyList = (xs: readonly (string | number)[]) => `[${xs.join(", ")}]`;

/** A numpy array of the tensor's sample: the elements written out, or `np.full` past 16 of them. */
function numpyArray(t: TensorMeta): string {
  const dtype = NUMPY_DTYPES[t.datatype] ?? "np.object_";
  const shape = sampleShape(t.shape);
  const value = pyLiteral(sampleElement(t.datatype));
  if (elementCount(shape) > 16) return `np.full(${pyList(shape)}, ${value}, dtype=${dtype})`;
  const array = `np.array(${pyList(sampleData(t).map(pyLiteral))}, dtype=${dtype})`;
  return shape.length === 1 ? array : `${array}.reshape(${pyList(shape)})`;
}

/** `host[:port][/base-path]` of a URL, as `tritonclient.http` takes it. */
function tritonHttpUrl(apiUrl: string): { url: string; ssl: boolean } {
  const u = new URL(apiUrl);
  return { url: `${u.host}${u.pathname.replace(/\/+$/, "")}`, ssl: u.protocol === "https:" };
}

function pythonSnippet(t: SnippetTarget, kind: "http" | "grpc"): string {
  const client = kind === "http" ? "httpclient" : "grpcclient";
  const http = tritonHttpUrl(t.apiUrl);
  const url = kind === "http" ? http.url : t.grpcAddress;
  const ssl = kind === "http" && http.ssl ? ", ssl=True" : "";
  const header = kind === "http" ? "Authorization" : "authorization";
  const lines = [
    "import os",
    "",
    "import numpy as np",
    `import tritonclient.${kind} as ${client}`,
    "",
    `client = ${client}.InferenceServerClient(url=${JSON.stringify(url)}${ssl})`,
    `headers = {"${header}": f"Bearer {os.environ['AIOS_TOKEN']}"}`,
    "",
    "inputs = [",
    ...t.inputs.map(
      (i) =>
        `    ${client}.InferInput(${JSON.stringify(i.name)}, ${pyList(sampleShape(i.shape))}, "${i.datatype}"),`,
    ),
    "]",
    ...t.inputs.map((i, n) => `inputs[${n}].set_data_from_numpy(${numpyArray(i)})`),
    "",
    `result = client.infer(${JSON.stringify(t.model)}, inputs, headers=headers)`,
  ];
  if (t.outputs.length === 0) {
    lines.push(kind === "http" ? "print(result.get_response())" : "print(result.get_response(as_json=True))");
  } else {
    lines.push(
      `for name in ${pyList(t.outputs.map((o) => JSON.stringify(o.name)))}:`,
      "    print(name, result.as_numpy(name))",
    );
  }
  return lines.join("\n");
}

export const pythonHttpSnippet = (t: SnippetTarget): string => pythonSnippet(t, "http");
export const pythonGrpcSnippet = (t: SnippetTarget): string => pythonSnippet(t, "grpc");

/** Where each datatype's elements go in a gRPC `InferTensorContents`; FP16 has none (raw bytes only). */
const GRPC_CONTENTS: Record<string, string> = {
  BOOL: "bool_contents",
  INT8: "int_contents",
  INT16: "int_contents",
  INT32: "int_contents",
  INT64: "int64_contents",
  UINT8: "uint_contents",
  UINT16: "uint_contents",
  UINT32: "uint_contents",
  UINT64: "uint64_contents",
  FP32: "fp32_contents",
  FP64: "fp64_contents",
  BYTES: "bytes_contents",
};

/** UTF-8 text as base64: how protobuf's JSON (and so grpcurl) writes `bytes`. */
export function base64Of(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The `ModelInferRequest` of the grpcurl snippet, as protobuf JSON. */
export function grpcInferRequest(t: Pick<SnippetTarget, "model" | "inputs">) {
  return {
    model_name: t.model,
    inputs: t.inputs.map((i) => {
      const field = GRPC_CONTENTS[i.datatype];
      const data = sampleData(i).map((v) => (typeof v === "string" ? base64Of(v) : v));
      return {
        name: i.name,
        datatype: i.datatype,
        shape: sampleShape(i.shape),
        ...(field ? { contents: { [field]: data } } : {}),
      };
    }),
  };
}

export function grpcurlSnippet(t: SnippetTarget): string {
  const sample = t.inputs.find((i) => i.datatype === "BYTES");
  const raw = t.inputs.filter((i) => !GRPC_CONTENTS[i.datatype]).map((i) => i.name);
  return [
    "# grpc_predict_v2.proto: KServe's, as in packages/inference-protocol/proto/ of the AIOS repository.",
    ...(sample
      ? [
          `# grpcurl's JSON writes bytes as base64: ${JSON.stringify(base64Of(String(sampleElement("BYTES"))))} is ${JSON.stringify(sampleElement("BYTES"))}.`,
        ]
      : []),
    ...(raw.length > 0
      ? [`# ${raw.join(", ")}: FP16 has no contents field; send it in raw_input_contents (little-endian).`]
      : []),
    "grpcurl -plaintext -proto grpc_predict_v2.proto \\",
    `  -H "authorization: Bearer $AIOS_TOKEN" \\`,
    `  -d ${shellQuote(JSON.stringify(grpcInferRequest(t)))} \\`,
    `  ${t.grpcAddress} inference.GRPCInferenceService/ModelInfer`,
  ].join("\n");
}

/** The snippets in the order the card offers them. */
export const SNIPPETS: ReadonlyArray<{ id: SnippetId; label: string; build: (t: SnippetTarget) => string }> =
  [
    { id: "curl", label: "curl", build: curlSnippet },
    { id: "python-http", label: "Python · tritonclient.http", build: pythonHttpSnippet },
    { id: "python-grpc", label: "Python · tritonclient.grpc", build: pythonGrpcSnippet },
    { id: "grpcurl", label: "grpcurl", build: grpcurlSnippet },
  ];
