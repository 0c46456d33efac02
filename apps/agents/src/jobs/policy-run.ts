import type { ApiClient } from "@aios/client";
import type { TPolicyCallResult } from "@aios/contracts";
import { compilePolicy, PolicyError, type SandboxLimits } from "@aios/policy-runtime";
import { openPolicyInstance, type SandboxProcess } from "@aios/policy-runtime/sandbox";
import type { JobHandlers } from "./registry";

/**
 * Execution type 3: takes the job from the API (code, input, merged settings), runs the policy once
 * in a fresh isolate of `sandbox` (a child process of the workload user, without the agent's
 * environment), and reports the result. A job already finished (a redelivered queue entry) is not
 * run again.
 */
export function policyRunHandler(
  api: ApiClient,
  limits: Partial<SandboxLimits>,
  sandbox?: SandboxProcess,
): NonNullable<JobHandlers["policy.run"]> {
  return async (job) => {
    const work = await api.agents.work.policyJob.mutate({ jobId: job.jobId });
    if (work.finished) return { jobId: job.jobId, skipped: "already finished" };
    const result = await runOnce(work.source, work.job.input, limits, sandbox);
    await api.agents.work.reportPolicyJob.mutate({ jobId: job.jobId, result });
    return { jobId: job.jobId, ok: result.ok };
  };
}

/** Compile, load, init, eval, dispose; the logs of init and eval are kept, whichever fails. */
async function runOnce(
  source: { code: string; settings: object; parameters: object },
  input: unknown,
  limits: Partial<SandboxLimits>,
  sandbox: SandboxProcess | undefined,
): Promise<TPolicyCallResult> {
  const t0 = performance.now();
  const took = () => performance.now() - t0;
  let instance: Awaited<ReturnType<typeof openPolicyInstance>>;
  try {
    instance = await openPolicyInstance(await compilePolicy(source.code, "policy.ts"), {
      limits,
      ...(sandbox ? { process: sandbox } : {}),
    });
  } catch (err) {
    return { ok: false, error: errorInfo(err as Error), logs: [], durationMs: took() };
  }
  try {
    const init = await instance.init(source.settings, source.parameters);
    if (!init.ok) return { ok: false, error: errorInfo(init.error), logs: init.logs, durationMs: took() };
    const r = await instance.eval(input);
    const logs = [...init.logs, ...r.logs];
    return r.ok
      ? { ok: true, output: r.value, logs, durationMs: took() }
      : { ok: false, error: errorInfo(r.error), logs, durationMs: took() };
  } finally {
    instance.dispose();
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
