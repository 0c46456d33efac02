import { TensorError } from "@aios/inference-protocol";
import type { Logger } from "@aios/service-kit";
import { httpStatusOf, newErrorRef, QuotaExceededError } from "../../errors";
import { inTaxonomy } from "../io";
import { ModelAnswerError } from "./infer";

/** An error as both frontends tell it: an HTTP status (gRPC maps it to a code) and its message. */
export interface ProtocolError {
  status: number;
  message: string;
  retryAfterSeconds?: number | undefined;
}

/**
 * The status and message of anything a request threw: a tensor that does not fit (400 the caller's,
 * 500 the model's), a model's own error answer (its status), the API's taxonomy (`httpStatusOf`).
 * Anything else is logged and told as an internal error with a reference, never its own text.
 */
export function protocolErrorOf(log: Logger, thrown: unknown): ProtocolError {
  if (thrown instanceof TensorError)
    return { status: thrown.side === "input" ? 400 : 500, message: thrown.message };
  if (thrown instanceof ModelAnswerError) return { status: thrown.status, message: thrown.message };
  const err = inTaxonomy(thrown);
  const status = httpStatusOf(err);
  if (status === 500) {
    const ref = newErrorRef();
    log.error("unexpected Open Inference Protocol error", { ref, err });
    return { status, message: `internal error (ref ${ref})` };
  }
  const retryAfterSeconds = err instanceof QuotaExceededError ? err.retryAfterSeconds : undefined;
  return { status, message: (err as Error).message, retryAfterSeconds };
}
