import type { ApiClient } from "@aios/client";
import { compilePolicy, loadPolicyInstance, PolicyError, type SandboxLimits } from "@aios/policy-runtime";
import type { TPolicyCallResult } from "@aios/spec";
import type { JobHandlers } from "./registry";

/**
 * Execution type 3: takes the job from the API (code, input, merged settings), runs the policy once
 * in a fresh sandbox, and reports the result. A job already finished (a redelivered queue entry)
 * is not run again.
 */
export function policyRunHandler(
  api: ApiClient,
  limits: Partial<SandboxLimits>,
): NonNullable<JobHandlers["policy.run"]> {
  return async (job) => {
    const work = await api.agents.work.policyJob.mutate({ jobId: job.jobId });
    if (work.finished) return { jobId: job.jobId, skipped: "already finished" };
    const result = await runOnce(work.source, work.job.input, limits);
    await api.agents.work.reportPolicyJob.mutate({ jobId: job.jobId, result });
    return { jobId: job.jobId, ok: result.ok };
  };
}

async function runOnce(
  source: { code: string; settings: object; parameters: object },
  input: unknown,
  limits: Partial<SandboxLimits>,
): Promise<TPolicyCallResult> {
  const t0 = performance.now();
  try {
    const instance = await loadPolicyInstance(await compilePolicy(source.code, "policy.ts"), {
      limits,
      settings: source.settings,
      parameters: source.parameters,
    });
    try {
      const r = await instance.eval(input);
      return r.ok
        ? { ok: true, output: r.value, logs: r.logs, durationMs: r.durationMs }
        : { ok: false, error: errorInfo(r.error), logs: r.logs, durationMs: r.durationMs };
    } finally {
      instance.dispose();
    }
  } catch (err) {
    return { ok: false, error: errorInfo(err as Error), logs: [], durationMs: performance.now() - t0 };
  }
}

export function errorInfo(err: Error): NonNullable<TPolicyCallResult["error"]> {
  if (err instanceof PolicyError) {
    return {
      kind: err.kind,
      message: err.message,
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.column !== undefined ? { column: err.column } : {}),
      ...(err.issues ? { issues: err.issues } : {}),
    };
  }
  return { kind: "runtime", message: err.message };
}
