import type { Logger } from "@aios/service-kit";
import type { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { Principal } from "./auth/principal";
import type { AuditService } from "./domains/audit/audit.service";
import { auditedInput, outcomeOfStatus, targetOfInput } from "./domains/audit/audit-outcome";
import { AppError, httpStatusOf } from "./errors";

type CallResult = { ok: true } | { ok: false; error: TRPCError };

/**
 * Procedures whose service records the action it took (the Parser: `parser.<action>` with its
 * target and whether it created anything): only their refusals and failures are recorded here.
 */
const SELF_AUDITED_WHEN_OK = new Set(["parser.applySpec"]);

/** The HTTP status a failed call is answered with: its taxonomy error's, else tRPC's own code's. */
function statusOf(error: TRPCError): number {
  return error.cause instanceof AppError ? httpStatusOf(error.cause) : getHTTPStatusCodeFromError(error);
}

/** Why a call was refused or failed, without the internals of an unexpected error (in the API's log). */
function reasonOf(error: TRPCError): string {
  const cause = error.cause;
  if (cause instanceof AppError && cause.kind !== "unexpected") return cause.message;
  if (error.code === "INTERNAL_SERVER_ERROR") return "internal error (see the API's log)";
  return error.message;
}

/**
 * The audit middleware of every procedure that changes state or runs code (`changeProcedure`,
 * `adminChangeProcedure`). It runs before the role check, so a refusal is recorded as well as a
 * success or a failure: who (the principal), the procedure, its target, the outcome and the
 * reason. An anonymous caller's input is not kept (anyone could fill the log with it). A failure to
 * write the event is logged and does not change the call's answer.
 */
export async function auditedCall<R extends CallResult>(opts: {
  /** The tRPC context (declared here by what it uses: only the transport imports context.ts). */
  ctx: { services: { audit: AuditService }; principal: Principal | null; log: Logger };
  path: string;
  getRawInput: () => Promise<unknown>;
  next: () => Promise<R>;
}): Promise<R> {
  const result = await opts.next();
  const { ctx, path } = opts;
  if (result.ok && SELF_AUDITED_WHEN_OK.has(path)) return result;
  try {
    const input = await opts.getRawInput().catch(() => undefined);
    await ctx.services.audit.record(ctx.principal, {
      action: path,
      target: targetOfInput(input),
      input: ctx.principal ? auditedInput(input) : undefined,
      outcome: result.ok ? "ok" : outcomeOfStatus(statusOf(result.error)),
      reason: result.ok ? null : reasonOf(result.error),
    });
  } catch (err) {
    ctx.log.error("audit event not written", { action: path, err });
  }
  return result;
}
