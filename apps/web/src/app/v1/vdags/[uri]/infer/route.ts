import { proxyToApi } from "@/lib/api-proxy";
import { decodeParam } from "@/lib/routes";

/**
 * Same-origin proxy to the data plane `POST /v1/vdags/<vdagURI>/infer` (the vDAG page's Run panel);
 * `?async=1` passes through (202 `{taskId}`).
 */
export const dynamic = "force-dynamic";

export async function POST(req: Request, { params }: { params: Promise<{ uri: string }> }) {
  const { uri } = await params;
  const query = new URL(req.url).search;
  return proxyToApi(req, `/v1/vdags/${encodeURIComponent(decodeParam(uri))}/infer${query}`, {
    requestHeaders: ["accept", "content-type"],
    // The data plane's own error shape.
    failure: (status, message) =>
      Response.json({ error: { message, stage: "request" }, trace: [] }, { status }),
  });
}
