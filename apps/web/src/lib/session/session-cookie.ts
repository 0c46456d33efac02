import { webEnv } from "../env";
import { loadSessionKey } from "./session-key";
import { sealSession, type TSession, unsealSession } from "./session-seal";

export const SESSION_COOKIE = "aios_session";
/** How long a sign-in lasts at most; the token's own expiry or revocation ends it sooner. */
export const SESSION_SECONDS = 12 * 60 * 60;

let key: Buffer | undefined;
const sessionKey = () => {
  key ??= loadSessionKey(webEnv().AIOS_WEB_DATA_DIR);
  return key;
};

/** A cookie's value from a `cookie` header, or undefined. */
export function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The signed-in principal of a request, or null (no cookie, tampered, expired). */
export function readSession(req: Request): TSession | null {
  const sealed = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
  return sealed ? unsealSession(sealed, sessionKey()) : null;
}

/** Served over https (directly, or behind a proxy that says so): the cookie is then `Secure`. */
export function isHttps(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (forwarded ?? new URL(req.url).protocol.replace(/:$/, "")) === "https";
}

function cookie(req: Request, value: string, maxAge: number): string {
  const secure = isHttps(req) ? "; Secure" : "";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

/** `Set-Cookie` for a new session of `principal`, lasting SESSION_SECONDS. */
export function sessionCookie(req: Request, principal: Omit<TSession, "expiresAt">): string {
  const expiresAt = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
  return cookie(req, sealSession({ ...principal, expiresAt }, sessionKey()), SESSION_SECONDS);
}

/** `Set-Cookie` that ends the session in the browser. */
export function clearedSessionCookie(req: Request): string {
  return cookie(req, "", 0);
}

/**
 * Set when a session ended because its token was revoked or expired, so whichever request of the
 * browser's notices it first (a page, a prefetch), every sign-in page after it says why; the next
 * sign-in or sign-out clears it.
 */
export const SESSION_ENDED_COOKIE = "aios_session_ended";
const ENDED_SECONDS = 10 * 60;

/** `Set-Cookie` of the ended-session mark (`on`) or of its removal. */
export function sessionEndedCookie(req: Request, on: boolean): string {
  const secure = isHttps(req) ? "; Secure" : "";
  return `${SESSION_ENDED_COOKIE}=${on ? "1" : ""}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${on ? ENDED_SECONDS : 0}${secure}`;
}
