/**
 * Same-origin proxy to the API's tRPC endpoint, resolved per request so the API URL (and token) can
 * change without rebuilding the console. Bodies are streamed through, so SSE subscriptions work.
 */
export const dynamic = "force-dynamic";

const FORWARD_REQUEST_HEADERS = ["accept", "content-type", "trpc-accept", "last-event-id", "x-trpc-source"];
const FORWARD_RESPONSE_HEADERS = ["content-type", "cache-control", "vary"];

function apiBase(): string {
  return (process.env.AIOS_API_URL ?? "http://127.0.0.1:4000").replace(/\/+$/, "");
}

async function proxy(req: Request): Promise<Response> {
  const url = new URL(req.url);
  // Keep the path exactly as sent (batched calls are "a.b,c.d" in one segment).
  const target = `${apiBase()}${url.pathname}${url.search}`;

  const headers = new Headers();
  for (const name of FORWARD_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const token = process.env.AIOS_WEB_API_TOKEN;
  if (token) headers.set("authorization", `Bearer ${token}`);

  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer(),
      signal: req.signal,
      cache: "no-store",
      redirect: "manual",
    });
  } catch (err) {
    return unreachable(err);
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

/** A tRPC-shaped error so the client reports it like any other failed call. */
function unreachable(err: unknown): Response {
  const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : "";
  const message = `API unreachable at ${apiBase()}${reason ? ` (${reason})` : ""}`;
  return Response.json(
    { error: { message, code: -32603, data: { code: "BAD_GATEWAY", httpStatus: 502 } } },
    { status: 502 },
  );
}

export const GET = proxy;
export const POST = proxy;
