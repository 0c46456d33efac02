import { fieldIssues, issuesLine, type TInferRequest, ZInferRequest } from "@aios/contracts";
import { dataHeaders, tracing } from "@aios/service-kit";
import { callerKeyOf } from "../auth/principal";
import { resolvePrincipal } from "../auth/resolve-principal";
import { OperationalError, UserError } from "../errors";
import { assertWithinRate } from "../rate-limits";
import type { Services } from "../services";
import { assertDataAccess } from "./authorize";
import { type DataPlaneRoute, failure, readJsonBody, send, sendError } from "./io";

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
    const principal = await resolvePrincipal(plane.services, req.headers.authorization);
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
 * Sends a task to a block's executor and returns its answer as it came: status, content type and
 * body (`{packet}` or `{error: {message, stage}}`). OperationalError (503) when no executor runs or
 * it cannot be reached.
 */
export async function forwardToExecutor(
  services: Services,
  blockId: string,
  request: TInferRequest,
  /** The caller's `traceparent`, when it sent one: the API's span is its child. */
  parent?: string | string[],
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const { endpoint, dataToken } = await services.blockLifecycle.executor(blockId);
  const span = tracing().startSpan("block.infer", {
    parent,
    kind: "client",
    attributes: { "aios.block.id": blockId },
  });
  let upstream: Response;
  try {
    upstream = await fetch(`${endpoint}/infer`, {
      method: "POST",
      // The executor takes requests with its data token only: the API is the caller it trusts.
      headers: {
        "content-type": "application/json",
        ...dataHeaders(dataToken),
        ...(span.header ? { traceparent: span.header } : {}),
      },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    span.fail((err as Error).message);
    span.end();
    throw new OperationalError(
      `the executor of block ${blockId} could not be reached: ${(err as Error).message}`,
    );
  }
  span.setAttributes({ "http.response.status_code": upstream.status });
  span.end();
  return {
    status: upstream.status,
    contentType: upstream.headers.get("content-type") ?? "application/json",
    body: Buffer.from(await upstream.arrayBuffer()),
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
