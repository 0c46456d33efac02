import type { IncomingMessage } from "node:http";
import { fieldIssues, issuesLine, ZVdagInferRequest } from "@aios/contracts";
import type { Principal } from "../auth/principal";
import { resolvePrincipal } from "../auth/resolve-principal";
import { UserError } from "../errors";
import { assertDataAccess } from "./authorize";
import { type DataPlaneRoute, failure, readJsonBody, send, sendError } from "./io";

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
 * The URI may be percent-encoded (`name%3A1.0.0-stable`). Errors are `{error: {message, stage}}`
 * with the taxonomy's statuses (`httpStatusOf`): 401 without a token, 403 for a caller not allowed
 * (operators, admins and data keys scoped to the vDAG are: `authorize.ts`), 400 for a malformed or NUL escape in the URI (the
 * route table's), a body too deep or with a NUL in a string, 404 for an unknown vDAG, 413 for a
 * body over the limit, 503 while the controller cannot serve.
 */
export const handleVdagInfer: DataPlaneRoute = async (plane, req, res, { vdagURI = "" }) => {
  const { services } = plane;
  try {
    const principal = await resolvePrincipal(services, req.headers.authorization);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    assertDataAccess(principal, "POST /v1/vdags/:vdagURI/infer", { kind: "vdag", id: vdagURI });
    const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
    const parsed = ZVdagInferRequest.safeParse(await readJsonBody(plane, req));
    if (!parsed.success) {
      // The data plane answers with the message alone, so it names every issue.
      const issues = fieldIssues(parsed.error, "(body)");
      throw new UserError(issuesLine(issues), issues);
    }
    const caller = callerOf(principal, req);
    const async = ["1", "true"].includes(query.get("async") ?? "");
    if (async) return send(res, 202, await services.vdagInference.submit(vdagURI, parsed.data, caller));
    const answer = await services.vdagInference.infer(vdagURI, parsed.data, caller);
    return send(res, answer.status, answer.body);
  } catch (err) {
    sendError(plane, res, err, "controller");
  }
};

/**
 * `GET /v1/tasks/<taskId>`: the task: status, result or error, and its trace (404 for an unknown
 * one); a data key reads only the tasks of vDAGs in its scopes.
 */
export const handleTask: DataPlaneRoute = async (plane, req, res, { taskId = "" }) => {
  try {
    const principal = await resolvePrincipal(plane.services, req.headers.authorization);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    const route = "GET /v1/tasks/:taskId";
    assertDataAccess(principal, route);
    const task = await plane.services.vdagInference.get(taskId);
    // A data key reads the tasks of the vDAGs it may invoke.
    assertDataAccess(principal, route, { kind: "vdag", id: task.vdagURI ?? "" });
    send(res, 200, task);
  } catch (err) {
    sendError(plane, res, err, "controller");
  }
};
