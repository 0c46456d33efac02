import type { IncomingMessage, ServerResponse } from "node:http";
import { ZVdagInferRequest } from "@aios/spec";
import { type Principal, resolvePrincipal } from "../context";
import { AppError, NotFoundError } from "../errors";
import type { Services } from "../services";
import { RequestError, readBody, send } from "./io";

const INFER = /^\/v1\/vdags\/([^/?]+)\/infer(?:\?(.*))?$/;
const TASK = /^\/v1\/tasks\/([0-9a-f-]{36})$/;

export const isVdagRoute = (req: IncomingMessage) =>
  (req.method === "POST" && INFER.test(req.url ?? "")) || (req.method === "GET" && TASK.test(req.url ?? ""));

const failure = (message: string, stage: string) => ({ error: { message, stage } });

/**
 * Who sent the request, for the controller's quota of requests without a session_id: the API
 * token's id when one was given, else the client's address (proxies' forwarded headers are not
 * trusted: a client could name anyone).
 */
const callerOf = (principal: Principal, req: IncomingMessage) =>
  principal.tokenId ? `token:${principal.tokenId}` : `address:${req.socket.remoteAddress ?? "unknown"}`;

/**
 * The data plane for vDAGs:
 *   POST /v1/vdags/<vdagURI>/infer           {data, session_id?, seq_no?, files?} -> the controller's answer
 *   POST /v1/vdags/<vdagURI>/infer?async=1   -> 202 {taskId, status: "running"}
 *   GET  /v1/tasks/<taskId>                  -> the task: status, result or error, and its trace
 * The URI may be percent-encoded (`name%3A1.0.0-stable`).
 */
export async function handleVdagRoute(services: Services, req: IncomingMessage, res: ServerResponse) {
  try {
    const principal = await resolvePrincipal(services, req.headers.authorization);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    const task = TASK.exec(req.url ?? "");
    if (task) return send(res, 200, await services.vdagTasks.get(task[1] ?? ""));

    const match = INFER.exec(req.url ?? "");
    const vdagURI = decodeURIComponent(match?.[1] ?? "");
    const query = new URLSearchParams(match?.[2] ?? "");
    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch (err) {
      if (err instanceof RequestError) throw err;
      throw new RequestError("(body): is not valid JSON");
    }
    const parsed = ZVdagInferRequest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RequestError(`${issue?.path.join(".") || "(body)"}: ${issue?.message}`);
    }
    const caller = callerOf(principal, req);
    const async = ["1", "true"].includes(query.get("async") ?? "");
    if (async) return send(res, 202, await services.vdagTasks.submit(vdagURI, parsed.data, caller));
    const answer = await services.vdagTasks.infer(vdagURI, parsed.data, caller);
    return send(res, answer.status, answer.body);
  } catch (err) {
    if (err instanceof RequestError) return send(res, 400, failure(err.message, "request"));
    if (err instanceof NotFoundError) return send(res, 404, failure(err.message, "request"));
    if (err instanceof AppError) return send(res, 503, failure(err.message, "controller"));
    const message = err instanceof Error ? err.message : String(err);
    return send(res, 502, failure(message, "controller"));
  }
}
