import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  ClientAbort,
  DEFAULT_MAX_BODY_MB,
  dataPlaneBodyLimit,
  RequestError,
  readJson,
  requireControlToken,
  requireDataToken,
  routeMiss,
  routes,
  sendBody,
  tracing,
} from "@aios/service-kit";
import { errorMessage, InstanceError, type Reply } from "./errors";
import type { InstanceHost } from "./host";

/** A reply, or for `/metrics` a text of its own content type. */
type Answer = Reply & { text?: string; contentType?: string };
type Route = (host: InstanceHost, body: unknown) => Promise<Answer>;

/**
 * Who may call a route: `control` only the agent, with the instance's control token (it changes
 * what the instance does); `workload-data` only the block's executor, with the instance's data
 * token; `probe` health checkers and scrapers.
 */
export type InstanceRouteAccess = "control" | "workload-data" | "probe";

/** The instance protocol's routes; `body: true` ones read a JSON body first. */
export const INSTANCE_ROUTES: Record<string, { run: Route; access: InstanceRouteAccess; body?: true }> = {
  "POST /infer": { access: "workload-data", body: true, run: (h, b) => h.infer(b) },
  "GET /health": { access: "probe", run: (h) => h.health() },
  "POST /mgmt": { access: "control", body: true, run: (h, b) => h.mgmt(b) },
  "POST /setParameters": { access: "control", body: true, run: (h, b) => h.setParameters(b) },
  /** The events emitted since the last call (`ZInstanceEventsReply`), for the agent to forward. */
  "GET /events": { access: "control", run: async (h) => ({ status: 200, body: h.events.drain() }) },
  "GET /metrics": {
    access: "probe",
    run: async (h) => {
      const { contentType, text } = await h.metricsText();
      return { status: 200, body: null, text, contentType };
    },
  },
};
const ROUTES = routes(INSTANCE_ROUTES);

export interface InstanceServerOptions {
  /** The largest request body in MiB (`AIOS_MAX_BODY_MB`, default 16); a larger one is answered 413. */
  maxBodyMb?: number;
  /**
   * The bearer token the control routes (`/mgmt`, `/setParameters`) require (`AIOS_CONTROL_TOKEN`);
   * null opens them (the explicit opt-out, loopback only).
   */
  controlToken: string | null;
  /** The bearer token `/infer` requires (`AIOS_DATA_TOKEN`, the executor sends it); null opens it. */
  dataToken: string | null;
}

/**
 * The instance protocol (`@aios/contracts` instance-protocol.ts) on node:http, keep-alive on: JSON in,
 * JSON out, errors as `{error: {message, stage, instanceId, issues?}}`. A control route without the
 * control token, or `/infer` without the data token, is answered 401 naming the route, before its
 * body is read.
 */
export function createInstanceServer(host: InstanceHost, opts: InstanceServerOptions): Server {
  const limit = dataPlaneBodyLimit(opts.maxBodyMb ?? DEFAULT_MAX_BODY_MB);
  const server = createServer((req, res) => {
    handle(host, limit, opts, req, res).catch((e) => {
      host.log.error("request handling failed", { error: e });
      if (!res.headersSent) send(host, res, fromError(host, new InstanceError(500, errorMessage(e))));
      else res.destroy();
    });
  });
  // Executors keep connections open; outlive their idle timeout so we are not the side that closes.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function handle(
  host: InstanceHost,
  limit: ReturnType<typeof dataPlaneBodyLimit>,
  tokens: Pick<InstanceServerOptions, "controlToken" | "dataToken">,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  let found: ReturnType<typeof ROUTES>;
  try {
    found = ROUTES(method, url);
  } catch (e) {
    return send(host, res, fromError(host, asInstanceError(e)));
  }
  if (!found || "allowed" in found) {
    const miss = routeMiss(method, url, found?.allowed);
    for (const [name, value] of Object.entries(miss.headers)) res.setHeader(name, value);
    return send(host, res, fromError(host, new InstanceError(miss.status, miss.message, req400)));
  }
  const route = found.handler;
  if (route.access === "control" && !requireControlToken(req, res, tokens.controlToken)) return;
  if (route.access === "workload-data" && !requireDataToken(req, res, tokens.dataToken)) return;
  let body: unknown;
  if (route.body) {
    try {
      body = await readJson(req, limit);
    } catch (e) {
      if (e instanceof ClientAbort) return void res.destroy(); // nobody reads the answer
      const err = asInstanceError(e);
      if (url.split("?", 1)[0] === "/infer") return send(host, res, host.fail(err));
      return send(host, res, fromError(host, err));
    }
  }
  if (route.access !== "workload-data") return send(host, res, await route.run(host, body));
  // One span per task: its parent is the executor's (the `traceparent` it sent).
  const span = tracing().startSpan("instance.infer", {
    parent: req.headers.traceparent,
    kind: "server",
    attributes: { "aios.block.id": host.init.blockId, "aios.instance.id": host.init.instanceId },
  });
  const reply = await route.run(host, body);
  span.setAttributes({ "http.response.status_code": reply.status });
  if (reply.status >= 500) span.fail(`HTTP ${reply.status}`);
  span.end();
  send(host, res, reply);
}

const req400 = { stage: "request" } as const;

/** A request's own mistake (a body too large, not JSON, a bad path segment) as the protocol's error. */
function asInstanceError(e: unknown): InstanceError {
  if (e instanceof InstanceError) return e;
  if (e instanceof RequestError) return new InstanceError(e.status, e.message, req400);
  return new InstanceError(400, errorMessage(e), req400);
}

function fromError(host: InstanceHost, e: InstanceError): Reply {
  return { status: e.status, body: e.toBody(host.init.instanceId) };
}

function send(host: InstanceHost, res: ServerResponse, reply: Answer): void {
  const text = reply.text ?? JSON.stringify(reply.body);
  // While draining, tell keep-alive clients to go elsewhere for their next request (a 413 closes anyway).
  const headers: Record<string, string> = host.phase === "stopping" ? { connection: "close" } : {};
  sendBody(res, reply.status, text, reply.contentType ?? "application/json", headers);
}
