import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouteParams } from "@aios/service-kit";
import { outcomeOfStatus } from "../domains/audit/audit-outcome";
import type { DataPlane } from "./io";
import { principalOfRequest } from "./principal";

/** The largest error body read for its reason; an error answer is small, a success is not read. */
const MAX_REASON_BODY = 8 * 1024;

/** The audited data-plane calls: each invoke (a POST) and blob upload, named for the action and its target. */
function invokeOf(req: IncomingMessage, params: RouteParams): { action: string; target: string } | null {
  if (req.method === "PUT" && params.sha256 !== undefined)
    return { action: "dataPlane.assetBlobUpload", target: `blob:${params.sha256}` };
  if (req.method !== "POST") return null; // reads (a task's state, a blob) change nothing
  if (params.blockId !== undefined)
    return { action: "dataPlane.blockInfer", target: `block:${params.blockId}` };
  if (params.vdagURI !== undefined)
    return { action: "dataPlane.vdagInfer", target: `vdag:${params.vdagURI}` };
  if (params.modelName !== undefined)
    return { action: "dataPlane.modelInfer", target: `model:${params.modelName}` };
  return null;
}

/** The `{error: {message}}` (or the Open Inference Protocol's `{error}`) of an error answer, when it has one. */
function messageOf(body: Buffer): string | null {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { error?: string | { message?: unknown } };
    if (typeof parsed.error === "string") return parsed.error;
    return typeof parsed.error?.message === "string" ? parsed.error.message : null;
  } catch {
    return null;
  }
}

/**
 * Audits one data-plane invoke when its answer is sent: the caller (from its token), the action,
 * the target, the outcome from the status (`outcomeOfStatus`) and, for a refusal or a failure, the
 * message of the answer. The packet is not kept. Call it before the route's handler runs.
 */
export function auditDataPlaneCall(
  plane: DataPlane,
  req: IncomingMessage,
  res: ServerResponse,
  params: RouteParams,
): void {
  const call = invokeOf(req, params);
  if (!call) return;
  let errorBody: Buffer | null = null;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const chunk = args[0];
    if (res.statusCode >= 400 && (typeof chunk === "string" || Buffer.isBuffer(chunk)))
      errorBody = Buffer.from(chunk).subarray(0, MAX_REASON_BODY);
    return end(...args);
  }) as ServerResponse["end"];
  let recorded = false;
  const record = (closedEarly: boolean) => {
    if (recorded) return;
    recorded = true;
    void (async () => {
      const principal = await principalOfRequest(plane.services, req).catch(() => null);
      const outcome = closedEarly ? "failed" : outcomeOfStatus(res.statusCode);
      const reason = closedEarly
        ? "the caller closed the connection before the answer"
        : outcome === "ok"
          ? null
          : ((errorBody && messageOf(errorBody)) ?? `HTTP ${res.statusCode}`);
      // Batched with the other calls' events: one statement per round trip, not one per call.
      await plane.services.audit.recordSoon(principal, { ...call, outcome, reason });
    })().catch((err) => plane.log.error("audit event not written", { action: call.action, err }));
  };
  // After the answer was sent, or the connection was lost before that (one listener: "close" comes
  // after "finish" too).
  res.once("close", () => record(!res.writableFinished));
}
