import { fieldIssues, issuesLine, type TInferRequest, ZInferRequest } from "@aios/contracts";
import { connectionFailure, neverConnected, tracing } from "@aios/service-kit";
import type { Dispatcher } from "undici";
import { callerKeyOf } from "../auth/principal";
import type { ExecutorTarget } from "../domains/blocks/block-executor";
import { AppError, OperationalError, UserError } from "../errors";
import { assertWithinRate } from "../rate-limits";
import type { Services } from "../services";
import { assertDataAccess } from "./authorize";
import { type DataPlaneRoute, failure, readJsonBody, send, sendError } from "./io";
import { principalOfRequest } from "./principal";

/**
 * `POST /v1/blocks/<blockId>/infer`: the data plane for one block. Takes `{packet}` or the short
 * form `{data, session_id?, seq_no?}`, forwards it to the block's executor and returns its answer
 * (status and body) as is. Callers: operators, admins and data keys scoped to the block
 * (`authorize.ts`). Errors are `{error: {message, stage}}` like the executor's own, with the
 * taxonomy's statuses (`httpStatusOf`): 401 without a token, 403 for a caller not allowed, 400 for a bad body, 404 for an unknown block, 413 for a body
 * over the limit, 503 when the executor cannot be reached.
 */
export const handleBlockInfer: DataPlaneRoute = async (plane, req, res, { blockId = "" }) => {
  try {
    const principal = await principalOfRequest(plane.services, req);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    assertDataAccess(principal, "POST /v1/blocks/:blockId/infer", { kind: "block", id: blockId });
    assertWithinRate(plane.services.rateLimits.infer, callerKeyOf(principal, req.socket.remoteAddress));
    const parsed = ZInferRequest.safeParse(shortForm(await readJsonBody(plane, req)));
    if (!parsed.success) {
      // The data plane answers with the message alone, so it names every issue.
      const issues = fieldIssues(parsed.error, "(body)");
      throw new UserError(issuesLine(issues), issues);
    }
    const upstream = await forwardToExecutor(plane.services, blockId, parsed.data, req.headers.traceparent);
    res.writeHead(upstream.status, { "content-type": upstream.contentType });
    res.end(upstream.body);
  } catch (err) {
    sendError(plane, res, err, "executor");
  }
};

/**
 * An executor's answer is waited for 120 s (undici's timers: no timer and abort signal made per
 * call). The connections are the API's connections to workloads (`services.workloadTargets`): kept
 * alive and reused between calls, as many at once as calls in flight (a pool per executor), each
 * new one checked (`workload-targets.ts`). Global `fetch` went through WHATWG streams and wrote a
 * request's head and body in separate writes; a call to an executor costs less this way.
 */
const EXECUTOR_TIMEOUT_MS = 120_000;

/**
 * Sends a task to a block's executor and returns its answer as it came: status, content type and
 * body (`{packet}` or `{error: {message, stage}}`). OperationalError (503) when no executor runs or
 * it cannot be reached. The executor's address is remembered for a moment (`block-executor.ts`):
 * when it turns out gone (nothing listens there) or refuses its token (401), the task was not run
 * and goes once more to the executor read afresh, when that is another one.
 */
export async function forwardToExecutor(
  services: Services,
  blockId: string,
  request: TInferRequest,
  /** The caller's `traceparent`, when it sent one: the API's span is its child. */
  parent?: string | string[],
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const known = await services.blockLifecycle.executor(blockId);
  const span = tracing().startSpan("block.infer", {
    parent,
    kind: "client",
    attributes: { "aios.block.id": blockId },
  });
  const body = JSON.stringify(request);
  try {
    const call = (target: ExecutorTarget) =>
      callExecutor(services.workloadTargets.dispatcher, target, body, span.header).catch((err: Error) => err);
    let answer = await call(known);
    const stale = answer instanceof Error ? neverConnected(connectionFailure(answer)) : answer.status === 401;
    if (stale) {
      const now = await services.blockLifecycle.executor(blockId, { fresh: true });
      if (now.endpoint !== known.endpoint || now.dataToken !== known.dataToken) {
        answer = await call(now);
      }
    }
    if (answer instanceof Error) throw answer;
    span.setAttributes({ "http.response.status_code": answer.status });
    return answer;
  } catch (err) {
    span.fail((err as Error).message);
    if (err instanceof AppError) throw err;
    throw new OperationalError(
      `the executor of block ${blockId} could not be reached: ${(err as Error).message}`,
    );
  } finally {
    span.end();
  }
}

/** One `/infer` call to an executor, with its data token: the API is the caller it trusts. */
async function callExecutor(
  workloads: Dispatcher,
  target: ExecutorTarget,
  body: string,
  traceparent: string | undefined,
) {
  const upstream = await workloads.request({
    origin: target.origin,
    path: target.inferPath,
    method: "POST",
    headers: traceparent ? { ...target.headers, traceparent } : target.headers,
    body,
    headersTimeout: EXECUTOR_TIMEOUT_MS,
    bodyTimeout: EXECUTOR_TIMEOUT_MS,
  });
  const contentType = upstream.headers["content-type"];
  return {
    status: upstream.statusCode,
    contentType: typeof contentType === "string" ? contentType : "application/json",
    body: Buffer.from(await upstream.body.arrayBuffer()),
  };
}

/** `{data}` is short for a packet of a one-off session. */
function shortForm(body: unknown): unknown {
  const b = body as Record<string, unknown> | null;
  if (b && typeof b === "object" && !("packet" in b) && "data" in b) {
    return {
      packet: packetOf(
        b.data,
        typeof b.session_id === "string" ? b.session_id : undefined,
        typeof b.seq_no === "number" ? b.seq_no : undefined,
      ),
    };
  }
  return body;
}

/** A packet of `data`: of a one-off session unless `sessionId` names one. */
export const packetOf = <T>(data: T, sessionId?: string, seqNo?: number) => ({
  session_id: sessionId ?? `s-${Date.now().toString(36)}`,
  seq_no: seqNo ?? 0,
  data,
  ts: Date.now(),
});
