import { proxyToApi } from "@/lib/api-proxy";

/** Same-origin proxy to the API's tRPC endpoint (see `lib/api-proxy.ts`); SSE streams through. */
export const dynamic = "force-dynamic";

const FORWARD_REQUEST_HEADERS = ["accept", "content-type", "trpc-accept", "last-event-id", "x-trpc-source"];

/** A tRPC-shaped error so the client reports it like any other failed call. */
const TRPC_CODES = {
  403: { code: "FORBIDDEN", rpc: -32003 },
  502: { code: "BAD_GATEWAY", rpc: -32603 },
} as const;
const failure = (status: 403 | 502, message: string) =>
  Response.json(
    {
      error: {
        message,
        code: TRPC_CODES[status].rpc,
        data: { code: TRPC_CODES[status].code, httpStatus: status },
      },
    },
    { status },
  );

function proxy(req: Request): Promise<Response> {
  const url = new URL(req.url);
  // Keep the path exactly as sent (batched calls are "a.b,c.d" in one segment).
  return proxyToApi(req, `${url.pathname}${url.search}`, {
    requestHeaders: FORWARD_REQUEST_HEADERS,
    failure,
  });
}

export const GET = proxy;
export const POST = proxy;
