import type { TPolicyCallResult, TPolicyErrorInfo } from "@aios/contracts";
import { PolicyError } from "./errors";
import type { CallResult } from "./sandbox/types";

/** A policy's failure as callers receive it: kind, message, where in its code, its issues. */
export function policyErrorInfo(error: Error): TPolicyErrorInfo {
  if (error instanceof PolicyError) {
    return {
      kind: error.kind,
      message: error.message,
      ...(error.line !== undefined ? { line: error.line } : {}),
      ...(error.column !== undefined ? { column: error.column } : {}),
      ...(error.policyStack ? { stack: error.policyStack } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
    };
  }
  return { kind: "runtime", message: error.message };
}

/** A sandbox call's result as an API answer: output or error, with the policy's logs. */
export function policyCallResult(r: CallResult<unknown>): TPolicyCallResult {
  return r.ok
    ? { ok: true, output: r.value, logs: r.logs, durationMs: r.durationMs }
    : { ok: false, error: policyErrorInfo(r.error), logs: r.logs, durationMs: r.durationMs };
}
