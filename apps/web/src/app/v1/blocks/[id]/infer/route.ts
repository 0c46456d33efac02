import { proxyToApi } from "@/lib/api-proxy";

/** Same-origin proxy to the API's data plane `POST /v1/blocks/<id>/infer` (the "Try it" panel). */
export const dynamic = "force-dynamic";

export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return proxyToApi(req, `/v1/blocks/${encodeURIComponent(id)}/infer`, {
    requestHeaders: ["accept", "content-type"],
    // The data plane's own error shape.
    failure: (status, message) => Response.json({ error: { message, stage: "request" } }, { status }),
  });
}
