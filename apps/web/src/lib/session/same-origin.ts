/**
 * Why a state-changing request must be refused as cross-site, or null when it may pass. Browsers
 * send `Origin` (and `Sec-Fetch-Site`) with every POST, so a page of another site cannot make the
 * console act with its visitor's session; a client without a browser has no session to abuse.
 */
export function crossSiteReason(req: Request): string | null {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return `refused a ${req.method} from another site (Sec-Fetch-Site: ${site})`;
  }
  const origin = req.headers.get("origin");
  if (origin === null) return null;
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `refused a ${req.method} with an unreadable Origin (${origin})`;
  }
  return originHost === host
    ? null
    : `refused a ${req.method} from origin ${origin}: the console is at ${host}`;
}
