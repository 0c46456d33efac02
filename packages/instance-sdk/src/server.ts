import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { errorMessage, InstanceError, type Reply } from "./errors";
import type { InstanceHost } from "./host";

/** Largest request body accepted (packets carry base64 files). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

type Route = (host: InstanceHost, body: unknown) => Promise<Reply>;

const ROUTES: Record<string, { method: "GET" | "POST"; run: Route }> = {
  "/infer": { method: "POST", run: (h, b) => h.infer(b) },
  "/health": { method: "GET", run: (h) => h.health() },
  "/mgmt": { method: "POST", run: (h, b) => h.mgmt(b) },
  "/setParameters": { method: "POST", run: (h, b) => h.setParameters(b) },
};

/**
 * The instance protocol (`@aios/spec` instance-protocol.ts) on node:http, keep-alive on: JSON in,
 * JSON out, errors as `{error: {message, stage, instanceId, issues?}}`.
 */
export function createInstanceServer(host: InstanceHost): Server {
  const server = createServer((req, res) => {
    handle(host, req, res).catch((e) => {
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

async function handle(host: InstanceHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (path === "/metrics" && req.method === "GET") {
    const { contentType, text } = await host.metricsText();
    res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const route = ROUTES[path];
  if (!route) return send(host, res, fromError(host, new InstanceError(404, `no route ${path}`, req400)));
  if (req.method !== route.method) {
    res.setHeader("allow", route.method);
    return send(host, res, fromError(host, new InstanceError(405, `${path} takes ${route.method}`, req400)));
  }
  let body: unknown;
  if (route.method === "POST") {
    try {
      body = await readJson(req);
    } catch (e) {
      const err = e instanceof InstanceError ? e : new InstanceError(400, errorMessage(e), req400);
      if (err.status === 413) res.setHeader("connection", "close"); // the rest of the body is unread
      if (path === "/infer") return send(host, res, host.fail(err));
      return send(host, res, fromError(host, err));
    }
  }
  send(host, res, await route.run(host, body));
}

const req400 = { stage: "request" } as const;

function fromError(host: InstanceHost, e: InstanceError): Reply {
  return { status: e.status, body: e.toBody(host.init.instanceId) };
}

function send(host: InstanceHost, res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  };
  // While draining, tell keep-alive clients to go elsewhere for their next request.
  if (host.phase === "stopping") headers.connection = "close";
  res.writeHead(reply.status, headers);
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new InstanceError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`, req400);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new InstanceError(400, "request body is empty; expected JSON", req400);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InstanceError(400, `request body is not valid JSON: ${errorMessage(e)}`, req400);
  }
}
