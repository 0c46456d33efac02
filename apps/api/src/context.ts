import type { Logger } from "@aios/service-kit";
import type { Principal } from "./auth/principal";
import type { Services } from "./services";

/**
 * What every tRPC procedure gets. Only the transport (trpc.ts, server.ts) imports this; services
 * take the principal and their collaborators as parameters, so no service depends on the wiring.
 */
export interface Context {
  services: Services;
  log: Logger;
  principal: Principal | null;
  /** The caller's address, for the rate limits of anonymous callers (open mode). */
  peerAddress?: string;
}
