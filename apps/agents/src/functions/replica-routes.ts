import type { IncomingMessage, ServerResponse } from "node:http";
import { Occupancy } from "@aios/block-runtime/stats";
import { type PolicyInstance, policyCallResult, policyErrorInfo } from "@aios/policy-runtime";
import {
  type BodyLimit,
  ClientAbort,
  parseJsonBody,
  RequestError,
  readBody,
  requireControlToken,
  requireDataToken,
  routeMiss,
  routes,
  sendJson,
} from "@aios/service-kit";

/**
 * Who may call a route: `control` only the agent, with the replica's control token (a management
 * command changes the policy's state); `workload-data` the API's invokes, with the replica's data
 * token; `probe` health checkers.
 */
export type ReplicaRouteAccess = "control" | "workload-data" | "probe";

interface ReplicaContext {
  instance: PolicyInstance;
  bodyLimit: BodyLimit;
  /** Its invokes in flight, time-weighted: what the agent's autoscaler reads (`GET /load`). */
  load: Occupancy;
}

/** A replica's context; `load` counts from now. */
export const replicaContext = (instance: PolicyInstance, bodyLimit: BodyLimit): ReplicaContext => ({
  instance,
  bodyLimit,
  load: new Occupancy(),
});

type Run = (ctx: ReplicaContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** A replica's answer to a policy call: its output or error, with the policy's logs. */
async function callPolicy(
  ctx: ReplicaContext,
  req: IncomingMessage,
  res: ServerResponse,
  call: (body: { input?: unknown; action?: string; data?: unknown }) => ReturnType<PolicyInstance["eval"]>,
) {
  const text = (await readBody(req, ctx.bodyLimit)).toString("utf8");
  const body = (text.trim() === "" ? {} : parseJsonBody(text)) as {
    input?: unknown;
    action?: string;
    data?: unknown;
  };
  const r = await call(body);
  sendJson(res, r.ok ? 200 : 422, policyCallResult(r));
}

/** The routes of a function replica, each with who may call it. */
export const REPLICA_ROUTES: Record<string, { run: Run; access: ReplicaRouteAccess }> = {
  "GET /health": {
    access: "probe",
    run: (ctx, _req, res) => sendJson(res, 200, { status: "healthy", kind: ctx.instance.kind }),
  },
  "POST /invoke": {
    access: "workload-data",
    run: async (ctx, req, res) => {
      ctx.load.count++;
      try {
        await callPolicy(ctx, req, res, (b) => ctx.instance.eval(b.input));
      } finally {
        ctx.load.count--;
      }
    },
  },
  /** Invokes in flight now and on average since the last read (the agent's autoscaler reads it). */
  "GET /load": {
    access: "control",
    run: (ctx, _req, res) => {
      const inFlight = ctx.load.count;
      sendJson(res, 200, { inFlight, averageInFlight: ctx.load.take() });
    },
  },
  "POST /management": {
    access: "control",
    run: (ctx, req, res) =>
      callPolicy(ctx, req, res, (b) => ctx.instance.management(String(b.action ?? ""), b.data)),
  },
};
const ROUTES = routes(REPLICA_ROUTES);

/**
 * The replica's HTTP handler. A control route without the control token, or a data route without
 * the data token (`null`: the opt-out, loopback only), is answered 401 naming the route; a body
 * over the limit or not JSON is the request's own mistake (its status, as invalid input).
 */
export function createReplicaHandler(
  ctx: ReplicaContext,
  tokens: { control: string | null; data: string | null },
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    let found: ReturnType<typeof ROUTES>;
    try {
      found = ROUTES(method, url);
    } catch (err) {
      fail(res, err as Error);
      return;
    }
    if (!found || "allowed" in found) {
      const miss = routeMiss(method, url, found?.allowed);
      for (const [name, value] of Object.entries(miss.headers)) res.setHeader(name, value);
      sendJson(res, miss.status, { error: miss.message });
      return;
    }
    const route = found.handler;
    if (route.access === "control" && !requireControlToken(req, res, tokens.control)) return;
    if (route.access === "workload-data" && !requireDataToken(req, res, tokens.data)) return;
    void Promise.resolve()
      .then(() => route.run(ctx, req, res))
      .catch((err: Error) => fail(res, err));
  };
}

function fail(res: ServerResponse, err: Error): void {
  if (err instanceof ClientAbort) return void res.destroy(); // nobody reads the answer
  if (res.headersSent) return void res.destroy();
  if (err instanceof RequestError) {
    const error = { kind: "invalid_input" as const, message: err.message };
    sendJson(res, err.status, { ok: false, error, logs: [], durationMs: 0 });
    return;
  }
  sendJson(res, 500, { ok: false, error: policyErrorInfo(err), logs: [], durationMs: 0 });
}
