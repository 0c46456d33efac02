import type { IncomingMessage, ServerResponse } from "node:http";
import {
  BodyTooLarge,
  fieldIssues,
  parseJson,
  readBody,
  requireControlToken,
  sendBody,
  sendError,
  sendJson,
} from "@aios/service-kit";
import { ZInferRequest, ZMgmtRequest } from "@aios/spec";
import type { DesiredState } from "../desired";
import { type Mapper, ZInstancesUpdate } from "../mapper";
import type { BlockPolicy } from "../policies";
import { type DispatcherDeps, dispatch } from "./dispatch";
import type { ExecutorMetrics } from "./metrics";
import { buildStatus, type StatusSources } from "./status";

/** The block services whose policies take management commands, and the policy each one runs. */
export const MGMT_SERVICE_POLICY = {
  executor: "loadBalancer",
  autoscaler: "autoscaler",
  health: "healthChecker",
} as const;
export type MgmtService = keyof typeof MGMT_SERVICE_POLICY;

export interface HandlerContext extends StatusSources {
  /** The block's policies by service, for `POST /mgmt/<service>`. */
  servicePolicies: Partial<Record<MgmtService, BlockPolicy>>;
  dispatcher: DispatcherDeps;
  mapper: Mapper;
  desired: DesiredState;
  metrics: ExecutorMetrics;
  maxBodyBytes: number;
  /** The bearer token of the agent's routes; null: open (the explicit opt-out). */
  controlToken: string | null;
  isStopping(): boolean;
  /** Requests being handled (for a bounded drain on shutdown). */
  active: { count: number };
}

/**
 * Routes of the executor: the instance protocol for clients plus the agent's endpoints. The
 * agent's (`/instances`, `/desired`, `/mgmt/<service>`) need its control token; `/infer`,
 * `/health`, `/status` and `/metrics` serve the API, vDAG controllers and scrapers as they are.
 */
export function createHandler(ctx: HandlerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    ctx.active.count++;
    try {
      const path = req.url?.split("?", 1)[0];
      const route = `${req.method} ${path}`;
      if (route === "POST /infer") return await infer(ctx, req, res);
      if (route === "GET /health") return health(ctx, res);
      if (route === "GET /status") return sendJson(res, 200, buildStatus(ctx));
      if (route === "GET /metrics") {
        return sendBody(res, 200, await ctx.metrics.registry.metrics(), ctx.metrics.registry.contentType);
      }
      if (!isControlRoute(route)) return requestError(res, 404, `no route ${route}`);
      if (!requireControlToken(req, res, ctx.controlToken)) return;
      if (route === "GET /desired") return sendJson(res, 200, ctx.desired.snapshot());
      if (route === "GET /instances") return sendJson(res, 200, { instances: instanceList(ctx.mapper) });
      if (route === "PUT /instances") return await putInstances(ctx, req, res);
      return await serviceMgmt(ctx, route.slice("POST /mgmt/".length), req, res);
    } catch (err) {
      if (err instanceof BodyTooLarge) return requestError(res, 413, err.message);
      if (!res.headersSent) sendError(res, 500, "executor", (err as Error).message);
      else res.destroy();
    } finally {
      ctx.active.count--;
    }
  };
}

const CONTROL_ROUTES = new Set(["GET /desired", "GET /instances", "PUT /instances"]);
const isControlRoute = (route: string) => CONTROL_ROUTES.has(route) || route.startsWith("POST /mgmt/");

async function infer(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  if (ctx.isStopping()) {
    ctx.metrics.observe("no_instance", 0);
    return sendError(res, 503, "executor", "executor is shutting down");
  }
  const raw = await readBody(req, ctx.maxBodyBytes);
  const json = parseJson(raw.toString("utf8"));
  if (json === undefined) {
    ctx.metrics.observe("bad_request", 0);
    return requestError(res, 400, "body is not JSON");
  }
  const parsed = ZInferRequest.safeParse(json);
  if (!parsed.success) {
    ctx.metrics.observe("bad_request", 0);
    return requestError(res, 400, "body must be {packet}", fieldIssues(parsed.error));
  }
  const result = await dispatch(ctx.dispatcher, raw, parsed.data.packet);
  ctx.metrics.observe(result.outcome, (performance.now() - started) / 1000);
  sendBody(
    res,
    result.status,
    result.body,
    result.contentType,
    result.instanceId ? { "x-aios-instance-id": result.instanceId } : {},
  );
}

function health(ctx: HandlerContext, res: ServerResponse): void {
  const all = ctx.mapper.active();
  const healthy = ctx.mapper.healthy().length;
  const status = healthy > 0 && !ctx.isStopping() ? "healthy" : "unhealthy";
  sendJson(res, status === "healthy" ? 200 : 503, {
    status,
    blockId: ctx.blockId,
    instances: { healthy, total: all.length },
  });
}

async function putInstances(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const json = await readSmallJson(req);
  if (json === undefined) return requestError(res, 400, "body is not JSON");
  const parsed = ZInstancesUpdate.safeParse(json);
  if (!parsed.success)
    return requestError(res, 400, "body must be {instances: [{id, endpoint}]}", fieldIssues(parsed.error));
  const change = ctx.mapper.set(parsed.data.instances);
  sendJson(res, 200, {
    ok: true,
    added: change.added.map((r) => r.id),
    removed: change.removed.map((r) => r.id),
    instances: instanceList(ctx.mapper),
  });
}

/**
 * `POST /mgmt/<service> {action, data}`: a management command for the policy of one of the block's
 * services (executor → loadBalancer, autoscaler, health → healthChecker), answered with its reply.
 */
async function serviceMgmt(ctx: HandlerContext, service: string, req: IncomingMessage, res: ServerResponse) {
  if (!(service in MGMT_SERVICE_POLICY))
    return requestError(
      res,
      404,
      `no service ${service}; one of ${Object.keys(MGMT_SERVICE_POLICY).join(", ")}`,
    );
  const json = await readSmallJson(req);
  if (json === undefined) return requestError(res, 400, "body is not JSON");
  const parsed = ZMgmtRequest.safeParse(json);
  if (!parsed.success)
    return requestError(res, 400, "body must be {action, data?}", fieldIssues(parsed.error));
  const policy = ctx.servicePolicies[service as MgmtService];
  const kind = MGMT_SERVICE_POLICY[service as MgmtService];
  if (!policy) return requestError(res, 404, `the ${service} of block ${ctx.blockId} runs no ${kind} policy`);
  try {
    const result = await policy.management(parsed.data.action, parsed.data.data);
    sendJson(res, 200, { ok: true, result });
  } catch (err) {
    sendError(res, 422, "executor", `${kind} policy ${policy.uri}: ${(err as Error).message}`);
  }
}

function instanceList(mapper: Mapper) {
  return mapper.all().map((r) => ({ id: r.id, endpoint: r.endpoint, state: r.state, inFlight: r.inFlight }));
}

/** A control request's body (at most 1 MiB) as JSON; undefined when it is not JSON or broke off. */
async function readSmallJson(req: IncomingMessage): Promise<unknown> {
  try {
    return parseJson((await readBody(req, 1024 * 1024)).toString("utf8"));
  } catch (err) {
    if (err instanceof BodyTooLarge) throw err;
    return undefined;
  }
}

function requestError(res: ServerResponse, status: number, message: string, issues?: unknown): void {
  sendError(res, status, "request", message, issues ? { issues } : {});
}
