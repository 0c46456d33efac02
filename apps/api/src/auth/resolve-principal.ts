import { isRole, type Principal } from "./principal";
import { hashToken } from "./token-hash";

/** `open`: every caller acts as admin (the single-machine default); `token`: a bearer token is required. */
export type AuthMode = "open" | "token";

/** What resolving a caller needs: the auth mode and a look-up of active tokens by their hash. */
export interface PrincipalSource {
  config: { auth: AuthMode };
  tokens: {
    findActive(tokenHash: string): Promise<{ id: string; role: string; scope: string | null } | null>;
  };
}

const OPEN_ADMIN: Principal = { role: "admin", scope: null, tokenId: null };

/**
 * Who is calling. With AIOS_AUTH=open every caller acts as admin, unless it shows a token of its
 * own; with AIOS_AUTH=token a bearer token is looked up by its hash and carries a role (and a
 * cluster scope for agents). A token whose role this API does not know is not honoured.
 */
export async function resolvePrincipal(
  source: PrincipalSource,
  authorization: string | undefined,
): Promise<Principal | null> {
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) {
    const token = await source.tokens.findActive(hashToken(bearer));
    if (token && isRole(token.role)) return { role: token.role, scope: token.scope, tokenId: token.id };
    if (source.config.auth === "token") return null;
  }
  return source.config.auth === "open" ? { ...OPEN_ADMIN } : null;
}
