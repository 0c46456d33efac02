import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { DEFAULT_MAX_BODY_MB, type Logger } from "@aios/service-kit";
import { TRPCError } from "@trpc/server";
import { hasRole } from "./auth/principal";
import { resolvePrincipal } from "./auth/resolve-principal";
import { dataPlaneHandler } from "./data-plane/routes";
import { databaseUnreachable } from "./db-unreachable";
import { anonymousHealthView } from "./domains/health/health.service";
import { QuotaExceededError } from "./errors";
import { withBodyLimit } from "./input-guard";
import { appRouter } from "./router";
import type { Services } from "./services";
import { onlyAnonymousCalls, trpcCodeOf } from "./trpc";
import { createTrpcHandler } from "./trpc-http";

export interface ApiServerOptions {
  services: Services;
  log: Logger;
  /** Browser origin allowed to call the API directly (the console normally goes through its own proxy). */
  webOrigin: string;
  /** The largest body the API reads (tRPC and the data plane), in MiB (`AIOS_MAX_BODY_MB`, 16); larger ones are answered 413. */
  maxBodyMb?: number;
}

/**
 * The caller's principal for a tRPC call. Its token is looked up in the database before any
 * procedure's error mapping runs: a database that cannot be reached is a 503 naming it here too,
 * not an internal error carrying the driver's message.
 */
async function principalOf(services: Services, authorization: string | undefined) {
  try {
    return await resolvePrincipal(services, authorization);
  } catch (err) {
    const down = databaseUnreachable(err);
    if (down) throw new TRPCError({ code: trpcCodeOf(down), message: down.message, cause: down });
    throw err;
  }
}

/** The management plane's HTTP server: tRPC under /trpc, health at /healthz. */
export function createApiServer({ services, log, webOrigin, maxBodyMb }: ApiServerOptions): Server {
  const dataPlane = dataPlaneHandler({ services, log, maxBodyMb: maxBodyMb ?? DEFAULT_MAX_BODY_MB });
  const trpc = withBodyLimit(
    createTrpcHandler({
      router: appRouter,
      basePath: "/trpc/",
      createContext: async ({ req, info }) => ({
        services,
        log,
        // Not looked up for a request whose every call is to an anonymous procedure (`health.ping`).
        principal: onlyAnonymousCalls(info) ? null : await principalOf(services, req.headers.authorization),
        peerAddress: req.socket.remoteAddress,
      }),
      // A refusal by a rate limit says when to come back.
      responseMeta: ({ errors }) => {
        const waits = errors.flatMap((e) =>
          e.cause instanceof QuotaExceededError && e.cause.retryAfterSeconds !== undefined
            ? [e.cause.retryAfterSeconds]
            : [],
        );
        return waits.length ? { headers: { "retry-after": String(Math.max(...waits)) } } : {};
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          log.error("trpc error", { path, err: error.cause ?? error });
      },
    }),
    maxBodyMb ?? DEFAULT_MAX_BODY_MB,
  );
  return createServer((req, res) => {
    if (req.headers.origin === webOrigin) allowOrigin(res, webOrigin);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    const url = req.url ?? "/";
    if (url === "/healthz" || url.startsWith("/healthz?")) {
      void healthz(services, req, res);
      return;
    }
    if (dataPlane(req, res)) return;
    if (url.startsWith("/trpc/")) {
      trpc(req, res);
      return;
    }
    notFound(req, res);
  });
}

/** `GET /healthz`: public; a caller below viewer gets the anonymous view (no cluster ids). */
async function healthz(services: Services, req: IncomingMessage, res: ServerResponse) {
  const full = await services.health.report();
  const principal = await resolvePrincipal(services, req.headers.authorization).catch(() => null);
  const report = principal && hasRole(principal, "viewer") ? full : anonymousHealthView(full);
  res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" });
  res.end(JSON.stringify(report));
}

function allowOrigin(res: ServerResponse, origin: string) {
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  res.setHeader(
    "Access-Control-Allow-Headers",
    "authorization,content-type,trpc-accept,x-trpc-source,last-event-id",
  );
}

function notFound(req: IncomingMessage, res: ServerResponse) {
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code: "NOT_FOUND", message: `no route for ${req.method} ${req.url}` } }));
}
