/**
 * A tensor that does not fit: `side` says whose mistake it is. An `input` error is the caller's
 * (HTTP 400, gRPC INVALID_ARGUMENT); an `output` error is the model's: its answer cannot be told as
 * the tensors it declared (HTTP 500, gRPC INTERNAL). The message names the field first, as in
 * `inputs[0].shape: ...`.
 */
export class TensorError extends Error {
  constructor(
    readonly side: "input" | "output",
    message: string,
  ) {
    super(message);
    this.name = "TensorError";
  }
}

export const inputError = (path: string, reason: string) => new TensorError("input", `${path}: ${reason}`);
export const outputError = (path: string, reason: string) => new TensorError("output", `${path}: ${reason}`);
