import { ZInferRequest, ZInferResponse, ZVdagInferRequest } from "@aios/contracts";
import { ZRestInferRequest } from "@aios/inference-protocol";
import { z } from "zod";
import apiPackage from "../../package.json" with { type: "json" };
import type { DataPlaneRoute } from "./io";

type Schema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): Schema =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "openapi-3.0" }) as Schema;

const json = (schema: Schema) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const answer = (description: string, schema?: Schema) => ({
  description,
  ...(schema ? { content: json(schema) } : {}),
});

/** The errors every data-plane route may answer, in the `/v1` form or the Open Inference Protocol's. */
const errors = (form: "AiosError" | "OipError", statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), answer(ERROR_TEXT[status] ?? "error", ref(form))]),
  );

const ERROR_TEXT: Record<number, string> = {
  400: "a bad request: the message names the field",
  401: "no API token",
  403: "the token may not do this",
  404: "no such block, vDAG, task, blob or model",
  413: "the body is over AIOS_MAX_BODY_MB",
  429: "a rate limit or a vDAG's quota; Retry-After says when to try again",
  503: "nothing runs that could serve it yet",
};

const pathParam = (name: string, description: string, example: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", minLength: 1 },
  example,
});

const MODEL = pathParam("modelName", "a block's id, a vDAG's URI, or a vDAG's name", "sentiment");
const VERSION = pathParam(
  "modelVersion",
  "a block's component version or a vDAG's (1.0.0-stable)",
  "1.0.0-stable",
);

/** The Open Inference Protocol's model routes, with and without a version. */
function modelRoutes(suffix: string, operation: Schema): Record<string, Schema> {
  return {
    [`/v2/models/{modelName}${suffix}`]: { ...operation, parameters: [MODEL] },
    [`/v2/models/{modelName}/versions/{modelVersion}${suffix}`]: {
      ...operation,
      parameters: [MODEL, VERSION],
    },
  };
}

function buildDocument(): Schema {
  const tensor = {
    type: "object",
    required: ["name", "datatype", "shape"],
    properties: {
      name: { type: "string" },
      datatype: { type: "string" },
      shape: { type: "array", items: { type: "integer" } },
      data: { type: "array", items: {} },
      parameters: { type: "object" },
    },
  };
  return {
    openapi: "3.0.3",
    info: {
      title: "AIOS data plane",
      version: apiPackage.version,
      description:
        "Inference on blocks and vDAGs (AIOS's own /v1 and the Open Inference Protocol v2), vDAG tasks and the assets registry's blobs.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        AiosError: {
          type: "object",
          required: ["error"],
          properties: {
            error: { type: "object", properties: { message: { type: "string" }, stage: { type: "string" } } },
          },
        },
        OipError: { type: "object", required: ["error"], properties: { error: { type: "string" } } },
        InferRequest: jsonSchema(ZInferRequest),
        InferResponse: jsonSchema(ZInferResponse),
        VdagInferRequest: jsonSchema(ZVdagInferRequest),
        OipInferRequest: jsonSchema(ZRestInferRequest),
        OipInferResponse: {
          type: "object",
          required: ["model_name", "outputs"],
          properties: {
            model_name: { type: "string" },
            model_version: { type: "string" },
            id: { type: "string" },
            outputs: { type: "array", items: tensor },
          },
        },
        OipModelMetadata: {
          type: "object",
          required: ["name", "versions", "platform", "inputs", "outputs"],
          properties: {
            name: { type: "string" },
            versions: { type: "array", items: { type: "string" } },
            platform: { type: "string" },
            inputs: { type: "array", items: tensor },
            outputs: { type: "array", items: tensor },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      "/v1/blocks/{blockId}/infer": {
        post: {
          summary: "Send a task to a block",
          parameters: [pathParam("blockId", "the block's id", "sentiment")],
          requestBody: {
            required: true,
            content: json({
              oneOf: [
                ref("InferRequest"),
                {
                  type: "object",
                  required: ["data"],
                  properties: {
                    data: { type: "object" },
                    session_id: { type: "string" },
                    seq_no: { type: "integer", minimum: 0 },
                  },
                },
              ],
            }),
          },
          responses: {
            200: answer("the block's answer", ref("InferResponse")),
            ...errors("AiosError", [400, 401, 403, 404, 413, 429, 503]),
          },
        },
      },
      "/v1/vdags/{vdagURI}/infer": {
        post: {
          summary: "Send a request to a vDAG",
          parameters: [
            pathParam("vdagURI", "the vDAG's URI", "text-pipeline:1.0.0-stable"),
            {
              name: "async",
              in: "query",
              required: false,
              schema: { type: "string", enum: ["1", "true", "0"] },
            },
          ],
          requestBody: { required: true, content: json(ref("VdagInferRequest")) },
          responses: {
            200: answer("the vDAG's answer, with its task id and trace", { type: "object" }),
            202: answer("accepted as a task", {
              type: "object",
              properties: { taskId: { type: "string" }, status: { type: "string" } },
            }),
            ...errors("AiosError", [400, 401, 403, 404, 413, 429, 503]),
          },
        },
      },
      "/v1/tasks/{taskId}": {
        get: {
          summary: "A vDAG task: status, result or error, trace",
          parameters: [pathParam("taskId", "the task's id", "00000000-0000-4000-8000-000000000000")],
          responses: { 200: answer("the task", { type: "object" }), ...errors("AiosError", [401, 403, 404]) },
        },
      },
      "/v1/assets/blobs/{sha256}": blobRoutes(),
      "/v2/health/live": {
        get: {
          summary: "The server is live",
          security: [],
          responses: { 200: answer("live", { type: "object" }) },
        },
      },
      "/v2/health/ready": {
        get: {
          summary: "The server is ready (its database and queues answer)",
          security: [],
          responses: {
            200: answer("ready", { type: "object" }),
            503: answer("not ready", { type: "object" }),
          },
        },
      },
      "/v2": {
        get: {
          summary: "The server's metadata",
          security: [],
          responses: { 200: answer("name, version, extensions", { type: "object" }) },
        },
      },
      ...modelRoutes("", {
        get: {
          summary: "A model's metadata: its versions and tensors",
          responses: {
            200: answer("the model", ref("OipModelMetadata")),
            ...errors("OipError", [401, 403, 404]),
          },
        },
      }),
      ...modelRoutes("/ready", {
        get: {
          summary: "Whether a model can serve",
          responses: {
            200: answer("ready", { type: "object" }),
            503: answer("not ready", { type: "object" }),
            ...errors("OipError", [401, 403, 404]),
          },
        },
      }),
      ...modelRoutes("/infer", {
        post: {
          summary: "Inference (JSON; binary tensor data with Inference-Header-Content-Length)",
          requestBody: { required: true, content: json(ref("OipInferRequest")) },
          responses: {
            200: answer("the outputs", ref("OipInferResponse")),
            ...errors("OipError", [400, 401, 403, 404, 413, 429, 503]),
          },
        },
      }),
      "/openapi.json": {
        get: {
          summary: "This document",
          security: [],
          responses: { 200: answer("OpenAPI 3.0", { type: "object" }) },
        },
      },
    },
  };
}

function blobRoutes(): Schema {
  const parameters = [
    pathParam(
      "sha256",
      "the blob's SHA-256, 64 lowercase hex digits",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
  ];
  return {
    put: {
      summary: "Upload a blob by its digest",
      parameters,
      requestBody: {
        required: true,
        content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      },
      responses: {
        200: answer("there already", { type: "object" }),
        201: answer("stored", { type: "object" }),
        ...errors("AiosError", [400, 401, 403, 413]),
      },
    },
    get: {
      summary: "Download a blob",
      parameters,
      responses: {
        200: {
          description: "its bytes",
          content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
        },
        ...errors("AiosError", [400, 401, 403, 404]),
      },
    },
    head: {
      summary: "Whether a blob is there, and its size",
      parameters,
      responses: { 200: { description: "there" }, 404: { description: "not there" } },
    },
  };
}

let document: string | undefined;

/** `GET /openapi.json`: the data plane's OpenAPI 3.0 document, made once. Public, as the protocol's metadata is. */
export const handleOpenApi: DataPlaneRoute = async (_plane, _req, res) => {
  document ??= JSON.stringify(buildDocument());
  if (res.headersSent) return;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(document);
};
