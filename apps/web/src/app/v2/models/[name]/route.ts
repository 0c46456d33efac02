import { proxyToApi } from "@/lib/api-proxy";

/**
 * Same-origin proxy to the Open Inference Protocol's `GET /v2/models/<name>` (a block's or a vDAG's
 * metadata: its input and output tensors), as the signed-in user; the block and vDAG pages fill
 * their client snippets with it. GET only: inference itself goes to the API directly.
 */
export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return proxyToApi(req, `/v2/models/${encodeURIComponent(name)}`, {
    requestHeaders: ["accept"],
    // The protocol's own error shape.
    failure: (status, message) => Response.json({ error: message }, { status }),
  });
}
