import { MAX_INPUT_DEPTH, ZInferResponse } from "@aios/contracts";
import { tracing } from "@aios/service-kit";
import { assertStorableInput } from "../../input-guard";
import type { Services } from "../../services";
import { forwardToExecutor, packetOf } from "../block-infer";
import type { InferenceModel } from "./models";

/**
 * A model's own refusal or failure, as its executor or controller answered it (`status` and its
 * message): the frontends tell it as the protocol's error (`{"error"}` with the status, or the gRPC
 * code of that status).
 */
export class ModelAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ModelAnswerError";
  }
}

/** What an Open Inference Protocol request may say of its session (`parameters`). */
export interface InferMeta {
  /** `callerKeyOf`: what a vDAG's quota counts a request without a session against. */
  caller: string;
  sessionId?: string | undefined;
  seqNo?: number | undefined;
  /** The request's `traceparent` (a header, gRPC metadata), when it came with one. */
  traceparent?: string | string[] | undefined;
}

/** Reads `session_id` and `seq_no` from a request's `parameters` (AIOS's extension of the protocol). */
export function sessionOf(parameters: Record<string, unknown> | undefined) {
  const sessionId = parameters?.session_id;
  const seqNo = parameters?.seq_no;
  return {
    sessionId: typeof sessionId === "string" && sessionId !== "" ? sessionId.slice(0, 200) : undefined,
    seqNo: typeof seqNo === "number" && Number.isInteger(seqNo) && seqNo >= 0 ? seqNo : undefined,
  };
}

/**
 * Runs a model on the component input `data` (made of the request's tensors) through the same paths
 * as `/v1`: a block's executor, a vDAG's controller (a task, with its trace). Resolves to the
 * output (the answer packet's `data`); a model's error answer is a ModelAnswerError.
 */
export async function inferModel(
  services: Services,
  model: InferenceModel,
  data: Record<string, unknown>,
  meta: InferMeta,
): Promise<Record<string, unknown>> {
  // What the API reads it may store (a vDAG task keeps its request): the management plane's depth.
  assertStorableInput(data, { root: "(inputs)", maxDepth: MAX_INPUT_DEPTH });
  const span = tracing().startSpan("model.infer", {
    parent: meta.traceparent,
    kind: "server",
    attributes: {
      "aios.model.name": model.name,
      [`aios.${model.kind}.${model.kind === "block" ? "id" : "uri"}`]: model.target,
    },
  });
  let status: number;
  let body: unknown;
  try {
    if (model.kind === "block") {
      const packet = packetOf(data, meta.sessionId, meta.seqNo);
      const answer = await forwardToExecutor(services, model.target, { packet }, span.header);
      status = answer.status;
      body = parseBody(answer.body);
    } else {
      const request = {
        data,
        ...(meta.sessionId ? { session_id: meta.sessionId } : {}),
        ...(meta.seqNo !== undefined ? { seq_no: meta.seqNo } : {}),
      };
      ({ status, body } = await services.vdagInference.infer(
        model.target,
        request,
        meta.caller,
        span.traceparent,
      ));
    }
    span.setAttributes({ "http.response.status_code": status });
  } finally {
    span.end();
  }
  if (status !== 200) throw new ModelAnswerError(status, messageOf(body) ?? `the model answered ${status}`);
  const parsed = ZInferResponse.safeParse(body);
  if (!parsed.success) throw new ModelAnswerError(502, `${model.name} answered without an output packet`);
  return parsed.data.packet.data;
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
}

function messageOf(body: unknown): string | null {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : null;
}
