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
/** The data token's variable (data-token.ts says what it guards). */
export const DATA_TOKEN_ENV = "AIOS_DATA_TOKEN";

/** A new control token: 32 random bytes, base64url. */
export function newControlToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The opt-out of either workload token (`AIOS_CONTROL_TOKEN=none`, `AIOS_DATA_TOKEN=none`). */
const NO_TOKEN = "none";

/**
 * The env field of one of a workload's tokens (`variable`, guarding its `kind` routes): the token,
 * or null for `none`. Required, so a workload started without one refuses to start instead of
 * serving those routes to anyone.
 */
export const workloadTokenEnv = (variable: string, kind: WorkloadTokenKind) =>
  z
    .string({
      error: `${variable} is required: the bearer token of the ${kind} routes (the agent sets it; ${variable}=${NO_TOKEN} runs without, on a loopback HOST only)`,
    })
    .refine((v) => v === NO_TOKEN || v.length >= 16, {
      error: `${variable} must be at least 16 characters (or "${NO_TOKEN}")`,
    })
    .transform((v) => (v === NO_TOKEN ? null : v));

/**
 * For an env schema's `superRefine`: a token's opt-out (`<variable>=none`, the token read as null)
 * is refused unless the process listens on a loopback address, so open routes never face a network.
 */
export function refuseOpenTokenOffLoopback(
  variable: string,
  env: { HOST: string } & Record<string, unknown>,
  ctx: z.RefinementCtx,
): void {
  if (env[variable] === null && !isLoopbackHost(env.HOST))
    ctx.addIssue({
      code: "custom",
      path: [variable],
      message: `${variable}=${NO_TOKEN} is only allowed on a loopback HOST, not ${env.HOST}`,
    });
}

/** The `AIOS_CONTROL_TOKEN` field of an env schema (`workloadTokenEnv`). */
export const ZControlTokenEnv = workloadTokenEnv(CONTROL_TOKEN_ENV, "control");

/** `AIOS_CONTROL_TOKEN=none` only on a loopback `HOST` (`refuseOpenTokenOffLoopback`). */
export function refuseOpenControlOffLoopback(
  env: { HOST: string; AIOS_CONTROL_TOKEN: string | null },
  ctx: z.RefinementCtx,
): void {
  refuseOpenTokenOffLoopback(CONTROL_TOKEN_ENV, env, ctx);
}

/**
 * The environment of a workload the agent starts (an executor, a vDAG controller): `PORT`, `HOST`
 * (default 127.0.0.1), its two tokens `AIOS_CONTROL_TOKEN` and `AIOS_DATA_TOKEN` (their opt-outs on
 * loopback only) and `AIOS_MAX_BODY_MB` (the data plane's body limit, default 16), plus its own fields.
 */
export function workloadEnv<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({
      PORT: z.coerce.number().int().min(1).max(65535),
      HOST: z.string().min(1).default("127.0.0.1"),
      AIOS_CONTROL_TOKEN: ZControlTokenEnv,
      AIOS_DATA_TOKEN: workloadTokenEnv(DATA_TOKEN_ENV, "data"),
      AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
      ...shape,
    })
    .superRefine((env, ctx) => {
      const e = env as { HOST: string } & Record<string, unknown>;
      refuseOpenTokenOffLoopback(CONTROL_TOKEN_ENV, e, ctx);
      refuseOpenTokenOffLoopback(DATA_TOKEN_ENV, e, ctx);
    });
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
