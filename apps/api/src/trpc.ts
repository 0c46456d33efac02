import { fieldIssues } from "@aios/contracts";
import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { auditedCall } from "./audit-middleware";
import { callerKeyOf, hasRole, mayActAsAgent, type RankedRole } from "./auth/principal";
import type { Context } from "./context";
import { databaseUnreachable } from "./db-unreachable";
import {
  AppError,
  type FieldIssue,
  httpStatusOf,
  NotFoundError,
  newErrorRef,
  QuotaExceededError,
  UserError,
} from "./errors";
import { guardInput } from "./input-guard";
import { assertWithinRate, type RateLimits } from "./rate-limits";

/**
 * tRPC's code for an HTTP status: tRPC's own code-to-status table turned around, so the statuses
 * come from `httpStatusOf` alone. PARSE_ERROR (also 400) is JSON-RPC's own, never a service's.
 */
const CODE_OF_STATUS = new Map(
  (Object.keys(TRPC_ERROR_CODES_BY_KEY) as TRPC_ERROR_CODE_KEY[])
    .filter((code) => code !== "PARSE_ERROR")
    .map((code) => [getHTTPStatusCodeFromError(new TRPCError({ code })), code] as const),
);

/** The tRPC code of an error of the taxonomy (the code whose HTTP status `httpStatusOf` gives). */
export const trpcCodeOf = (err: AppError): TRPC_ERROR_CODE_KEY =>
  CODE_OF_STATUS.get(httpStatusOf(err)) ?? "INTERNAL_SERVER_ERROR";

/** What a procedure declares about itself (`.meta`), read before its context is made. */
export interface ProcedureMeta {
  /**
   * The procedure answers the same to anyone and never reads `ctx.principal` (null for it): the
   * caller's token is not looked up for a request that calls only such procedures (`server.ts`).
   */
  anonymous?: boolean;
}

const tRPC = initTRPC.context<Context>().meta<ProcedureMeta>();
const t = tRPC.create({
  sse: { ping: { enabled: true, intervalMs: 5_000 } },
  errorFormatter({ shape, error }) {
    const retryAfterSeconds =
      error.cause instanceof QuotaExceededError ? error.cause.retryAfterSeconds : undefined;
    return {
      ...shape,
      data: { ...shape.data, stack: undefined, issues: issuesOf(error), retryAfterSeconds },
    };
  },
});

/** Field issues for the client: from a UserError, or from zod's validation of a procedure's input. */
function issuesOf(error: TRPCError): FieldIssue[] | undefined {
  const cause = error.cause;
  if (cause instanceof UserError) return cause.issues;
  if (cause instanceof NotFoundError && cause.field)
    return [{ path: cause.field, message: `${cause.entity} ${JSON.stringify(cause.key)} was not found` }];
  if (cause instanceof ZodError) return fieldIssues(cause, "(input)");
  return undefined;
}

/** One place maps the error taxonomy to tRPC codes; unexpected errors are logged, not leaked. */
const mapErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof AppError && cause.kind !== "unexpected") {
    throw new TRPCError({ code: trpcCodeOf(cause), message: cause.message, cause });
  }
  if (result.error.code === "INTERNAL_SERVER_ERROR") {
    const down = databaseUnreachable(cause);
    if (down) throw new TRPCError({ code: trpcCodeOf(down), message: down.message, cause: down });
    const ref = newErrorRef();
    ctx.log.error("unexpected error", { path, ref, err: cause ?? result.error });
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `internal error (ref ${ref})` });
  }
  return result;
});

function requireRole(min: RankedRole) {
  return t.middleware(({ ctx, next, path }) => {
    const p = ctx.principal;
    if (!p) throw new TRPCError({ code: "UNAUTHORIZED", message: "an API token is required" });
    if (!hasRole(p, min)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `${path} needs role ${min}; this token has ${p.role}`,
      });
    }
    return next({ ctx: { ...ctx, principal: p } });
  });
}

const requireAgent = t.middleware(({ ctx, next }) => {
  const p = ctx.principal;
  if (!p) throw new TRPCError({ code: "UNAUTHORIZED", message: "an agent token is required" });
  if (!mayActAsAgent(p)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "only cluster agents may call this" });
  }
  return next({ ctx: { ...ctx, principal: p } });
});

/** A per-key rate limit (429 with `Retry-After`), after the role check so refusals cost nothing. */
function rateLimited(limit: keyof RateLimits) {
  return t.middleware(({ ctx, next }) => {
    if (ctx.principal)
      assertWithinRate(ctx.services.rateLimits[limit], callerKeyOf(ctx.principal, ctx.peerAddress));
    return next();
  });
}

/** Every change and run leaves an audit event: who, what, on what, how it ended and why (refusals too). */
const audited = t.middleware(auditedCall);

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors).use(guardInput);
/** Public, blind to who calls (`ctx.principal` is null): no token is looked up to answer it. */
export const anonymousProcedure = publicProcedure.meta({ anonymous: true });
export const viewerProcedure = publicProcedure.use(requireRole("viewer"));
export const operatorProcedure = publicProcedure.use(requireRole("operator"));
/** For what changes state or runs code (executes, invokes, dry runs, management commands): audited. */
export const changeProcedure = publicProcedure.use(audited).use(requireRole("operator"));
/** For dry runs: they run code, so they are an operator's, audited and rate-limited per key. */
export const dryRunProcedure = changeProcedure.use(rateLimited("dryRun"));
export const adminProcedure = publicProcedure.use(requireRole("admin"));
/** For admin mutations that change state (the network's governing rules). */
export const adminChangeProcedure = publicProcedure.use(audited).use(requireRole("admin"));
export const agentProcedure = publicProcedure.use(requireAgent);
export const createCallerFactory = t.createCallerFactory;

/** Whether every call of a request is to an anonymous procedure: then nobody needs the caller. */
export const onlyAnonymousCalls = (info: {
  calls: Array<{ procedure: { _def: { meta?: unknown } } | null }>;
}) =>
  info.calls.every((call) => (call.procedure?._def.meta as ProcedureMeta | undefined)?.anonymous === true);
