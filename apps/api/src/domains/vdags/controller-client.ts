import {
  fieldIssues,
  issuesLine,
  type TVdagControlAnswer,
  type TVdagControlJob,
  type TVdagInferRequest,
  vdagControlRoute,
  ZVdagControllerStatus,
  ZVdagHealthView,
  ZVdagMgmtReply,
  ZVdagQuotaReset,
  ZVdagQuotaView,
} from "@aios/contracts";
import { dataHeaders, errorCode } from "@aios/service-kit";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { OperationalError, QuotaExceededError, UserError } from "../../errors";
import { asObject } from "../registry/doc";

/** The controller's answer to a request, as it came: HTTP status and the JSON body. */
export interface ControllerAnswer {
  status: number;
  body: Record<string, unknown>;
}

export type ControllerPolicyService = "quota" | "health" | "quality";

/**
 * How a call on one of the controller's control routes reaches it: through the agent of its
 * cluster, the one holder of the controller's control token (a `vdag.control` job).
 */
export type ControllerControl = (call: TVdagControlJob["call"]) => Promise<TVdagControlAnswer>;

/**
 * A request's answer is waited for INFER_TIMEOUT_MS, a probe's or a quota read's CALL_TIMEOUT_MS, by
 * undici's timers on the API's connections to workloads (`services.workloadTargets`: kept alive and
 * reused, a pool per controller, each new one checked). Global `fetch` made an abort signal and a
 * timer per request, and wrote through WHATWG streams.
 */
const INFER_TIMEOUT_MS = 300_000;
const CALL_TIMEOUT_MS = 10_000;

const enc = encodeURIComponent;

/**
 * The API's one way to reach a vDAG's controller: every route it calls, with its answer checked
 * against the route's schema (`@aios/contracts` vdag-controller-api). Unreachable or malformed answers
 * are operational errors naming the vDAG and the route; the controller's own refusals keep their
 * meaning (429 quota, other 4xx the caller's mistake). Data routes (with the controller's data
 * token) and probes are called directly; control routes (a health check, a quota reset, management)
 * go through `control`.
 */
export function vdagControllerClient(
  vdagURI: string,
  controller: { url: string; dataToken?: string | null },
  control: ControllerControl,
  /** The API's connections to workloads (`workload-targets.ts`). */
  workloads: Dispatcher,
) {
  // The controller's data routes take its data token only: the API is the caller it trusts.
  const data = dataHeaders(controller.dataToken);
  const base = new URL(controller.url);
  const prefix = base.pathname.replace(/\/+$/, "");
  /** Unreachable: an OperationalError naming the socket's code (ECONNREFUSED...), the error as its cause. */
  const unreachable = (err: unknown) => {
    const code = errorCode(err);
    return new OperationalError(
      `the controller of vDAG ${vdagURI} could not be reached: ${(err as Error).message}${code ? ` (${code})` : ""}`,
      { cause: err },
    );
  };

  /** The controller's answer to `route`, read by its schema; a refusal keeps its meaning. */
  const check = <S extends z.ZodType>(
    schema: S,
    route: string,
    status: number,
    json: unknown,
  ): z.infer<S> => {
    if (status < 200 || status >= 300) {
      const message = (asObject(asObject(json).error).message as string | undefined) ?? `HTTP ${status}`;
      const text = `the controller of vDAG ${vdagURI} answered ${route} with ${status}: ${message}`;
      if (status === 429) throw new QuotaExceededError(text);
      throw status < 500 ? new UserError(text) : new OperationalError(text);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OperationalError(
        `the controller of vDAG ${vdagURI} answered ${route} with what it should not: ${issuesLine(fieldIssues(parsed.error, "(body)"))}`,
      );
    }
    return parsed.data;
  };

  const call = async <S extends z.ZodType>(
    schema: S,
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string> = {},
  ): Promise<z.infer<S>> => {
    const res = await workloads
      .request({
        origin: base.origin,
        path: `${prefix}${path}`,
        method,
        headers,
        headersTimeout: CALL_TIMEOUT_MS,
        bodyTimeout: CALL_TIMEOUT_MS,
      })
      .catch((err: unknown) => {
        throw unreachable(err);
      });
    const json = (await res.body.json().catch(() => undefined)) as unknown;
    return check(schema, `${method} ${path}`, res.statusCode, json);
  };

  const controlCall = async <S extends z.ZodType>(
    schema: S,
    request: TVdagControlJob["call"],
  ): Promise<z.infer<S>> => {
    const [method, path] = vdagControlRoute(request);
    const answer = await control(request);
    return check(schema, `${method} ${path}`, answer.status, answer.body);
  };

  return {
    /**
     * One request through the vDAG; the answer as it came (its status is the caller's to map). An
     * unreachable controller is an OperationalError whose `cause` is the socket's error.
     */
    async infer(
      request: TVdagInferRequest,
      meta: { taskId: string; caller: string; traceparent?: string | undefined },
    ): Promise<ControllerAnswer> {
      try {
        const res = await workloads.request({
          origin: base.origin,
          path: `${prefix}/v1/infer`,
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...data,
            "x-aios-task-id": meta.taskId,
            "x-aios-caller": meta.caller,
            ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
          },
          body: JSON.stringify(request),
          headersTimeout: INFER_TIMEOUT_MS,
          bodyTimeout: INFER_TIMEOUT_MS,
        });
        return { status: res.statusCode, body: asObject(await res.body.json().catch(() => ({}))) };
      } catch (err) {
        throw unreachable(err);
      }
    },
    status: () => call(ZVdagControllerStatus, "GET", "/status"),
    healthCheck: () => controlCall(ZVdagHealthView, { route: "health.check" }),
    quota: (sessionId: string) => call(ZVdagQuotaView, "GET", `/quota/${enc(sessionId)}`, data),
    quotaReset: (sessionId: string) => controlCall(ZVdagQuotaReset, { route: "quota.reset", sessionId }),
    mgmt: (service: ControllerPolicyService, action: string, data: unknown) =>
      controlCall(ZVdagMgmtReply, { route: "mgmt", service, action, data }),
  };
}

export type VdagControllerClient = ReturnType<typeof vdagControllerClient>;
