import type { TTensorDatatype } from "@aios/contracts";
import {
  decodeRawTensor,
  elementsToContents,
  encodeRawTensor,
  type GrpcInferRequest,
  type GrpcInferResponse,
} from "@aios/inference-protocol";
import { createLogger } from "@aios/service-kit";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentProcess,
  applyExamples,
  startClusterAgent,
  waitUntil,
} from "../../agents/test/agent-process";
import {
  type GrpcInferenceServer,
  loadInferenceService,
  startGrpcInferenceServer,
} from "../src/data-plane/open-inference/grpc-server";
import { type ApiHarness, doc, useApiServer } from "./harness";

// The Open Inference Protocol over gRPC, called with a real @grpc/grpc-js client built from the
// same proto (KServe's) as the server: health and metadata without a token, the caller's and the
// model's checks, the message size limit, and (with Redis: a real cluster agent) inference on a
// running block with raw and typed contents.

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const MAX_BODY_MB = 1;
const LOVE = "I love this wonderful product";

type Client = grpc.Client & Record<string, grpc.requestCallback<unknown> | unknown>;

/** A gRPC server on a free port for the harness's API, and a client of it; both closed after the file. */
function useGrpc(api: ApiHarness) {
  const grpcApi = {} as { server: GrpcInferenceServer; client: Client };
  beforeAll(async () => {
    grpcApi.server = await startGrpcInferenceServer({
      services: api.services,
      log: createLogger({ service: "api-grpc-test" }, { level: "error" }),
      maxBodyMb: MAX_BODY_MB,
      port: 0,
      host: "127.0.0.1",
    });
    const Service = loadInferenceService();
    grpcApi.client = new Service(
      `127.0.0.1:${grpcApi.server.port}`,
      grpc.credentials.createInsecure(),
    ) as Client;
  });
  afterAll(async () => {
    grpcApi.client?.close();
    await grpcApi.server?.close();
  });
  return grpcApi;
}

/** One unary call of `method`, with `token` as the `authorization` metadata when given. */
function call<T>(client: Client, method: string, request: unknown, token?: string): Promise<T> {
  const metadata = new grpc.Metadata();
  if (token) metadata.set("authorization", `Bearer ${token}`);
  const fn = client[method] as (
    req: unknown,
    md: grpc.Metadata,
    cb: (err: grpc.ServiceError | null, value: T) => void,
  ) => void;
  return new Promise<T>((resolve, reject) =>
    fn.call(client, request, metadata, (err, value) => (err ? reject(err) : resolve(value))),
  );
}

/** The gRPC error `p` fails with (the test fails if it succeeds). */
async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as grpc.ServiceError,
  );
  expect(err, "the call should fail").not.toBeNull();
  return err as grpc.ServiceError;
}

/** An answer's outputs by name, their elements read from `raw_output_contents`. */
function outputsOf(answer: GrpcInferResponse): Record<string, unknown[]> {
  return Object.fromEntries(
    answer.outputs.map((o, i) => [
      o.name,
      decodeRawTensor(
        o.datatype as TTensorDatatype,
        o.shape.map(Number),
        answer.raw_output_contents[i] ?? new Uint8Array(),
        o.name,
      ),
    ]),
  );
}

const textInput = (datatype = "BYTES") => ({ name: "text", datatype, shape: [1] });

describe("the gRPC frontend of the Open Inference Protocol (AIOS_AUTH=token)", () => {
  const api = useApiServer({ auth: "token" });
  const grpcApi = useGrpc(api);
  const tokens = {} as Record<"viewer" | "operator", string>;

  beforeAll(async () => {
    for (const role of ["viewer", "operator"] as const)
      tokens[role] = (await api.services.tokens.issue({ name: `grpc ${role}`, role })).token;
  });

  it("answers ServerLive, ServerReady and ServerMetadata without a token", async () => {
    const { client } = grpcApi;
    expect(await call(client, "ServerLive", {})).toEqual({ live: true });
    expect(await call(client, "ServerReady", {})).toEqual({ ready: expect.any(Boolean) });
    expect(await call(client, "ServerMetadata", {})).toEqual({
      name: "aios",
      version: expect.any(String),
      extensions: ["binary_tensor_data"],
    });
  });

  it.each(["ModelMetadata", "ModelReady", "ModelInfer"])(
    "%s: no token is UNAUTHENTICATED",
    async (method) => {
      const request =
        method === "ModelInfer" ? { model_name: "nope", inputs: [textInput()] } : { name: "nope" };
      const err = await failure(call(grpcApi.client, method, request));
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(err.details).toBe("an API token is required");
    },
  );

  it.each(["ModelMetadata", "ModelReady", "ModelInfer"])(
    "%s: a viewer is PERMISSION_DENIED",
    async (method) => {
      const request =
        method === "ModelInfer" ? { model_name: "nope", inputs: [textInput()] } : { name: "nope" };
      const err = await failure(call(grpcApi.client, method, request, tokens.viewer));
      expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(err.details).toBe(
        `grpc ${method} needs role operator (or a data key in scope); this token has viewer`,
      );
    },
  );

  it.each(["ModelMetadata", "ModelReady", "ModelInfer"])(
    "%s: an unknown model is NOT_FOUND",
    async (method) => {
      const request =
        method === "ModelInfer"
          ? { model_name: "nope", model_version: "2", inputs: [textInput()] }
          : { name: "nope", version: "2" };
      const err = await failure(call(grpcApi.client, method, request, tokens.operator));
      expect(err.code).toBe(grpc.status.NOT_FOUND);
      expect(err.details).toBe('model "nope/versions/2" was not found');
    },
  );

  it("refuses a message past AIOS_MAX_BODY_MB as RESOURCE_EXHAUSTED", async () => {
    const request: GrpcInferRequest = {
      model_name: "nope",
      inputs: [{ name: "x", datatype: "UINT8", shape: [MAX_BODY_MB * 2 ** 20 + 1] }],
      raw_input_contents: [new Uint8Array(MAX_BODY_MB * 2 ** 20 + 1)],
    };
    const err = await failure(call(grpcApi.client, "ModelInfer", request, tokens.operator));
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("audits ModelInfer calls as REST's dataPlane.modelInfer, refusals included", async () => {
    await expect
      .poll(async () => {
        const events = await api.services.audit.list({ action: "dataPlane.modelInfer" });
        return events.map((e) => [e.outcome, e.principalRole, e.target, e.reason]);
      })
      .toEqual(
        expect.arrayContaining([
          ["refused", null, "model:nope", "an API token is required"],
          ["refused", "viewer", "model:nope", expect.stringMatching(/^grpc ModelInfer needs role operator/)],
          ["failed", "operator", "model:nope", 'model "nope/versions/2" was not found'],
        ]),
      );
  });
});

describe.runIf(redisUrl)("gRPC inference on a block run by a cluster agent", () => {
  const api = useApiServer();
  const grpcApi = useGrpc(api);
  const clusterId = `grpc-${Date.now().toString(36)}`;
  let agent: AgentProcess;

  beforeAll(async () => {
    const apply = (document: unknown) => api.caller().parser.applySpec({ document });
    await applyExamples(apply, "components.json");
    agent = startClusterAgent(api.url, clusterId, { AIOS_BLOCK_WATCH_MS: "300" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
    await apply(
      doc("createBlock", {
        blockComponentURI: "model.text-sentiment:1.0.0-stable",
        blockId: "sentiment",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
        initSettings: { healthCheckInterval: 0.3 },
      }),
    );
    await waitUntil(
      "the block to run",
      async () => (await api.caller().blocks.get({ id: "sentiment" })).status === "running",
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("tells the block's metadata and readiness", async () => {
    const { client } = grpcApi;
    expect(await call(client, "ModelMetadata", { name: "sentiment" })).toMatchObject({
      name: "sentiment",
      versions: ["1.0.0-stable"],
      platform: "aios-block",
      inputs: [{ name: "text", datatype: "BYTES", shape: ["1"] }],
      outputs: expect.arrayContaining([{ name: "label", datatype: "BYTES", shape: ["1"] }]),
    });
    await expect.poll(() => call(client, "ModelReady", { name: "sentiment" })).toEqual({ ready: true });
  });

  it("infers with raw_input_contents, answering raw_output_contents", async () => {
    const request: GrpcInferRequest = {
      model_name: "sentiment",
      id: "req-1",
      inputs: [textInput()],
      raw_input_contents: [encodeRawTensor("BYTES", [LOVE])],
    };
    const answer = await call<GrpcInferResponse>(grpcApi.client, "ModelInfer", request);
    expect(answer).toMatchObject({ model_name: "sentiment", model_version: "1.0.0-stable", id: "req-1" });
    expect(answer.raw_output_contents).toHaveLength(answer.outputs.length);
    expect(outputsOf(answer).label).toEqual(["positive"]);
  });

  it("infers with typed bytes_contents, the requested outputs only", async () => {
    const request: GrpcInferRequest = {
      model_name: "sentiment",
      model_version: "1.0.0-stable",
      inputs: [{ ...textInput(), contents: elementsToContents("BYTES", [LOVE]) }],
      outputs: [{ name: "label" }],
    };
    const answer = await call<GrpcInferResponse>(grpcApi.client, "ModelInfer", request);
    // Raw always: no typed contents (null as the client's loader gives an absent message).
    expect(answer.outputs).toEqual([
      { name: "label", datatype: "BYTES", shape: ["1"], parameters: {}, contents: null },
    ]);
    expect(outputsOf(answer)).toEqual({ label: ["positive"] });
  });

  it("refuses a wrong datatype or a short raw content as INVALID_ARGUMENT naming the input", async () => {
    const wrong = await failure(
      call(grpcApi.client, "ModelInfer", {
        model_name: "sentiment",
        inputs: [{ ...textInput("INT32"), contents: { int_contents: [1] } }],
      }),
    );
    expect(wrong.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(wrong.details).toBe('inputs[0].datatype: input "text" is BYTES, got INT32');
    const short = await failure(
      call(grpcApi.client, "ModelInfer", {
        model_name: "sentiment",
        inputs: [textInput()],
        raw_input_contents: [new Uint8Array([9, 0, 0, 0, 65])],
      }),
    );
    expect(short.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(short.details).toMatch(/^raw_input_contents\[0\]: element 0 says 9 bytes; only 1 remain/);
  });

  it("refuses a data key out of its scopes as PERMISSION_DENIED, naming the scope", async () => {
    const { token } = await api.services.tokens.issue({
      name: "grpc data",
      role: "data",
      scopes: ["block:other"],
    });
    const err = await failure(
      call(grpcApi.client, "ModelInfer", { model_name: "sentiment", inputs: [textInput()] }, token),
    );
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details).toMatch(/^grpc ModelInfer: this data key lacks the scope block:sentiment/);
  });
});
