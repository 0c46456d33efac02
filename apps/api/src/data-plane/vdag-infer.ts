import { fieldIssues, issuesLine, ZVdagInferRequest } from "@aios/contracts";
import { tracing } from "@aios/service-kit";
import { callerKeyOf } from "../auth/principal";
import { UserError } from "../errors";
import { assertWithinRate } from "../rate-limits";
import { assertDataAccess } from "./authorize";
import { type DataPlaneRoute, failure, readJsonBody, send, sendError } from "./io";
import { principalOfRequest } from "./principal";

/**
 * The data plane for vDAGs:
 *   POST /v1/vdags/<vdagURI>/infer           {data, session_id?, seq_no?, files?} -> the controller's answer
 *   POST /v1/vdags/<vdagURI>/infer?async=1   -> 202 {taskId, status: "queued"} (a durable task: README)
 * The URI may be percent-encoded (`name%3A1.0.0-stable`). Errors are `{error: {message, stage}}`
 * with the taxonomy's statuses (`httpStatusOf`): 401 without a token, 403 for a caller not allowed
 * (operators, admins and data keys scoped to the vDAG are: `authorize.ts`), 400 for a malformed or NUL escape in the URI (the
 * route table's), a body too deep or with a NUL in a string, 404 for an unknown vDAG, 413 for a
 * body over the limit, 503 while the controller cannot serve.
 */
export const handleVdagInfer: DataPlaneRoute = async (plane, req, res, { vdagURI = "" }) => {
  const { services } = plane;
  try {
    const principal = await principalOfRequest(services, req);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    assertDataAccess(principal, "POST /v1/vdags/:vdagURI/infer", { kind: "vdag", id: vdagURI });
    const caller = callerKeyOf(principal, req.socket.remoteAddress);
    assertWithinRate(services.rateLimits.infer, caller);
    const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
    const parsed = ZVdagInferRequest.safeParse(await readJsonBody(plane, req));
    if (!parsed.success) {
      // The data plane answers with the message alone, so it names every issue.
      const issues = fieldIssues(parsed.error, "(body)");
      throw new UserError(issuesLine(issues), issues);
    }
    const async = ["1", "true"].includes(query.get("async") ?? "");
    const span = tracing().startSpan("vdag.infer", {
      parent: req.headers.traceparent,
      kind: "server",
      attributes: { "aios.vdag.uri": vdagURI, "aios.async": async },
    });
    try {
      if (async)
        return send(
          res,
          202,
          await services.vdagInference.submit(vdagURI, parsed.data, caller, span.traceparent),
        );
      const answer = await services.vdagInference.infer(vdagURI, parsed.data, caller, span.traceparent);
      span.setAttributes({ "http.response.status_code": answer.status });
      return send(res, answer.status, answer.body);
    } finally {
      span.end();
    }
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
    const principal = await principalOfRequest(plane.services, req);
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
