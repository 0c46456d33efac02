import { describe, expect, it } from "vitest";
import {
  base64Of,
  curlSnippet,
  grpcInferRequest,
  grpcurlSnippet,
  PLACEHOLDER_INPUT,
  pythonGrpcSnippet,
  pythonHttpSnippet,
  restInferBody,
  restInferUrl,
  SNIPPETS,
  type SnippetTarget,
  shellQuote,
  snippetInputs,
} from "./snippets";

const TEXT = { name: "text", datatype: "BYTES", shape: [1] };

/** The seeded block `sentiment` as `GET /v2/models/sentiment` describes it. */
const block: SnippetTarget = {
  model: "sentiment",
  inputs: [TEXT],
  outputs: [
    { name: "label", datatype: "BYTES", shape: [1] },
    { name: "score", datatype: "FP64", shape: [1] },
  ],
  apiUrl: "http://127.0.0.1:4000",
  grpcAddress: "127.0.0.1:8001",
};

/** The seeded vDAG behind a public https address. */
const vdag: SnippetTarget = {
  model: "text-pipeline:1.0.0-stable",
  inputs: [TEXT],
  outputs: [
    { name: "language", datatype: "BYTES", shape: [1] },
    { name: "label", datatype: "BYTES", shape: [1] },
  ],
  apiUrl: "https://aios.example.com/api",
  grpcAddress: "grpc.example.com:443",
};

const BODY = '{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["I love it"]}]}';

describe("REST", () => {
  it("puts the model's name in the path, a vDAG URI's ':' as it is", () => {
    expect(restInferUrl(block.apiUrl, block.model)).toBe("http://127.0.0.1:4000/v2/models/sentiment/infer");
    expect(restInferUrl(vdag.apiUrl, vdag.model)).toBe(
      "https://aios.example.com/api/v2/models/text-pipeline:1.0.0-stable/infer",
    );
    expect(restInferUrl("http://h", "a b/c")).toBe("http://h/v2/models/a%20b%2Fc/infer");
  });

  it("samples each input: -1 dimensions made 1, one element per cell", () => {
    expect(JSON.stringify(restInferBody([TEXT]))).toBe(BODY);
    expect(
      restInferBody([
        { name: "x", datatype: "FP32", shape: [-1, 2] },
        { name: "on", datatype: "BOOL", shape: [1] },
        { name: "n", datatype: "INT64", shape: [1] },
      ]).inputs,
    ).toEqual([
      { name: "x", datatype: "FP32", shape: [1, 2], data: [0.5, 0.5] },
      { name: "on", datatype: "BOOL", shape: [1], data: [true] },
      { name: "n", datatype: "INT64", shape: [1], data: [1] },
    ]);
  });

  it("curl posts the JSON body, quoted for the shell, with the token from the environment", () => {
    expect(curlSnippet(block)).toBe(
      [
        "curl -sS -X POST 'http://127.0.0.1:4000/v2/models/sentiment/infer' \\",
        '  -H "Authorization: Bearer $AIOS_TOKEN" \\',
        "  -H 'Content-Type: application/json' \\",
        `  -d '${BODY}'`,
      ].join("\n"),
    );
    expect(curlSnippet(vdag)).toContain(
      "curl -sS -X POST 'https://aios.example.com/api/v2/models/text-pipeline:1.0.0-stable/infer' \\",
    );
    expect(curlSnippet(vdag)).toContain(`-d '${BODY}'`);
  });

  it("quotes a single quote for the shell", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("Python", () => {
  it("tritonclient.http: host:port, the token header, the input as numpy, the outputs by name", () => {
    expect(pythonHttpSnippet(block)).toBe(
      [
        "import os",
        "",
        "import numpy as np",
        "import tritonclient.http as httpclient",
        "",
        'client = httpclient.InferenceServerClient(url="127.0.0.1:4000")',
        `headers = {"Authorization": f"Bearer {os.environ['AIOS_TOKEN']}"}`,
        "",
        "inputs = [",
        '    httpclient.InferInput("text", [1], "BYTES"),',
        "]",
        'inputs[0].set_data_from_numpy(np.array(["I love it"], dtype=np.object_))',
        "",
        'result = client.infer("sentiment", inputs, headers=headers)',
        'for name in ["label", "score"]:',
        "    print(name, result.as_numpy(name))",
      ].join("\n"),
    );
  });

  it("tritonclient.http behind https: the base path kept and ssl on", () => {
    const s = pythonHttpSnippet(vdag);
    expect(s).toContain('httpclient.InferenceServerClient(url="aios.example.com/api", ssl=True)');
    expect(s).toContain('result = client.infer("text-pipeline:1.0.0-stable", inputs, headers=headers)');
    expect(s).toContain('for name in ["language", "label"]:');
  });

  it("tritonclient.grpc: the gRPC address and the authorization metadata", () => {
    const b = pythonGrpcSnippet(block);
    expect(b).toContain("import tritonclient.grpc as grpcclient");
    expect(b).toContain('client = grpcclient.InferenceServerClient(url="127.0.0.1:8001")');
    expect(b).toContain(`headers = {"authorization": f"Bearer {os.environ['AIOS_TOKEN']}"}`);
    expect(b).toContain('grpcclient.InferInput("text", [1], "BYTES"),');
    expect(b).toContain('inputs[0].set_data_from_numpy(np.array(["I love it"], dtype=np.object_))');
    expect(pythonGrpcSnippet(vdag)).toContain('InferenceServerClient(url="grpc.example.com:443")');
    expect(pythonGrpcSnippet(vdag)).toContain('client.infer("text-pipeline:1.0.0-stable", inputs');
  });

  it("numpy arrays by datatype and shape, and the whole answer when outputs are unknown", () => {
    const s = pythonGrpcSnippet({
      ...block,
      inputs: [
        { name: "x", datatype: "FP32", shape: [2, -1] },
        { name: "on", datatype: "BOOL", shape: [1] },
        { name: "image", datatype: "UINT8", shape: [1, 3, 224, 224] },
      ],
      outputs: [],
    });
    expect(s).toContain(
      "inputs[0].set_data_from_numpy(np.array([0.5, 0.5], dtype=np.float32).reshape([2, 1]))",
    );
    expect(s).toContain("inputs[1].set_data_from_numpy(np.array([True], dtype=np.bool_))");
    expect(s).toContain("inputs[2].set_data_from_numpy(np.full([1, 3, 224, 224], 1, dtype=np.uint8))");
    expect(s).toContain("print(result.get_response(as_json=True))");
    expect(pythonHttpSnippet({ ...block, outputs: [] })).toContain("print(result.get_response())");
  });
});

describe("grpcurl", () => {
  it("sends a ModelInferRequest with the text as base64 bytes_contents, and says so", () => {
    expect(base64Of("I love it")).toBe("SSBsb3ZlIGl0");
    expect(base64Of("é")).toBe("w6k=");
    expect(grpcurlSnippet(block)).toBe(
      [
        "# grpc_predict_v2.proto: KServe's, as in packages/inference-protocol/proto/ of the AIOS repository.",
        `# grpcurl's JSON writes bytes as base64: "SSBsb3ZlIGl0" is "I love it".`,
        "grpcurl -plaintext -proto grpc_predict_v2.proto \\",
        '  -H "authorization: Bearer $AIOS_TOKEN" \\',
        `  -d '{"model_name":"sentiment","inputs":[{"name":"text","datatype":"BYTES","shape":[1],"contents":{"bytes_contents":["SSBsb3ZlIGl0"]}}]}' \\`,
        "  127.0.0.1:8001 inference.GRPCInferenceService/ModelInfer",
      ].join("\n"),
    );
    const v = grpcurlSnippet(vdag);
    expect(v).toContain('"model_name":"text-pipeline:1.0.0-stable"');
    expect(v).toContain("  grpc.example.com:443 inference.GRPCInferenceService/ModelInfer");
  });

  it("puts numbers and booleans in their contents field; FP16 has none and is pointed to raw bytes", () => {
    const request = grpcInferRequest({
      model: "m",
      inputs: [
        { name: "a", datatype: "INT32", shape: [2] },
        { name: "b", datatype: "FP64", shape: [1] },
        { name: "c", datatype: "BOOL", shape: [1] },
        { name: "h", datatype: "FP16", shape: [1] },
      ],
    });
    expect(request.inputs.map((i) => i.contents)).toEqual([
      { int_contents: [1, 1] },
      { fp64_contents: [0.5] },
      { bool_contents: [true] },
      undefined,
    ]);
    const s = grpcurlSnippet({ ...block, inputs: [{ name: "h", datatype: "FP16", shape: [1] }] });
    expect(s).toContain("# h: FP16 has no contents field; send it in raw_input_contents (little-endian).");
    expect(s).not.toContain("base64");
  });
});

describe("the card's snippets", () => {
  it("falls back to a placeholder input when the model's are unknown", () => {
    expect(snippetInputs(undefined)).toEqual([PLACEHOLDER_INPUT]);
    expect(snippetInputs([])).toEqual([PLACEHOLDER_INPUT]);
    expect(snippetInputs([TEXT])).toEqual([TEXT]);
    expect(curlSnippet({ ...block, inputs: snippetInputs(undefined) })).toContain('"name":"input"');
  });

  it("offers the four snippets in order, each naming the model", () => {
    expect(SNIPPETS.map((s) => s.id)).toEqual(["curl", "python-http", "python-grpc", "grpcurl"]);
    for (const s of SNIPPETS) {
      expect(s.build(block)).toContain("sentiment");
      expect(s.build(vdag)).toContain("text-pipeline:1.0.0-stable");
    }
  });
});
