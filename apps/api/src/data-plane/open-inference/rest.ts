import type { IncomingMessage, ServerResponse } from "node:http";
import {
  dataToOutputs,
  INFERENCE_HEADER_LENGTH,
  inputsToData,
  readRestInfer,
  requestedOutputs,
  restInferAnswer,
  tensorMetadata,
} from "@aios/inference-protocol";
import { dataPlaneBodyLimit, readBody } from "@aios/service-kit";
import { callerKeyOf } from "../../auth/principal";
import { assertWithinRate } from "../../rate-limits";
import { assertDataAccess } from "../authorize";
import { type DataPlane, type DataPlaneRoute, send } from "../io";
import { principalOfRequest } from "../principal";
import { inferModel, sessionOf } from "./infer";
import type { InferenceModel } from "./models";
import { protocolErrorOf } from "./protocol-error";
import { SERVER_METADATA } from "./server-metadata";

/**
 * The Open Inference Protocol v2 over REST (KServe "predict v2", Triton's HTTP API): blocks and
 * vDAGs as models (`models.ts`). Errors are `{"error": "<message>"}`: 400 a bad request, 401/403
 * the caller, 404 an unknown model, 429 a quota or rate limit, 503 not ready; a model's own error
 * answer keeps its status.
 */

export const handleServerLive: DataPlaneRoute = async (_plane, _req, res) => send(res, 200, { live: true });

export const handleServerReady: DataPlaneRoute = async (plane, _req, res) => {
  const ready = (await plane.services.health.report().catch(() => null))?.status === "ok";
  send(res, ready ? 200 : 503, { ready });
};

export const handleServerMetadata: DataPlaneRoute = async (_plane, _req, res) =>
  send(res, 200, SERVER_METADATA);

export const handleModelMetadata: DataPlaneRoute = (plane, req, res, params) =>
  withModel(plane, req, res, params, async (model) =>
    send(res, 200, {
      name: model.name,
      versions: [model.version],
      platform: model.platform,
      inputs: tensorMetadata(model.tensors.inputs),
      outputs: tensorMetadata(model.tensors.outputs),
    }),
  );

export const handleModelReady: DataPlaneRoute = (plane, req, res, params) =>
  withModel(plane, req, res, params, async (model) => {
    const ready = await plane.services.inferenceModels.ready(model);
    send(res, ready ? 200 : 503, { name: model.name, ready });
  });

export const handleModelInfer: DataPlaneRoute = (plane, req, res, params) =>
  withModel(plane, req, res, params, async (model, caller) => {
    const body = await readBody(req, dataPlaneBodyLimit(plane.maxBodyMb));
    const headerLength = req.headers[INFERENCE_HEADER_LENGTH];
    const { request, inputs } = readRestInfer(
      body,
      Array.isArray(headerLength) ? headerLength[0] : headerLength,
    );
    const data = inputsToData(inputs, model.tensors.inputs);
    const output = await inferModel(plane.services, model, data, {
      caller,
      ...sessionOf(request.parameters),
      traceparent: req.headers.traceparent,
    });
    const answer = restInferAnswer(
      model,
      request,
      dataToOutputs(output, model.tensors.outputs, requestedOutputs(request)),
    );
    res.writeHead(200, answer.headers);
    res.end(answer.body);
  });

/**
 * The caller (401 without a token; 403 below the data plane's roles), an inference's rate limit
 * (429, before any lookup), then the model (404), then the caller's right to it (a data key's
 * scopes), then `run` with the caller's key; any error answered in the protocol's form.
 */
async function withModel(
  plane: DataPlane,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  run: (model: InferenceModel, caller: string) => Promise<void>,
): Promise<void> {
  const route = `${req.method} /v2/models/:modelName${params.modelVersion !== undefined ? "/versions/:modelVersion" : ""}`;
  try {
    const principal = await principalOfRequest(plane.services, req);
    if (!principal) return send(res, 401, { error: "an API token is required" });
    assertDataAccess(principal, route);
    const caller = callerKeyOf(principal, req.socket.remoteAddress);
    if (req.method === "POST") assertWithinRate(plane.services.rateLimits.infer, caller);
    const model = await plane.services.inferenceModels.resolve(params.modelName ?? "", params.modelVersion);
    assertDataAccess(principal, route, { kind: model.kind, id: model.target });
    await run(model, caller);
  } catch (err) {
    sendOipError(plane, res, err);
  }
}

/** An error in the protocol's form, `{"error": "..."}`, with the status its kind has. */
function sendOipError(plane: DataPlane, res: ServerResponse, thrown: unknown): void {
  const { status, message, retryAfterSeconds } = protocolErrorOf(plane.log, thrown);
  const headers: Record<string, string> =
    retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {};
  send(res, status, { error: message }, headers);
}
