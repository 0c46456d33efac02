import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackHost } from "@aios/contracts";
import { z } from "zod";
import { controlHeaders, newControlToken, requireWorkloadToken } from "./control-token";

/**
 * Data tokens: a workload's identity on the data plane. The cluster agent gives each instance,
 * executor, vDAG controller and function replica a second random token in `AIOS_DATA_TOKEN` and
 * hands it to whoever sends it requests (an instance's to its block's executor, an executor's to
 * the API and to vDAG controllers, a controller's and a replica's to the API, with its endpoint);
 * their data routes refuse a request without it (401). Same format and checks as the control
 * token, a different secret: a data caller cannot manage the workload.
 */
export const DATA_TOKEN_ENV = "AIOS_DATA_TOKEN";
/** The explicit opt-out (`AIOS_DATA_TOKEN=none`): data routes open, loopback only. */
export const NO_DATA_TOKEN = "none";

/** A new data token: 32 random bytes, base64url (as a control token). */
export const newDataToken = (): string => newControlToken();

/** Headers of a data call: `authorization: Bearer <token>`, none without a token. */
export const dataHeaders = (token: string | null | undefined): Record<string, string> =>
  controlHeaders(token);

/**
 * The `AIOS_DATA_TOKEN` field of an env schema: the token, or null for `none`. Required, so a
 * workload started without one refuses to start instead of serving its data routes to anyone.
 */
export const ZDataTokenEnv = z
  .string({
    error: `${DATA_TOKEN_ENV} is required: the bearer token of the data routes (the agent sets it; ${DATA_TOKEN_ENV}=${NO_DATA_TOKEN} runs without, on a loopback HOST only)`,
  })
  .refine((v) => v === NO_DATA_TOKEN || v.length >= 16, {
    error: `${DATA_TOKEN_ENV} must be at least 16 characters (or "${NO_DATA_TOKEN}")`,
  })
  .transform((v) => (v === NO_DATA_TOKEN ? null : v));

/** For an env schema's `superRefine`: `AIOS_DATA_TOKEN=none` only on a loopback `HOST`. */
export function refuseOpenDataOffLoopback(
  env: { HOST: string; AIOS_DATA_TOKEN: string | null },
  ctx: z.RefinementCtx,
): void {
  if (env.AIOS_DATA_TOKEN === null && !isLoopbackHost(env.HOST))
    ctx.addIssue({
      code: "custom",
      path: [DATA_TOKEN_ENV],
      message: `${DATA_TOKEN_ENV}=${NO_DATA_TOKEN} is only allowed on a loopback HOST, not ${env.HOST}`,
    });
}

/**
 * Guards a data route: true with the workload's data token as `authorization: Bearer` (or `token`
 * null, the opt-out); otherwise answers 401 naming the route and returns false.
 */
export function requireDataToken(req: IncomingMessage, res: ServerResponse, token: string | null): boolean {
  return requireWorkloadToken(req, res, token, "data");
}
