import { crossSiteReason } from "@/lib/session/same-origin";
import { clearedSessionCookie, sessionCookie } from "@/lib/session/session-cookie";
import { signIn } from "@/lib/session/sign-in";

/** `POST /session {token}` signs in (sets the session cookie); `DELETE /session` signs out. */
export const dynamic = "force-dynamic";

const refusal = (status: number, message: string) => Response.json({ error: { message } }, { status });

export async function POST(req: Request) {
  const crossSite = crossSiteReason(req);
  if (crossSite) return refusal(403, crossSite);
  const body = await req.json().catch(() => undefined);
  const result = await signIn(body);
  if (!result.ok) return refusal(result.status, result.message);
  const { role, name, tokenId } = result.session;
  return Response.json(
    { role, name, tokenId },
    { headers: { "set-cookie": sessionCookie(req, result.session), "cache-control": "no-store" } },
  );
}

export async function DELETE(req: Request) {
  const crossSite = crossSiteReason(req);
  if (crossSite) return refusal(403, crossSite);
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(req) } });
}
