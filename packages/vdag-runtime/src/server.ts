import type { IncomingMessage, ServerResponse } from "node:http";
import {
  fieldIssues,
  issuesLine,
  type TVdagControllerStatus,
  type TVdagHealthView,
  type TVdagInferResponse,
  ZVdagQuotaState,
} from "@aios/contracts";
import {
  ClientAbort,
  dataPlaneBodyLimit,
  type Logger,
  type RouteParams,
  readJson,
  requestErrorStatus,
  requireControlToken,
  requireDataToken,
  routeMiss,
  routes,
  sendBody,
  sendError,
  sendJson,
} from "@aios/service-kit";
import type { ControllerSettings, TVdagControllerConfig } from "./config";
import type { HealthMonitor } from "./health";
import type { InferOptions } from "./inference";
import type { ControllerMetrics } from "./metrics";
import type { CompiledPlan } from "./plan";
import type { QualitySampler } from "./quality";
import type { QuotaTable } from "./quota";
import type { QuotaHandover } from "./quota-handover";

/** What `GET /health` and `GET /health/check` answer (one schema with the API's client). */
export type HealthView = TVdagHealthView;

type Reply<T = unknown> = { status: number; body: T };

/** What the routes need of the controller (see create-controller.ts). */
export interface ControllerRoutes {
  controllerId: string;
  settings: ControllerSettings;
  log: Logger;
  metrics: ControllerMetrics;
  quota: QuotaTable;
  quotaHandover: QuotaHandover;
  health: HealthMonitor;
  quality: QualitySampler;
  config(): TVdagControllerConfig;
  plan(): CompiledPlan;
  infer(json: unknown, opts?: InferOptions): Promise<Reply<TVdagInferResponse> & { text: string }>;
  setConfig(input: unknown): Promise<void>;
  status(): TVdagControllerStatus & { generation: number; inFlight: number };
  task(id: string): string | undefined;
  healthView(): HealthView;
  checkHealth(): Promise<HealthView>;
  quotaMgmt(json: unknown): Promise<Reply>;
  healthMgmt(json: unknown): Promise<Reply>;
  qualityMgmt(json: unknown): Promise<Reply>;
  isStopping(): boolean;
}

/** Bodies of the management routes are small; a configuration carries every policy's code. */
const SMALL_BODY = 1024 * 1024;
const CONFIG_BODY = 16 * 1024 * 1024;

const MAX_CALLER = 200;

/**
 * Who sent a request: `x-aios-caller` as the API sets it (`token:<API token id>` or
 * `address:<client address>`), else the peer's address. Trusting the header gives a caller nothing
 * it could not have by naming a session_id: it only keys the quota of requests without one.
 */
function callerOf(req: IncomingMessage): string {
  const header = req.headers["x-aios-caller"];
  if (typeof header === "string" && header.length > 0 && header.length <= MAX_CALLER) return header;
  return `address:${req.socket.remoteAddress ?? "unknown"}`;
}

type Handler = (
  ctl: ControllerRoutes,
  req: IncomingMessage,
  res: ServerResponse,
  params: RouteParams,
) => unknown;

const json =
  (status: number, body: (ctl: ControllerRoutes) => unknown): Handler =>
  (ctl, _req, res) =>
    sendJson(res, status, body(ctl));
const reply = (res: ServerResponse, r: Reply) => sendJson(res, r.status, r.body);
const unknownSession = (res: ServerResponse, sid: string) =>
  sendError(res, 404, "quota", `no session ${sid}`);

/**
 * Who may call a route: `control` only with the controller's control token (the agent holds it,
 * and carries the API's management commands to it); `workload-data` the vDAG's requests and their
 * tasks and quota reads, with the controller's data token (the API's vDAG data plane sends it);
 * `probe` health checkers, status readers and scrapers.
 */
export type ControllerRouteAccess = "control" | "workload-data" | "probe";

/**
 * The controller's routes (see README.md). `control` routes rewire the controller, read its
 * policies' code, run its policies (a health check, a management command), drain the quality
 * samples (requests and answers) or change a session's quota, so they need its control token.
 */
export const CONTROLLER_ROUTES: Record<string, { run: Handler; access: ControllerRouteAccess }> = {
  "POST /v1/infer": { access: "workload-data", run: infer },
  "GET /v1/tasks/:taskId": {
    access: "workload-data",
    run: (ctl, _req, res, { taskId = "" }) => {
      const text = ctl.task(taskId);
      if (text === undefined) return sendError(res, 404, "request", `no finished task ${taskId}`);
      sendBody(res, 200, text);
    },
  },
  "GET /status": { access: "probe", run: json(200, (ctl) => ctl.status()) },
  "GET /metrics": {
    access: "probe",
    run: async (ctl, _req, res) =>
      sendBody(res, 200, await ctl.metrics.registry.metrics(), ctl.metrics.registry.contentType),
  },
  "GET /healthz": {
    access: "probe",
    run: (ctl, _req, res) => sendJson(res, ctl.isStopping() ? 503 : 200, { ok: !ctl.isStopping() }),
  },
  "GET /health": { access: "probe", run: json(200, (ctl) => ctl.healthView()) },
  "GET /health/check": {
    access: "control",
    run: async (ctl, _req, res) => sendJson(res, 200, await ctl.checkHealth()),
  },
  "POST /health/mgmt": {
    access: "control",
    run: async (ctl, req, res) => reply(res, await ctl.healthMgmt(await readJson(req, SMALL_BODY))),
  },
  "POST /quality/mgmt": {
    access: "control",
    run: async (ctl, req, res) => reply(res, await ctl.qualityMgmt(await readJson(req, SMALL_BODY))),
  },
  "GET /quality/samples": { access: "control", run: qualitySamples },
  "GET /config": { access: "control", run: json(200, (ctl) => ctl.config()) },
  "PUT /config": {
    access: "control",
    run: async (ctl, req, res) => {
      await ctl.setConfig(await readJson(req, CONFIG_BODY));
      sendJson(res, 200, { ok: true });
    },
  },
  "POST /quota/mgmt": {
    access: "control",
    run: async (ctl, req, res) => reply(res, await ctl.quotaMgmt(await readJson(req, SMALL_BODY))),
  },
  "GET /quota/exists/:session": {
    access: "workload-data",
    run: (ctl, _req, res, { session = "" }) =>
      sendJson(res, 200, { sessionId: session, exists: ctl.quota.exists(session) }),
  },
  "POST /quota/reset/:session": {
    access: "control",
    run: (ctl, _req, res, { session = "" }) => {
      const version = ctl.quota.reset(session);
      if (version === undefined) return unknownSession(res, session);
      sendJson(res, 200, { ok: true, sessionId: session, count: 0, version });
    },
  },
  "POST /quota/changes": {
    access: "control",
    run: async (ctl, _req, res) => sendJson(res, 200, await ctl.quotaHandover.changes()),
  },
  "PUT /quota/state": {
    access: "control",
    run: async (ctl, req, res) => {
      const state = ZVdagQuotaState.safeParse(await readJson(req, CONFIG_BODY));
      if (!state.success)
        return sendError(
          res,
          400,
          "request",
          `invalid quota state: ${issuesLine(fieldIssues(state.error, "(body)"))}`,
        );
      sendJson(res, 200, { ok: true, applied: await ctl.quotaHandover.restore(state.data) });
    },
  },
  "GET /quota/:session": {
    access: "workload-data",
    run: (ctl, _req, res, { session = "" }) =>
      sendJson(res, 200, {
        sessionId: session,
        count: ctl.quota.get(session),
        exists: ctl.quota.exists(session),
      }),
  },
  "DELETE /quota/:session": {
    access: "control",
    run: (ctl, _req, res, { session = "" }) => {
      if (!ctl.quota.delete(session)) return unknownSession(res, session);
      sendJson(res, 200, { ok: true, sessionId: session });
    },
  },
};
const ROUTES = routes(CONTROLLER_ROUTES);

async function infer(ctl: ControllerRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req, dataPlaneBodyLimit(ctl.settings.maxBodyMb));
  const taskId = req.headers["x-aios-task-id"];
  const r = await ctl.infer(body, {
    ...(typeof taskId === "string" ? { taskId } : {}),
    caller: callerOf(req),
    traceparent: req.headers.traceparent,
  });
  sendBody(res, r.status, r.text, "application/json", { "x-aios-task-id": r.body.taskId });
}

function qualitySamples(ctl: ControllerRoutes, req: IncomingMessage, res: ServerResponse): void {
  const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
  const drain = ["1", "true"].includes(query.get("drain") ?? "");
  const samples = drain ? ctl.quality.drain() : ctl.quality.samples();
  const { sampled, failed, dropped } = ctl.quality;
  sendJson(res, 200, { samples, sampled, failed, dropped });
}

/** The controller's HTTP handler. Errors are `{error: {message, stage}}`. */
export function createHandler(
  ctl: ControllerRoutes,
  active: { count: number },
  tokens: { control: string | null; data: string | null },
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    active.count++;
    try {
      const method = req.method ?? "GET";
      const url = req.url ?? "/";
      const found = ROUTES(method, url);
      if (!found || "allowed" in found) {
        const miss = routeMiss(method, url, found?.allowed);
        return sendError(res, miss.status, "request", miss.message, {}, miss.headers);
      }
      const access = found.handler.access;
      if (access === "control" && !requireControlToken(req, res, tokens.control)) return;
      if (access === "workload-data" && !requireDataToken(req, res, tokens.data)) return;
      await found.handler.run(ctl, req, res, found.params);
    } catch (err) {
      if (res.headersSent || err instanceof ClientAbort) return void res.destroy();
      const status = requestErrorStatus(err);
      if (status !== undefined) return sendError(res, status, "request", (err as Error).message);
      const e = err as { status?: unknown; stage?: unknown; issues?: unknown; message?: string };
      if (typeof e.status === "number" && typeof e.stage === "string")
        return sendError(res, e.status, e.stage, e.message ?? "error", e.issues ? { issues: e.issues } : {});
      ctl.log.error("route failed", { url: req.url, err });
      sendError(res, 500, "controller", (err as Error).message);
    } finally {
      active.count--;
    }
  };
}
