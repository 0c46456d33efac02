import { proxyToApi } from "@/lib/api-proxy";

/** Same-origin proxy to the data plane `GET /v1/tasks/<taskId>` (polled by an async run). */
export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return proxyToApi(req, `/v1/tasks/${encodeURIComponent(id)}`, {
    requestHeaders: ["accept"],
    failure: (status, message) => Response.json({ error: { message, stage: "request" } }, { status }),
  });
}
