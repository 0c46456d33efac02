import { createHash } from "node:crypto";
import type { Logger } from "@aios/service-kit";
import type { Services } from "./services";

export type Role = "admin" | "operator" | "viewer" | "agent";

export interface Principal {
  role: Role;
  /** For agent tokens: the cluster the token belongs to. */
  scope: string | null;
  tokenId: string | null;
}

export interface Context {
  services: Services;
  log: Logger;
  principal: Principal | null;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Who is calling. With AIOS_AUTH=open (the single-machine default) every caller acts as admin; with
 * AIOS_AUTH=token a bearer token is looked up by its hash and carries a role (and a cluster scope
 * for agents).
 */
export async function resolvePrincipal(
  services: Services,
  authorization: string | undefined,
): Promise<Principal | null> {
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) {
    const token = await services.tokens.findActive(hashToken(bearer));
    if (token) return { role: token.role as Role, scope: token.scope, tokenId: token.id };
    if (services.config.auth === "token") return null;
  }
  return services.config.auth === "open" ? { role: "admin", scope: null, tokenId: null } : null;
}
