import { ASSET_SHA256_HEADER } from "@aios/contracts";
import { proxyToApi } from "@/lib/api-proxy";

/**
 * Same-origin proxy to the data plane `GET /v1/assets/blobs/<sha256>` (an asset's Download), with
 * the session's token; the bytes stream through with their size and digest. Uploads are not
 * proxied: they go to the API directly (`aios asset upload`).
 */
export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ sha256: string }> }) {
  const { sha256 } = await params;
  return proxyToApi(req, `/v1/assets/blobs/${encodeURIComponent(sha256)}`, {
    requestHeaders: [],
    responseHeaders: ["content-length", ASSET_SHA256_HEADER],
    failure: (status, message) => Response.json({ error: { message, stage: "request" } }, { status }),
  });
}
