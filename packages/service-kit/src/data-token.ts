/*
 * Data tokens: a workload's identity on the data plane. The cluster agent gives each instance,
 * executor, vDAG controller and function replica a second random token in `AIOS_DATA_TOKEN` and
 * hands it to whoever sends it requests (an instance's to its block's executor, an executor's to
 * the API and to vDAG controllers, a controller's and a replica's to the API, with its endpoint);
 * their data routes refuse a request without it (401). Same format and checks as the control
 * token, a different secret: a data caller cannot manage the workload.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import {
  controlHeaders,
  DATA_TOKEN_ENV,
  newControlToken,
  refuseOpenTokenOffLoopback,
  requireWorkloadToken,
  workloadTokenEnv,
} from "./control-token";

/** The explicit opt-out (`AIOS_DATA_TOKEN=none`): data routes open, loopback only. */
export const NO_DATA_TOKEN = "none";

/** A new data token: 32 random bytes, base64url (as a control token). */
export const newDataToken = (): string => newControlToken();

/** Headers of a data call: `authorization: Bearer <token>`, none without a token. */
export const dataHeaders = (token: string | null | undefined): Record<string, string> =>
  controlHeaders(token);

/** The `AIOS_DATA_TOKEN` field of an env schema (`workloadTokenEnv`). */
export const ZDataTokenEnv = workloadTokenEnv(DATA_TOKEN_ENV, "data");

/** `AIOS_DATA_TOKEN=none` only on a loopback `HOST` (`refuseOpenTokenOffLoopback`). */
export function refuseOpenDataOffLoopback(
  env: { HOST: string; AIOS_DATA_TOKEN: string | null },
  ctx: z.RefinementCtx,
): void {
  refuseOpenTokenOffLoopback(DATA_TOKEN_ENV, env, ctx);
}

/**
 * Guards a data route: true with the workload's data token as `authorization: Bearer` (or `token`
 * null, the opt-out); otherwise answers 401 naming the route and returns false.
 */
export function requireDataToken(req: IncomingMessage, res: ServerResponse, token: string | null): boolean {
  return requireWorkloadToken(req, res, token, "data");
}
