import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@aios/service-kit";
import { httpStatusOf, newErrorRef, PayloadTooLargeError, UserError } from "../errors";
import type { Services } from "../services";
import { assertJsonDepth } from "./json-guards";

/** The largest request body the data plane reads unless `AIOS_API_MAX_BODY_MB` says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 2 ** 20;

/** What the data plane's routes work with. */
export interface DataPlane {
  services: Services;
  log: Logger;
  /** Request bodies larger than this are answered 413 (`AIOS_API_MAX_BODY_MB`). */
  maxBodyBytes: number;
}

/** Which process an error belongs to, as the executor and the controller say it in their own errors. */
export type Stage = "request" | "executor" | "controller";

const tooLarge = (maxBytes: number) =>
  new PayloadTooLargeError(
    `(body): is larger than ${maxBytes / 2 ** 20} MiB, the most the data plane reads (AIOS_API_MAX_BODY_MB)`,
  );

/**
 * The request's body as text, refused past `maxBytes`: at once when Content-Length says so, else as
 * soon as the bytes read pass it. The rest is left unread (and discarded): the 413 is answered
 * first and the connection closed after it (`sendError`), so the client reads the answer instead
 * of a reset.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  if (Number(req.headers["content-length"]) > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off("data", onData).off("end", onEnd);
      chunks.length = 0;
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString("utf8"));
    // A client that goes away mid-body made the mistake, not the API (and no one reads the answer).
    const onError = () =>
      reject(new UserError("(body): the connection closed before the whole body arrived"));
    req.on("data", onData).on("end", onEnd).once("error", onError);
  });
}

/** The body as JSON, after its size and depth are checked; each refusal names what was wrong. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = await readBody(req, maxBytes);
  assertJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError("(body): is not valid JSON");
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return res.end();
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Answers an error with the taxonomy's status (`httpStatusOf`) as `{error: {message, stage}}`. A
 * client's mistake is the request's stage; a 5xx is the stage of the process behind (`upstream`).
 * Anything outside the taxonomy is logged and answered 500 with a reference, never its own text
 * (a database error says more than a caller should read).
 */
export function sendError(plane: DataPlane, res: ServerResponse, err: unknown, upstream: Stage) {
  const status = httpStatusOf(err);
  const stage = status < 500 ? "request" : upstream;
  if (err instanceof PayloadTooLargeError) {
    // The unread rest of the body is not worth reading: Node closes the connection after the answer.
    return send(res, status, failure(err.message, stage), { connection: "close" });
  }
  if (status === 500) {
    const ref = newErrorRef();
    plane.log.error("unexpected data plane error", { ref, err });
    return send(res, status, failure(`internal error (ref ${ref})`, stage));
  }
  return send(res, status, failure((err as Error).message, stage));
}

export const failure = (message: string, stage: Stage) => ({ error: { message, stage } });
