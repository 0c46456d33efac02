import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_INPUT_DEPTH } from "@aios/contracts";
import {
  BodyTooLarge,
  dataPlaneBodyLimit,
  type Logger,
  RequestError,
  type RouteParams,
  readJson,
} from "@aios/service-kit";
import { databaseUnreachable } from "../db-unreachable";
import { httpStatusOf, newErrorRef, PayloadTooLargeError, QuotaExceededError, UserError } from "../errors";
import { assertStorableInput } from "../input-guard";
import type { Services } from "../services";

/** What the data plane's routes work with. */
export interface DataPlane {
  services: Services;
  log: Logger;
  /** Request bodies larger than this many MiB are answered 413 (`AIOS_MAX_BODY_MB`). */
  maxBodyMb: number;
}

/** One route of the data plane (`routes.ts`): its parameters are decoded already. */
export type DataPlaneRoute = (
  plane: DataPlane,
  req: IncomingMessage,
  res: ServerResponse,
  params: RouteParams,
) => Promise<void>;

/** Which process an error belongs to, as the executor and the controller say it in their own errors. */
export type Stage = "request" | "executor" | "controller";

/**
 * The body as JSON, refused past `AIOS_MAX_BODY_MB` (413, answered before the connection closes),
 * when it is not JSON or nests deeper than 256 levels (400): the shared reader of `@aios/service-kit`;
 * then refused when a string or key holds a NUL or lone surrogate, or it nests past MAX_INPUT_DEPTH
 * (64) (400 naming the field: `input-guard.ts`).
 */
export async function readJsonBody(plane: DataPlane, req: IncomingMessage): Promise<unknown> {
  const body = await readJson(req, dataPlaneBodyLimit(plane.maxBodyMb));
  // What the API reads it may store (a vDAG task keeps its request): the management plane's depth.
  assertStorableInput(body, { root: "(body)", maxDepth: MAX_INPUT_DEPTH });
  return body;
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** A request's own mistake found by the shared HTTP plumbing, in the API's taxonomy. */
export function inTaxonomy(err: unknown): unknown {
  if (err instanceof BodyTooLarge) return new PayloadTooLargeError(err.message);
  if (err instanceof RequestError) return new UserError(err.message);
  return databaseUnreachable(err) ?? err;
}

/**
 * Answers an error with the taxonomy's status (`httpStatusOf`) as `{error: {message, stage}}`. A
 * client's mistake is the request's stage; a 5xx is the stage of the process behind (`upstream`).
 * Anything outside the taxonomy is logged and answered 500 with a reference, never its own text
 * (a database error says more than a caller should read).
 */
export function sendError(plane: DataPlane, res: ServerResponse, thrown: unknown, upstream: Stage) {
  const err = inTaxonomy(thrown);
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
  const retryAfter = err instanceof QuotaExceededError ? err.retryAfterSeconds : undefined;
  return send(
    res,
    status,
    failure((err as Error).message, stage),
    retryAfter !== undefined ? { "retry-after": String(retryAfter) } : {},
  );
}

export const failure = (message: string, stage: Stage) => ({ error: { message, stage } });
