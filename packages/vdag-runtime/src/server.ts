import type { IncomingMessage, ServerResponse } from "node:http";
import {
  BodyTooLarge,
  type Logger,
  parseJson,
  readBody,
  requireControlToken,
  sendBody,
  sendError,
  sendJson,
} from "@aios/service-kit";
import type { TVdagControllerStatus, TVdagHealthView, TVdagInferResponse } from "@aios/spec";
import type { ControllerSettings, TVdagControllerConfig } from "./config";
import type { HealthMonitor } from "./health";
import type { InferOptions } from "./inference";
import type { ControllerMetrics } from "./metrics";
import type { CompiledPlan } from "./plan";
import type { QualitySampler } from "./quality";
import type { QuotaTable } from "./quota";

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

const SMALL_BODY = 1024 * 1024;
const CONFIG_BODY = 16 * 1024 * 1024;

class BadJson extends Error {}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readBody(req, limit);
  if (raw.length === 0) return undefined;
  const json = parseJson(raw.toString("utf8"));
  if (json === undefined) throw new BadJson("body is not JSON");
  return json;
}

const param = (s: string | undefined) => {
  try {
    return decodeURIComponent(s ?? "");
  } catch {
    return s ?? "";
  }
};

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

/**
 * Routes only the agent calls: they rewire the controller, read its policies' code, drain the
 * quality samples (requests and answers) or forget a session, so they need its control token.
 * The API calls the rest itself (status, health check, quota reads and reset, policy management).
 */
function isControlRoute(method: string, path: string): boolean {
  if (path === "/config") return method === "GET" || method === "PUT";
  if (path === "/quality/samples") return method === "GET";
  return method === "DELETE" && path.startsWith("/quota/");
}

/** The controller's routes (see README.md). Errors are `{error: {message, stage}}`. */
export function createHandler(ctl: ControllerRoutes, active: { count: number }, controlToken: string | null) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    active.count++;
    try {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const path = q < 0 ? url : url.slice(0, q);
      const method = req.method ?? "GET";
      if (isControlRoute(method, path) && !requireControlToken(req, res, controlToken)) return;

      if (path === "/v1/infer" && method === "POST") {
        const json = await readJson(req, ctl.settings.maxBodyBytes);
        const taskId = req.headers["x-aios-task-id"];
        const r = await ctl.infer(json, {
          ...(typeof taskId === "string" ? { taskId } : {}),
          caller: callerOf(req),
        });
        return sendBody(res, r.status, r.text, "application/json", { "x-aios-task-id": r.body.taskId });
      }
      const parts = path.split("/"); // ["", "quota", ...]
      const [, first, second, third] = parts;
      if (first === "v1" && second === "tasks" && parts.length === 4 && method === "GET") {
        const text = ctl.task(param(third));
        if (text === undefined) return sendError(res, 404, "request", `no finished task ${param(third)}`);
        return sendBody(res, 200, text);
      }
      if (first === "quota") return await quota(ctl, req, res, method, parts);
      const route = `${method} ${path}`;
      switch (route) {
        case "GET /status":
          return sendJson(res, 200, ctl.status());
        case "GET /metrics":
          return sendBody(res, 200, await ctl.metrics.registry.metrics(), ctl.metrics.registry.contentType);
        case "GET /healthz":
          return sendJson(res, ctl.isStopping() ? 503 : 200, { ok: !ctl.isStopping() });
        case "GET /health":
          return sendJson(res, 200, ctl.healthView());
        case "GET /health/check":
          return sendJson(res, 200, await ctl.checkHealth());
        case "POST /health/mgmt":
          return reply(res, await ctl.healthMgmt(await readJson(req, SMALL_BODY)));
        case "POST /quality/mgmt":
          return reply(res, await ctl.qualityMgmt(await readJson(req, SMALL_BODY)));
        case "GET /quality/samples": {
          const drain = /(?:^|[?&])drain=(?:1|true)(?:&|$)/.test(q < 0 ? "" : url.slice(q));
          const samples = drain ? ctl.quality.drain() : ctl.quality.samples();
          const { sampled, failed, dropped } = ctl.quality;
          return sendJson(res, 200, { samples, sampled, failed, dropped });
        }
        case "GET /config":
          return sendJson(res, 200, ctl.config());
        case "PUT /config":
          await ctl.setConfig(await readJson(req, CONFIG_BODY));
          return sendJson(res, 200, { ok: true });
      }
      sendError(res, 404, "request", `no route ${route}`);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof BodyTooLarge) return sendError(res, 413, "request", err.message);
      if (err instanceof BadJson) return sendError(res, 400, "request", err.message);
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

function reply(res: ServerResponse, r: Reply): void {
  sendJson(res, r.status, r.body);
}

/**
 * GET /quota/:sid, GET /quota/exists/:sid, POST /quota/reset/:sid, DELETE /quota/:sid,
 * POST /quota/mgmt. (A session named "exists", "reset" or "mgmt" is reached through DELETE/GET
 * `/quota/<name>` only where the method does not collide.)
 */
async function quota(
  ctl: ControllerRoutes,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  parts: string[],
): Promise<void> {
  const [, , a, b] = parts;
  const unknown = (sid: string) => sendError(res, 404, "quota", `no session ${sid}`);
  if (parts.length === 3 && a === "mgmt" && method === "POST")
    return reply(res, await ctl.quotaMgmt(await readJson(req, SMALL_BODY)));
  if (parts.length === 4 && a === "exists" && method === "GET") {
    const sid = param(b);
    return sendJson(res, 200, { sessionId: sid, exists: ctl.quota.exists(sid) });
  }
  if (parts.length === 4 && a === "reset" && method === "POST") {
    const sid = param(b);
    if (!ctl.quota.reset(sid)) return unknown(sid);
    return sendJson(res, 200, { ok: true, sessionId: sid, count: 0 });
  }
  if (parts.length === 3 && a) {
    const sid = param(a);
    if (method === "GET")
      return sendJson(res, 200, { sessionId: sid, count: ctl.quota.get(sid), exists: ctl.quota.exists(sid) });
    if (method === "DELETE") {
      if (!ctl.quota.delete(sid)) return unknown(sid);
      return sendJson(res, 200, { ok: true, sessionId: sid });
    }
  }
  sendError(res, 404, "request", `no route ${method} ${parts.join("/")}`);
}
