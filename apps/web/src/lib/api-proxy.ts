/**
 * Server-side forwarding of a console request to the API, configured at run time (`lib/env.ts`) so
 * the API URL (and token) can change without rebuilding the console. Bodies are streamed through, so SSE works.
 * Used by the route handlers only (`/trpc/*`, `/v1/blocks/<id>/infer`, `/v1/vdags/<uri>/infer`,
 * `/v1/tasks/<id>`).
 */

import { webEnv } from "./env";

export function apiBase(): string {
  return webEnv().AIOS_API_URL;
}

const FORWARD_RESPONSE_HEADERS = ["content-type", "cache-control", "vary"];

export interface ProxyOptions {
  /** Request headers passed on as is (the API token is added on top when configured). */
  requestHeaders: string[];
  /** The answer when the API cannot be reached, given a readable message. */
  unreachable: (message: string) => Response;
}

/** Forwards `req` to `${AIOS_API_URL}${path}`; `authorization` comes from AIOS_WEB_API_TOKEN only. */
export async function proxyToApi(req: Request, path: string, opts: ProxyOptions): Promise<Response> {
  const headers = new Headers();
  for (const name of opts.requestHeaders) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const token = webEnv().AIOS_WEB_API_TOKEN;
  if (token) headers.set("authorization", `Bearer ${token}`);

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
    return opts.unreachable(`API unreachable at ${apiBase()}${reason ? ` (${reason})` : ""}`);
  }

  const out = new Headers();
  for (const name of FORWARD_RESPONSE_HEADERS) {
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
