import { resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { Page } from "@playwright/test";
import { API_URL, expect, test } from "./fixtures";

/**
 * The "Open Inference Protocol" card of the seeded block `sentiment` and vDAG text-pipeline: the
 * REST endpoint and gRPC address (the launcher's API on 4100, its gRPC on 8100 as
 * playwright.config.ts sets it), the model's tensors from the console's `/v2/models/<name>` proxy,
 * the four snippets, and the curl and grpcurl snippets' requests sent as shown (the product runs in
 * AIOS_AUTH=open, so no token is needed).
 */
const DEPLOY_TIMEOUT = 90_000;
const TEXT_PIPELINE = "text-pipeline:1.0.0-stable";
const GRPC_ADDRESS = "127.0.0.1:8100";
const PROTO = resolve(import.meta.dirname, "../packages/inference-protocol/proto/grpc_predict_v2.proto");

/** A shell word in single quotes, as the snippets write them. */
const QUOTED = "'((?:[^']|'\\\\'')*)'";
const unquote = (s: string) => s.replaceAll(`'\\''`, "'");

/** The URL and JSON body of the card's curl snippet, read as a shell would. */
function parseCurl(snippet: string): { url: string; body: string } {
  const url = new RegExp(`curl -sS -X POST ${QUOTED}`).exec(snippet)?.[1];
  const body = new RegExp(`-d ${QUOTED}\\s*$`).exec(snippet)?.[1];
  if (!url || !body) throw new Error(`not the curl snippet: ${snippet}`);
  return { url: unquote(url), body: unquote(body) };
}

/** The address and the ModelInferRequest (protobuf JSON) of the card's grpcurl snippet. */
function parseGrpcurl(snippet: string): { address: string; request: unknown } {
  const request = new RegExp(`-d ${QUOTED} \\\\`).exec(snippet)?.[1];
  const address = /\n {2}(\S+) inference\.GRPCInferenceService\/ModelInfer$/.exec(snippet)?.[1];
  if (!request || !address) throw new Error(`not the grpcurl snippet: ${snippet}`);
  return { address, request: JSON.parse(unquote(request)) };
}

/** Opens the card's tabs in turn; returns the curl and grpcurl snippets' text. */
async function checkSnippets(page: Page, model: string): Promise<{ curl: string; grpcurl: string }> {
  const card = page.getByTestId("oip-card");
  const snippet = card.getByTestId("oip-snippet").locator("code");
  await expect(card.getByTestId("oip-tab-curl")).toHaveAttribute("aria-selected", "true");
  await expect(snippet).toContainText('"name":"text"');
  await expect(snippet).toContainText('-H "Authorization: Bearer $AIOS_TOKEN"');
  const curl = (await snippet.textContent()) ?? "";

  await card.getByTestId("oip-tab-python-http").click();
  await expect(snippet).toContainText(`InferenceServerClient(url="127.0.0.1:4100")`);
  await expect(snippet).toContainText('httpclient.InferInput("text", [1], "BYTES")');
  await expect(snippet).toContainText(`client.infer("${model}", inputs, headers=headers)`);

  await card.getByTestId("oip-tab-python-grpc").click();
  await expect(snippet).toContainText(`grpcclient.InferenceServerClient(url="${GRPC_ADDRESS}")`);
  await expect(snippet).toContainText('np.array(["I love it"], dtype=np.object_)');

  await card.getByTestId("oip-tab-grpcurl").click();
  await expect(snippet).toContainText("grpcurl -plaintext -proto grpc_predict_v2.proto");
  await expect(snippet).toContainText(`"model_name":"${model}"`);
  await expect(snippet).toContainText('"bytes_contents":["SSBsb3ZlIGl0"]');
  await expect(snippet).toContainText(`${GRPC_ADDRESS} inference.GRPCInferenceService/ModelInfer`);
  const grpcurl = (await snippet.textContent()) ?? "";

  await card.getByTestId("oip-tab-curl").click();
  await expect(snippet).toHaveText(curl);
  return { curl, grpcurl };
}

/** Sends the curl snippet's request as shown; returns the answer's outputs by name. */
async function runCurl(curl: string, model: string): Promise<Record<string, unknown>> {
  const { url, body } = parseCurl(curl);
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const answer = (await res.json()) as {
    model_name?: string;
    outputs?: Array<{ name: string; data: unknown[] }>;
  };
  expect(res.status, JSON.stringify(answer)).toBe(200);
  expect(answer.model_name).toBe(model);
  return Object.fromEntries((answer.outputs ?? []).map((o) => [o.name, o.data[0]]));
}

interface GrpcInferResponse {
  model_name: string;
  outputs: Array<{ name: string; datatype: string }>;
  raw_output_contents: Buffer[];
}

type InferenceClient = grpc.Client & {
  ModelInfer(request: unknown, done: (err: grpc.ServiceError | null, res: GrpcInferResponse) => void): void;
};

/**
 * Sends the grpcurl snippet's request to the address it names with @grpc/grpc-js (whose loader
 * takes protobuf JSON's base64 for bytes, as grpcurl does); returns each BYTES output's first
 * element (the answer's outputs are raw: a 4-byte little-endian length, then the bytes).
 */
async function runGrpcurl(grpcurl: string, model: string): Promise<Record<string, string>> {
  const { address, request } = parseGrpcurl(grpcurl);
  const definition = protoLoader.loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const inference = grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject;
  const Service = inference.GRPCInferenceService as grpc.ServiceClientConstructor;
  const client = new Service(address, grpc.credentials.createInsecure()) as unknown as InferenceClient;
  try {
    const answer = await new Promise<GrpcInferResponse>((done, fail) =>
      client.ModelInfer(request, (err, res) => (err ? fail(err) : done(res))),
    );
    expect(answer.model_name).toBe(model);
    const out: Record<string, string> = {};
    answer.outputs.forEach((o, i) => {
      const raw = answer.raw_output_contents[i];
      if (o.datatype === "BYTES" && raw) out[o.name] = raw.subarray(4, 4 + raw.readUInt32LE(0)).toString();
    });
    return out;
  } finally {
    client.close();
  }
}

test("the block page shows sentiment's OIP endpoints and snippets; its curl and grpcurl requests work", async ({
  page,
}) => {
  test.setTimeout(DEPLOY_TIMEOUT + 60_000);
  await page.goto("/blocks/sentiment");
  await expect(page.getByTestId("status").first()).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  const card = page.getByTestId("oip-card");
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByTestId("oip-rest-endpoint")).toHaveText(`${API_URL}/v2/models/sentiment/infer`);
  await expect(card.getByTestId("oip-grpc-address")).toHaveText(GRPC_ADDRESS);
  await expect(card.getByTestId("oip-model-name")).toHaveText("sentiment");
  await expect(card.getByTestId("oip-inputs")).toHaveText("text (BYTES [1])");
  await expect(card.getByTestId("oip-outputs")).toContainText("label (BYTES [1])");
  await expect(card.getByTestId("oip-metadata-error")).toHaveCount(0);

  const { curl, grpcurl } = await checkSnippets(page, "sentiment");
  expect(curl).toContain(`'${API_URL}/v2/models/sentiment/infer'`);
  expect((await runCurl(curl, "sentiment")).label).toBe("positive");
  expect((await runGrpcurl(grpcurl, "sentiment")).label).toBe("positive");
  await card.screenshot({ path: ".test-output/screenshots/oip-card-block.png" });
});

test("the vDAG page shows text-pipeline's OIP endpoints and snippets; its curl and grpcurl requests work", async ({
  page,
}) => {
  test.setTimeout(DEPLOY_TIMEOUT + 60_000);
  await page.goto(`/vdags/${encodeURIComponent(TEXT_PIPELINE)}`);
  await expect(page.getByRole("heading", { name: TEXT_PIPELINE, level: 2 })).toBeVisible();
  await expect(page.getByTestId("status").first()).toHaveText("active", { timeout: DEPLOY_TIMEOUT });
  const card = page.getByTestId("oip-card");
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByTestId("oip-rest-endpoint")).toHaveText(
    `${API_URL}/v2/models/${TEXT_PIPELINE}/infer`,
  );
  await expect(card.getByTestId("oip-grpc-address")).toHaveText(GRPC_ADDRESS);
  await expect(card).toContainText("or the name text-pipeline with that version");
  await expect(card.getByTestId("oip-inputs")).toHaveText("text (BYTES [1])");
  await expect(card.getByTestId("oip-outputs")).toContainText("label (BYTES [1])");

  const { curl, grpcurl } = await checkSnippets(page, TEXT_PIPELINE);
  expect(curl).toContain(`'${API_URL}/v2/models/${TEXT_PIPELINE}/infer'`);
  // A text this short may not pass as English, so the label is sentiment's or the other branch's.
  const rest = await runCurl(curl, TEXT_PIPELINE);
  expect(rest.label).toEqual(expect.any(String));
  expect(rest.language).toEqual(expect.any(String));
  expect((await runGrpcurl(grpcurl, TEXT_PIPELINE)).label).toBe(rest.label);
  await card.screenshot({ path: ".test-output/screenshots/oip-card-vdag.png" });
});
