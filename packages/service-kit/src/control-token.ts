import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackHost } from "@aios/contracts";
import { z } from "zod";
import { ZMaxBodyMbEnv } from "./http-body";
import { sendBody } from "./http-server";

/**
 * Control tokens: the cluster agent gives each workload it starts a random token in
 * `AIOS_CONTROL_TOKEN` and sends it as `authorization: Bearer <token>` on the workload's control
 * routes (the executor's `PUT /instances`, the controller's `PUT /config`, ...). Health probes need
 * none; data routes take the workload's data token (data-token.ts).
 */
export const CONTROL_TOKEN_ENV = "AIOS_CONTROL_TOKEN";
/** The explicit opt-out (`AIOS_CONTROL_TOKEN=none`): control routes open, loopback only. */
export const NO_CONTROL_TOKEN = "none";

/** A new control token: 32 random bytes, base64url. */
export function newControlToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The `AIOS_CONTROL_TOKEN` field of an env schema: the token, or null for `none`. Required, so a
 * runtime started without one refuses to start instead of serving its control routes to anyone.
 */
export const ZControlTokenEnv = z
  .string({
    error: `${CONTROL_TOKEN_ENV} is required: the bearer token of the control routes (the agent sets it; ${CONTROL_TOKEN_ENV}=${NO_CONTROL_TOKEN} runs without, on a loopback HOST only)`,
  })
  .refine((v) => v === NO_CONTROL_TOKEN || v.length >= 16, {
    error: `${CONTROL_TOKEN_ENV} must be at least 16 characters (or "${NO_CONTROL_TOKEN}")`,
  })
  .transform((v) => (v === NO_CONTROL_TOKEN ? null : v));

/**
 * For an env schema's `superRefine`: the opt-out (`AIOS_CONTROL_TOKEN=none`) is refused unless the
 * process listens on a loopback address, so open control routes never face a network.
 */
export function refuseOpenControlOffLoopback(
  env: { HOST: string; AIOS_CONTROL_TOKEN: string | null },
  ctx: z.RefinementCtx,
): void {
  if (env.AIOS_CONTROL_TOKEN === null && !isLoopbackHost(env.HOST))
    ctx.addIssue({
      code: "custom",
      path: [CONTROL_TOKEN_ENV],
      message: `${CONTROL_TOKEN_ENV}=${NO_CONTROL_TOKEN} is only allowed on a loopback HOST, not ${env.HOST}`,
    });
}

/**
 * The environment of a workload the agent starts (an executor, a vDAG controller): `PORT`, `HOST`
 * (default 127.0.0.1), `AIOS_CONTROL_TOKEN` (its opt-out on loopback only) and `AIOS_MAX_BODY_MB`
 * (the data plane's body limit, default 16), plus its own fields.
 */
export function workloadEnv<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({
      PORT: z.coerce.number().int().min(1).max(65535),
      HOST: z.string().min(1).default("127.0.0.1"),
      AIOS_CONTROL_TOKEN: ZControlTokenEnv,
      AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
      ...shape,
    })
    .superRefine((env, ctx) =>
      refuseOpenControlOffLoopback(env as { HOST: string; AIOS_CONTROL_TOKEN: string | null }, ctx),
    );
}

/** Headers of a control call: `authorization: Bearer <token>`, none without a token. */
export function controlHeaders(token: string | null | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Which of a workload's tokens a route takes: `control` (the agent's routes) or `data` (requests). */
export type WorkloadTokenKind = "control" | "data";

/** What is wrong with the request's bearer token (null: it is `token`). Constant-time comparison. */
export function bearerProblem(
  req: IncomingMessage,
  token: string,
  kind: WorkloadTokenKind = "control",
): string | null {
  const header = req.headers.authorization;
  if (!header) return `no authorization header: ${kind} routes need \`authorization: Bearer <token>\``;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match) return "the authorization header is not `Bearer <token>`";
  // Digests have one length, so neither the comparison nor its length check leaks the token.
  if (!timingSafeEqual(digest(match[1]!), digest(token)))
    return `the bearer token is not this workload's ${kind} token`;
  return null;
}

/**
 * Guards a control route: true when the request may proceed (the right bearer token, or `token`
 * null for the opt-out); otherwise answers `401 {error: {stage: "auth", message}}` and returns false.
 */
export function requireControlToken(
  req: IncomingMessage,
  res: ServerResponse,
  token: string | null,
): boolean {
  return requireWorkloadToken(req, res, token, "control");
}

/** `requireControlToken` for either of a workload's tokens; the 401 names the route and the token. */
export function requireWorkloadToken(
  req: IncomingMessage,
  res: ServerResponse,
  token: string | null,
  kind: WorkloadTokenKind,
): boolean {
  if (token === null) return true;
  const problem = bearerProblem(req, token, kind);
  if (problem === null) return true;
  const route = `${req.method} ${req.url?.split("?", 1)[0]}`;
  sendBody(
    res,
    401,
    JSON.stringify({ error: { stage: "auth", message: `${route}: ${problem}` } }),
    undefined,
    {
      "www-authenticate": `Bearer realm="aios-${kind}"`,
    },
  );
  return false;
}
