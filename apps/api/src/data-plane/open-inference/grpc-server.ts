import {
  dataToOutputs,
  GRPC_LOADER_OPTIONS,
  GRPC_PREDICT_V2_PROTO,
  type GrpcInferRequest,
  type GrpcInferResponse,
  grpcInferAnswer,
  grpcParameters,
  grpcRequestedOutputs,
  inputsToData,
  readGrpcInputs,
  tensorMetadata,
} from "@aios/inference-protocol";
import { dataPlaneBodyLimit, type Logger } from "@aios/service-kit";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { callerKeyOf, type Principal } from "../../auth/principal";
import { resolvePrincipal } from "../../auth/resolve-principal";
import { outcomeOfStatus } from "../../domains/audit/audit-outcome";
import { assertWithinRate } from "../../rate-limits";
import type { Services } from "../../services";
import { assertDataAccess } from "../authorize";
import { grpcStatusOf } from "./grpc-status";
import { inferModel, sessionOf } from "./infer";
import type { InferenceModel } from "./models";
import { protocolErrorOf } from "./protocol-error";
import { SERVER_METADATA } from "./server-metadata";

/**
 * The Open Inference Protocol v2 over gRPC: KServe's `inference.GRPCInferenceService`
 * (`@aios/inference-protocol`'s proto, which Triton's `tritonclient.grpc` speaks), the same models,
 * checks and answers as the REST frontend (`rest.ts`). ServerLive, ServerReady and ServerMetadata
 * take any caller; ModelReady, ModelMetadata and ModelInfer take the `authorization` metadata
 * ("Bearer <token>") as REST takes its header. Errors are the REST ones' messages with the gRPC code
 * of their HTTP status (`grpc-status.ts`); an answer's outputs are always raw
 * (`raw_output_contents`), as Triton answers.
 */

export interface GrpcInferenceServerOptions {
  services: Services;
  log: Logger;
  /** Messages larger than this many MiB are refused RESOURCE_EXHAUSTED (`AIOS_MAX_BODY_MB`). */
  maxBodyMb: number;
  /** 0: any free port (the one bound is `port` of the answer). */
  port: number;
  host: string;
}

export interface GrpcInferenceServer {
  port: number;
  /** Stops taking calls, lets calls under way finish for a while, then cancels them. */
  close(): Promise<void>;
}

/** The largest message gRPC takes or sends (its lengths are 32-bit): answers may be this large. */
const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/** How long `close` lets calls under way finish before it cancels them. */
const CLOSE_GRACE_MS = 2_000;

/** The service's client and definition, loaded from KServe's proto (a client is what tests call with). */
export function loadInferenceService(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(GRPC_PREDICT_V2_PROTO, GRPC_LOADER_OPTIONS);
  const inference = grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject;
  return inference.GRPCInferenceService as grpc.ServiceClientConstructor;
}

export async function startGrpcInferenceServer(
  opts: GrpcInferenceServerOptions,
): Promise<GrpcInferenceServer> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": Math.min(dataPlaneBodyLimit(opts.maxBodyMb).limit, MAX_MESSAGE_BYTES),
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  server.addService(loadInferenceService().service, handlersOf(opts));
  const address = opts.host.includes(":") ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), CLOSE_GRACE_MS);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;
interface ModelRequest {
  name?: string;
  version?: string;
}

function handlersOf({ services, log }: GrpcInferenceServerOptions): grpc.UntypedServiceImplementation {
  /** Answers `run`'s value, or its error as the protocol tells it (the HTTP status for the audit). */
  const answer = async <Res>(
    callback: grpc.sendUnaryData<Res>,
    run: () => Promise<Res>,
    done?: (httpStatus: number, message: string | null) => void,
  ) => {
    let value: Res;
    try {
      value = await run();
    } catch (err) {
      const { status, message, retryAfterSeconds } =
        err instanceof Unauthenticated ? { status: 401, message: err.message } : protocolErrorOf(log, err);
      const metadata = new grpc.Metadata();
      if (retryAfterSeconds !== undefined) metadata.set("retry-after", String(retryAfterSeconds));
      callback({ code: grpcStatusOf(status), details: message, metadata });
      return done?.(status, message);
    }
    callback(null, value);
    done?.(200, null);
  };

  /**
   * The caller (UNAUTHENTICATED without a token; PERMISSION_DENIED below the data plane's roles),
   * then the model (NOT_FOUND), then the caller's right to it (a data key's scopes), as REST's
   * `withModel`. `who` keeps the caller once known (for the audit).
   */
  const withModel = async (
    metadata: grpc.Metadata,
    route: string,
    name: string | undefined,
    version: string | undefined,
    who: { principal: Principal | null } = { principal: null },
    /** An inference's caller address: its rate limit is taken before any lookup. */
    rateLimitedPeer?: string,
  ) => {
    const authorization = metadata.get("authorization")[0];
    const principal = await resolvePrincipal(
      services,
      typeof authorization === "string" ? authorization : undefined,
    );
    if (!principal) throw new Unauthenticated("an API token is required");
    who.principal = principal;
    assertDataAccess(principal, route);
    if (rateLimitedPeer !== undefined)
      assertWithinRate(services.rateLimits.infer, callerKeyOf(principal, peerAddressOf(rateLimitedPeer)));
    // proto3 strings are "" when not given: no version then (the server picks, as REST without one).
    const model = await services.inferenceModels.resolve(name ?? "", version || undefined);
    assertDataAccess(principal, route, { kind: model.kind, id: model.target });
    return { principal, model };
  };

  const ServerLive: Unary<unknown, { live: boolean }> = (_call, callback) =>
    void answer(callback, async () => ({ live: true }));

  const ServerReady: Unary<unknown, { ready: boolean }> = (_call, callback) =>
    void answer(callback, async () => ({
      ready: (await services.health.report().catch(() => null))?.status === "ok",
    }));

  const ServerMetadata: Unary<unknown, typeof SERVER_METADATA> = (_call, callback) =>
    void answer(callback, async () => SERVER_METADATA);

  const ModelReady: Unary<ModelRequest, { ready: boolean }> = (call, callback) =>
    void answer(callback, async () => {
      const { name, version } = call.request;
      const { model } = await withModel(call.metadata, "grpc ModelReady", name, version);
      return { ready: await services.inferenceModels.ready(model) };
    });

  const ModelMetadata: Unary<ModelRequest, unknown> = (call, callback) =>
    void answer(callback, async () => {
      const { name, version } = call.request;
      const { model } = await withModel(call.metadata, "grpc ModelMetadata", name, version);
      return {
        name: model.name,
        versions: [model.version],
        platform: model.platform,
        inputs: tensorMetadata(model.tensors.inputs),
        outputs: tensorMetadata(model.tensors.outputs),
      };
    });

  const ModelInfer: Unary<GrpcInferRequest, GrpcInferResponse> = (call, callback) => {
    const who = { principal: null as Principal | null };
    void answer(
      callback,
      async () => {
        const { model_name: name, model_version: version } = call.request;
        const { principal, model } = await withModel(
          call.metadata,
          "grpc ModelInfer",
          name,
          version,
          who,
          call.getPeer(),
        );
        return infer(services, call, model, principal);
      },
      (httpStatus, message) => auditInfer(services, log, who.principal, call, httpStatus, message),
    );
  };

  return { ServerLive, ServerReady, ServerMetadata, ModelReady, ModelMetadata, ModelInfer };
}

/** Runs one ModelInfer call on its model: the same steps as REST's `handleModelInfer`. */
async function infer(
  services: Services,
  call: grpc.ServerUnaryCall<GrpcInferRequest, unknown>,
  model: InferenceModel,
  principal: Principal,
): Promise<GrpcInferResponse> {
  const caller = callerKeyOf(principal, peerAddressOf(call.getPeer()));
  const request = call.request;
  const data = inputsToData(readGrpcInputs(request), model.tensors.inputs);
  const traceparent = call.metadata.get("traceparent")[0];
  const output = await inferModel(services, model, data, {
    caller,
    ...sessionOf(grpcParameters(request.parameters)),
    traceparent: typeof traceparent === "string" ? traceparent : undefined,
  });
  return grpcInferAnswer(
    model,
    request,
    dataToOutputs(output, model.tensors.outputs, grpcRequestedOutputs(request)),
  );
}

/**
 * Audits a ModelInfer call when it is answered, as REST's `dataPlane.modelInfer`: the caller, the
 * model named, the outcome of the answer's HTTP status and, for a refusal or failure, its message.
 */
function auditInfer(
  services: Services,
  log: Logger,
  principal: Principal | null,
  call: grpc.ServerUnaryCall<GrpcInferRequest, unknown>,
  httpStatus: number,
  message: string | null,
): void {
  const closedEarly = call.cancelled;
  const outcome = closedEarly ? "failed" : outcomeOfStatus(httpStatus);
  const reason = closedEarly
    ? "the caller closed the connection before the answer"
    : outcome === "ok"
      ? null
      : message;
  const action = "dataPlane.modelInfer";
  services.audit
    .record(principal, { action, target: `model:${call.request.model_name ?? ""}`, outcome, reason })
    .catch((err) => log.error("audit event not written", { action, err }));
}

/** No principal: told UNAUTHENTICATED (REST's 401), as REST tells it. */
class Unauthenticated extends Error {}

/** The address of `getPeer()`'s `<address>:<port>` (what `callerKeyOf` counts an anonymous caller by). */
export function peerAddressOf(peer: string): string | undefined {
  const address = peer.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
  return address === "" || address === "unknown" ? undefined : address;
}
