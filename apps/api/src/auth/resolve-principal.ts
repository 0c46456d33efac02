import { isRole, type Principal } from "./principal";
import { hashToken } from "./token-hash";

/** `open`: every caller acts as admin (the single-machine default); `token`: a bearer token is required. */
export type AuthMode = "open" | "token";

/** A stored token as principal resolution reads it (never its hash). */
export interface ActiveToken {
  id: string;
  role: string;
  scope: string | null;
  scopes?: string[];
  /** null or absent: the token does not expire. */
  expiresAt?: Date | null;
}

/** What resolving a caller needs: the auth mode and a look-up of unrevoked tokens by their hash. */
export interface PrincipalSource {
  config: { auth: AuthMode };
  tokens: {
    findActive(tokenHash: string): Promise<ActiveToken | null>;
    /** Notes that the token was used (kept at most once a minute per token). */
    markUsed?(tokenId: string): Promise<void>;
  };
}

const OPEN_ADMIN: Principal = { role: "admin", scope: null, tokenId: null };

/**
 * Who is calling. With AIOS_AUTH=open every caller acts as admin, unless it shows a token of its
 * own; with AIOS_AUTH=token a bearer token is looked up by its hash on every request (the token
 * service may answer from what it keeps while it hears every change: a revocation holds from the
 * next request on once heard) and carries a role (and a cluster scope for agents). A token whose
 * role this API does not know, or whose expiry has passed, is not honoured.
 */
export async function resolvePrincipal(
  source: PrincipalSource,
  authorization: string | undefined,
  now: Date = new Date(),
): Promise<Principal | null> {
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) {
    const token = await source.tokens.findActive(hashToken(bearer));
    if (token && isRole(token.role) && !expired(token, now)) {
      // Not awaited: the request need not wait for the write.
      void source.tokens.markUsed?.(token.id);
      return { role: token.role, scope: token.scope, tokenId: token.id, scopes: token.scopes ?? [] };
    }
    if (source.config.auth === "token") return null;
  }
  return source.config.auth === "open" ? { ...OPEN_ADMIN } : null;
}

const expired = (token: ActiveToken, now: Date) =>
  token.expiresAt != null && token.expiresAt.getTime() <= now.getTime();
