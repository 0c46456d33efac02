import { crossSiteReason } from "@/lib/session/same-origin";
import { clearedSessionCookie, sessionCookie, sessionEndedCookie } from "@/lib/session/session-cookie";
import { signIn } from "@/lib/session/sign-in";

/** `POST /session {token}` signs in (sets the session cookie); `DELETE /session` signs out. */
export const dynamic = "force-dynamic";

/** A token and nothing else: anything longer is not a sign-in. */
const MAX_BODY_CHARS = 4096;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const refusal = (status: number, message: string) => Response.json({ error: { message } }, { status });

export async function POST(req: Request) {
  const crossSite = crossSiteReason(req);
  if (crossSite) return refusal(403, crossSite);
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_CHARS)
    return refusal(413, `a sign-in body is at most ${MAX_BODY_CHARS} characters`);
  const text = await req.text();
  if (text.length > MAX_BODY_CHARS)
    return refusal(413, `a sign-in body is at most ${MAX_BODY_CHARS} characters`);
  const result = await signIn(parseJson(text));
  if (!result.ok) return refusal(result.status, result.message);
  const { role, name, tokenId } = result.session;
  const headers = new Headers({ "cache-control": "no-store" });
  headers.append("set-cookie", sessionCookie(req, result.session));
  headers.append("set-cookie", sessionEndedCookie(req, false));
  return Response.json({ role, name, tokenId }, { headers });
}

export async function DELETE(req: Request) {
  const crossSite = crossSiteReason(req);
  if (crossSite) return refusal(403, crossSite);
  const headers = new Headers();
  headers.append("set-cookie", clearedSessionCookie(req));
  headers.append("set-cookie", sessionEndedCookie(req, false));
  return new Response(null, { status: 204, headers });
}
