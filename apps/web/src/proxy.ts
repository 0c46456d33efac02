import { type NextRequest, NextResponse } from "next/server";
import {
  clearedSessionCookie,
  readSession,
  SESSION_COOKIE,
  SESSION_ENDED_COOKIE,
  sessionEndedCookie,
} from "@/lib/session/session-cookie";
import { askWhoami } from "@/lib/session/whoami";

/**
 * Pages need a principal: a session whose token the API still accepts, or, when the API runs with
 * AIOS_AUTH=open, nobody at all. Otherwise the page redirects to sign-in (a revoked or expired
 * token's cookie is cleared on the way, and a mark left that says it ended, for the sign-in pages
 * that follow). The API is asked each time rather than the mode guessed.
 * `/trpc`, `/v1` and `/v2` are not guarded here: they forward the session's token, or none, and the API
 * answers 401 itself.
 */
export async function proxy(req: NextRequest) {
  const session = readSession(req);
  const who = await askWhoami(session?.token, req.signal);
  // The API is down: let the page render and show that, rather than a sign-in that cannot work.
  if (!who.ok || who.answer.principal !== null) return NextResponse.next();
  const signIn = new URL("/sign-in", req.url);
  const next = `${req.nextUrl.pathname}${req.nextUrl.search}`;
  if (next !== "/") signIn.searchParams.set("next", next);
  // Ended now, or by an earlier request of this browser (a prefetch may notice first).
  if (session || req.cookies.get(SESSION_ENDED_COOKIE)?.value === "1") signIn.searchParams.set("ended", "1");
  const res = NextResponse.redirect(signIn);
  if (req.cookies.has(SESSION_COOKIE)) res.headers.append("set-cookie", clearedSessionCookie(req));
  if (session) res.headers.append("set-cookie", sessionEndedCookie(req, true));
  return res;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|icon.svg|favicon.ico|trpc/|v1/|v2/|session|sign-in).*)"],
};
