import {
  fieldIssues,
  issuesLine,
  type TVdagInferRequest,
  ZVdagControllerStatus,
  ZVdagHealthView,
  ZVdagMgmtReply,
  ZVdagQuotaReset,
  ZVdagQuotaView,
} from "@aios/contracts";
import type { z } from "zod";
import { OperationalError, QuotaExceededError, UserError } from "../../errors";
import { asObject } from "../registry/doc";

/** The controller's answer to a request, as it came: HTTP status and the JSON body. */
export interface ControllerAnswer {
  status: number;
  body: Record<string, unknown>;
}

export type ControllerPolicyService = "quota" | "health" | "quality";

const INFER_TIMEOUT_MS = 300_000;
const CALL_TIMEOUT_MS = 10_000;
const enc = encodeURIComponent;

/**
 * The API's one way to reach a vDAG's controller: every route it calls, with its answer checked
 * against the route's schema (`@aios/contracts` vdag-controller-api). Unreachable or malformed answers
 * are operational errors naming the vDAG and the route; the controller's own refusals keep their
 * meaning (429 quota, other 4xx the caller's mistake).
 */
export function vdagControllerClient(vdagURI: string, controller: { url: string }) {
  const reach = async (method: string, path: string, init: RequestInit, timeoutMs: number) => {
    try {
      return await fetch(`${controller.url}${path}`, {
        method,
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new OperationalError(
        `the controller of vDAG ${vdagURI} could not be reached: ${(err as Error).message}`,
      );
    }
  };

  const call = async <S extends z.ZodType>(
    schema: S,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<z.infer<S>> => {
    const init: RequestInit =
      body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
    const res = await reach(method, path, init, CALL_TIMEOUT_MS);
    const json = (await res.json().catch(() => undefined)) as unknown;
    const route = `${method} ${path}`;
    if (!res.ok) {
      const message = (asObject(asObject(json).error).message as string | undefined) ?? `HTTP ${res.status}`;
      const text = `the controller of vDAG ${vdagURI} answered ${route} with ${res.status}: ${message}`;
      if (res.status === 429) throw new QuotaExceededError(text);
      throw res.status < 500 ? new UserError(text) : new OperationalError(text);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OperationalError(
        `the controller of vDAG ${vdagURI} answered ${route} with what it should not: ${issuesLine(fieldIssues(parsed.error, "(body)"))}`,
      );
    }
    return parsed.data;
  };

  return {
    /** One request through the vDAG; the answer as it came (its status is the caller's to map). */
    async infer(
      request: TVdagInferRequest,
      meta: { taskId: string; caller: string },
    ): Promise<ControllerAnswer> {
      const res = await reach(
        "POST",
        "/v1/infer",
        {
          headers: {
            "content-type": "application/json",
            "x-aios-task-id": meta.taskId,
            "x-aios-caller": meta.caller,
          },
          body: JSON.stringify(request),
        },
        INFER_TIMEOUT_MS,
      );
      return { status: res.status, body: asObject(await res.json().catch(() => ({}))) };
    },
    status: () => call(ZVdagControllerStatus, "GET", "/status"),
    healthCheck: () => call(ZVdagHealthView, "GET", "/health/check"),
    quota: (sessionId: string) => call(ZVdagQuotaView, "GET", `/quota/${enc(sessionId)}`),
    quotaReset: (sessionId: string) => call(ZVdagQuotaReset, "POST", `/quota/reset/${enc(sessionId)}`),
    mgmt: (service: ControllerPolicyService, action: string, data: unknown) =>
      call(ZVdagMgmtReply, "POST", `/${service}/mgmt`, { action, data }),
  };
}

export type VdagControllerClient = ReturnType<typeof vdagControllerClient>;
