import type { IncomingMessage } from "node:http";
import type { Principal } from "../auth/principal";
import { type PrincipalSource, resolvePrincipal } from "../auth/resolve-principal";

const resolved = new WeakMap<IncomingMessage, Promise<Principal | null>>();

/**
 * The caller of a data-plane request (`resolvePrincipal`), looked up once per request: its route
 * and its audit event (`audit.ts`) share the look-up instead of reading the token twice.
 */
export function principalOfRequest(source: PrincipalSource, req: IncomingMessage): Promise<Principal | null> {
  let principal = resolved.get(req);
  if (!principal) {
    principal = resolvePrincipal(source, req.headers.authorization);
    resolved.set(req, principal);
  }
  return principal;
}
