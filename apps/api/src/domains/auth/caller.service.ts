import type { Principal } from "../../auth/principal";
import type { AuthMode } from "../../auth/resolve-principal";
import type { TWhoamiResponse } from "./whoami.types";

/** Reads a token's public record (its name) by id; the tokens registry answers it. */
export interface TokenNames {
  get(id: string): Promise<{ name: string }>;
}

/** Describes the caller: the auth mode, and the role and name of the token it showed, if any. */
export async function describeCaller(
  mode: AuthMode,
  principal: Principal | null,
  tokens: TokenNames,
): Promise<TWhoamiResponse> {
  if (!principal) return { mode, principal: null };
  const name = principal.tokenId ? (await tokens.get(principal.tokenId)).name : null;
  return {
    mode,
    principal: { role: principal.role, name, tokenId: principal.tokenId, scope: principal.scope },
  };
}
