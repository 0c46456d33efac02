/**
 * Server-side forwarding of a console request to the API, configured at run time (`lib/env.ts`) so
 * the API URL can change without rebuilding the console. Bodies are streamed through, so SSE works.
 * Used by the route handlers only (`/trpc/*`, `/v1/blocks/<id>/infer`, `/v1/vdags/<uri>/infer`,
 * `/v1/tasks/<id>`, `/v1/assets/blobs/<sha256>`, `/v2/models/<name>`). The console has no token of its own: a call goes out with the signed-in
 * principal's token, or with none (the API then refuses it, unless it runs with AIOS_AUTH=open).
 */

import { webEnv } from "./env";
import { crossSiteReason } from "./session/same-origin";
import { readSession } from "./session/session-cookie";

export function apiBase(): string {
  return webEnv().AIOS_API_URL;
}

const FORWARD_RESPONSE_HEADERS = ["content-type", "cache-control", "vary"];

export interface ProxyOptions {
  /** Request headers passed on as is (never the caller's `authorization` nor its cookies). */
  requestHeaders: string[];
  /** Response headers passed back besides content-type, cache-control and vary (a blob's size and digest). */
  responseHeaders?: string[];
  /** The console's own refusal (cross-site, 403) or the API unreachable (502), in the route's error shape. */
  failure: (status: 403 | 502, message: string) => Response;
}

/** Forwards `req` to `${AIOS_API_URL}${path}` with the token of the request's session, if any. */
export async function proxyToApi(req: Request, path: string, opts: ProxyOptions): Promise<Response> {
  const refused = crossSiteReason(req);
  if (refused) return opts.failure(403, refused);
  const headers = new Headers();
  for (const name of opts.requestHeaders) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const session = readSession(req);
  if (session) headers.set("authorization", `Bearer ${session.token}`);

  let upstream: Response;
  try {
    upstream = await fetch(`${apiBase()}${path}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer(),
      signal: req.signal,
      cache: "no-store",
      redirect: "manual",
    });
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : "";
    return opts.failure(502, `API unreachable at ${apiBase()}${reason ? ` (${reason})` : ""}`);
  }

  const out = new Headers();
  for (const name of [...FORWARD_RESPONSE_HEADERS, ...(opts.responseHeaders ?? [])]) {
    const value = upstream.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  if (out.get("content-type")?.startsWith("text/event-stream")) {
    out.set("cache-control", "no-cache, no-transform");
    out.set("x-accel-buffering", "no");
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: out,
  });
}
