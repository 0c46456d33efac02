import type { IncomingMessage, ServerResponse } from "node:http";
import { ZInferRequest, ZMgmtRequest } from "@aios/contracts";
import {
  type BodyLimit,
  ClientAbort,
  fieldIssues,
  parseJsonBody,
  type RouteParams,
  readBody,
  readJson,
  requestErrorStatus,
  requireControlToken,
  requireDataToken,
  routeMiss,
  routes,
  sendBody,
  sendError,
  sendJson,
  tracing,
} from "@aios/service-kit";
import type { DesiredState } from "../desired";
import { type Mapper, ZInstancesUpdate } from "../mapper";
import type { BlockPolicy } from "../policies";
import type { Occupancy } from "../stats";
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
  /** How much of an `/infer` body is read (`AIOS_MAX_BODY_MB`); past it a 413. */
  bodyLimit: BodyLimit;
  /** The node the executor runs on, named in every `/infer` answer (`x-aios-node`); null: unnamed. */
  nodeId: string | null;
  /** The bearer token of the agent's routes; null: open (the explicit opt-out). */
  controlToken: string | null;
  /** The bearer token `/infer` requires (the API and vDAG controllers send it); null: open. */
  dataToken: string | null;
  isStopping(): boolean;
  /** Requests being handled (for a bounded drain on shutdown). */
  active: { count: number };
  /**
   * `/infer` requests from their arrival to their answer, over time: those not at an instance
   * wait in the executor (for a healthy instance, the loadBalancer policy): the autoscaler counts them.
   */
  requests: Occupancy;
}

type Route = (ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, params: RouteParams) => unknown;

/** A control request's body (`PUT /instances`, `POST /mgmt/<service>`) is small. */
const CONTROL_BODY = 1024 * 1024;

/**
 * Who may call a route: `control` only the agent, with the executor's control token;
 * `workload-data` the API and vDAG controllers sending requests, with the executor's data token;
 * `probe` health checkers, the API's status reads, scrapers.
 */
export type ExecutorRouteAccess = "control" | "workload-data" | "probe";

/**
 * Routes of the executor: the instance protocol for clients plus the agent's endpoints. The
 * agent's (`/instances`, `/desired`, `/mgmt/<service>`) need its control token; `/infer` its data
 * token; `/health`, `/status` and `/metrics` serve the API, vDAG controllers and scrapers as they are.
 */
export const EXECUTOR_ROUTES: Record<string, { run: Route; access: ExecutorRouteAccess }> = {
  "POST /infer": { access: "workload-data", run: counted },
  "GET /health": { access: "probe", run: (ctx, _req, res) => health(ctx, res) },
  "GET /status": { access: "probe", run: (ctx, _req, res) => sendJson(res, 200, buildStatus(ctx)) },
  "GET /metrics": {
    access: "probe",
    run: async (ctx, _req, res) =>
      sendBody(res, 200, await ctx.metrics.registry.metrics(), ctx.metrics.registry.contentType),
  },
  "GET /desired": { access: "control", run: (ctx, _req, res) => sendJson(res, 200, ctx.desired.snapshot()) },
  "GET /instances": {
    access: "control",
    run: (ctx, _req, res) => sendJson(res, 200, { instances: instanceList(ctx.mapper) }),
  },
  "PUT /instances": { access: "control", run: putInstances },
  "POST /mgmt/:service": { access: "control", run: serviceMgmt },
};
const ROUTES = routes(EXECUTOR_ROUTES);

export function createHandler(ctx: HandlerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    ctx.active.count++;
    try {
      const method = req.method ?? "GET";
      const url = req.url ?? "/";
      const found = ROUTES(method, url);
      if (!found || "allowed" in found) {
        const miss = routeMiss(method, url, found?.allowed);
        return sendError(res, miss.status, "request", miss.message, {}, miss.headers);
      }
      const access = found.handler.access;
      if (access === "control" && !requireControlToken(req, res, ctx.controlToken)) return;
      if (access === "workload-data" && !requireDataToken(req, res, ctx.dataToken)) return;
      await found.handler.run(ctx, req, res, found.params);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      const status = requestErrorStatus(err);
      if (status !== undefined) {
        if (err instanceof ClientAbort) return void res.destroy(); // nobody reads the answer
        return requestError(res, status, (err as Error).message);
      }
      sendError(res, 500, "executor", (err as Error).message);
    } finally {
      ctx.active.count--;
    }
  };
}

async function counted(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.requests.count++;
  try {
    await infer(ctx, req, res);
  } finally {
    ctx.requests.count--;
  }
}

async function infer(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  if (ctx.isStopping()) {
    ctx.metrics.observe("no_instance", 503, 0);
    return sendError(res, 503, "executor", "executor is shutting down");
  }
  // The body goes to the instance as it came; it is parsed only to check it.
  const raw = await readBody(req, ctx.bodyLimit);
  let json: unknown;
  try {
    json = parseJsonBody(raw.toString("utf8"));
  } catch (err) {
    ctx.metrics.observe("bad_request", requestErrorStatus(err) ?? 400, 0);
    throw err;
  }
  const parsed = ZInferRequest.safeParse(json);
  if (!parsed.success) {
    ctx.metrics.observe("bad_request", 400, 0);
    return requestError(res, 400, "body must be {packet}", fieldIssues(parsed.error));
  }
  // One span per task, the instance's call under it (the executor's one hop).
  const span = tracing().startSpan("block.task", {
    parent: req.headers.traceparent,
    kind: "server",
    attributes: { "aios.block.id": ctx.blockId, "aios.node.id": ctx.nodeId ?? undefined },
  });
  const result = await dispatch(ctx.dispatcher, raw, parsed.data.packet, span.header);
  span.setAttributes({
    "aios.instance.id": result.instanceId,
    "aios.outcome": result.outcome,
    "http.response.status_code": result.status,
  });
  if (result.status >= 500) span.fail(result.outcome);
  span.end();
  ctx.metrics.observe(result.outcome, result.status, (performance.now() - started) / 1000);
  sendBody(res, result.status, result.body, result.contentType, {
    ...(result.instanceId ? { "x-aios-instance-id": result.instanceId } : {}),
    ...(ctx.nodeId ? { "x-aios-node": ctx.nodeId } : {}),
  });
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
  const parsed = ZInstancesUpdate.safeParse(await readJson(req, CONTROL_BODY));
  if (!parsed.success)
    return requestError(
      res,
      400,
      "body must be {instances: [{id, endpoint, dataToken?}]}",
      fieldIssues(parsed.error),
    );
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
async function serviceMgmt(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: RouteParams,
) {
  const service = params.service ?? "";
  if (!(service in MGMT_SERVICE_POLICY))
    return requestError(
      res,
      404,
      `no service ${service}; one of ${Object.keys(MGMT_SERVICE_POLICY).join(", ")}`,
    );
  const parsed = ZMgmtRequest.safeParse(await readJson(req, CONTROL_BODY));
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

function requestError(res: ServerResponse, status: number, message: string, issues?: unknown): void {
  sendError(res, status, "request", message, issues ? { issues } : {});
}
