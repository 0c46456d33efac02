import { proxyToApi } from "@/lib/api-proxy";

/** Same-origin proxy to the API's tRPC endpoint (see `lib/api-proxy.ts`); SSE streams through. */
export const dynamic = "force-dynamic";

const FORWARD_REQUEST_HEADERS = ["accept", "content-type", "trpc-accept", "last-event-id", "x-trpc-source"];

/** A tRPC-shaped error so the client reports it like any other failed call. */
const unreachable = (message: string) =>
  Response.json(
    { error: { message, code: -32603, data: { code: "BAD_GATEWAY", httpStatus: 502 } } },
    { status: 502 },
  );

function proxy(req: Request): Promise<Response> {
  const url = new URL(req.url);
  // Keep the path exactly as sent (batched calls are "a.b,c.d" in one segment).
  return proxyToApi(req, `${url.pathname}${url.search}`, {
    requestHeaders: FORWARD_REQUEST_HEADERS,
    unreachable,
  });
}

export const GET = proxy;
export const POST = proxy;
