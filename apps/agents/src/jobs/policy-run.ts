import type { ApiClient } from "@aios/client";
import type { TPolicyCallResult } from "@aios/contracts";
import {
  clusterMetricsQueryUrl,
  compilePolicy,
  type MetricsQueryTarget,
  type PolicyQuery,
  policyErrorInfo,
  type SandboxLimits,
} from "@aios/policy-runtime";
import { openPolicyInstance, type SandboxProcess } from "@aios/policy-runtime/sandbox";
import type { Driver } from "../drivers/driver";
import { POLICY_JOB_ENV, POLICY_JOB_RUNNER, resultOfLine } from "./policy-job-io";
import type { JobHandlers } from "./registry";

/** How long a policy job's Job may run, start to end (its policy calls have their own CPU limit). */
const JOB_TIMEOUT_MS = 5 * 60_000;

/**
 * Execution type 3: takes the job from the API (code, input, merged settings), runs the policy once
 * in a fresh isolate, and reports the result. With `jobs` (a driver that runs containers: the
 * kubernetes one), the run is a Job of the cluster (policy-job-main.ts in the AIOS image, the work
 * in a Secret only its pod reads); else it runs in `sandbox` (a child process of the workload user,
 * without the agent's environment). A job already finished (a redelivered queue entry) is not run
 * again. Its `ctx.query` reads the job's cluster's metrics: through the API with the agent's token
 * in a sandbox child, with a metrics key of the job's own (`agents.work.metricsKey`, revoked when
 * the job reports) in a Job's pod, which holds no token of the agent's.
 */
export function policyRunHandler(
  api: ApiClient,
  limits: Partial<SandboxLimits>,
  sandbox?: SandboxProcess,
  /** Run as Jobs of this driver; `apiUrl`: the API as its pods reach it. */
  jobs?: { driver: Driver; apiUrl: string },
): NonNullable<JobHandlers["policy.run"]> {
  return async (job) => {
    const work = await api.agents.work.policyJob.mutate({ jobId: job.jobId });
    if (work.finished) return { jobId: job.jobId, skipped: "already finished" };
    const clusterId = work.job.clusterId;
    let result: TPolicyCallResult;
    if (jobs) {
      const query = clusterId
        ? {
            url: clusterMetricsQueryUrl(jobs.apiUrl, clusterId),
            token: (
              await api.agents.work.metricsKey.mutate({
                clusterId,
                holder: { kind: "policy-job", id: job.jobId },
              })
            ).token,
          }
        : undefined;
      result = await runAsJob(jobs.driver, job.jobId, { ...work, query }, limits);
    } else {
      const query = clusterId
        ? (q: unknown) => api.agents.work.metricsQuery.query({ clusterId, query: q })
        : undefined;
      result = await runPolicyOnce(work.source, work.job.input, limits, sandbox, query);
    }
    await api.agents.work.reportPolicyJob.mutate({ jobId: job.jobId, result });
    return { jobId: job.jobId, ok: result.ok };
  };
}

/** The policy run by the driver as a job of its own: its result is the runner's last line. */
async function runAsJob(
  driver: Driver,
  jobId: string,
  work: {
    source: { code: string; settings: object; parameters: object };
    job: { input?: unknown };
    query: MetricsQueryTarget | undefined;
  },
  limits: Partial<SandboxLimits>,
): Promise<TPolicyCallResult> {
  const { source, query } = work;
  const input = work.job.input;
  const t0 = performance.now();
  let result: TPolicyCallResult | null = null;
  const said: string[] = [];
  const failed = (message: string): TPolicyCallResult => ({
    ok: false,
    error: { kind: "runtime", message },
    logs: [],
    durationMs: performance.now() - t0,
  });
  try {
    const { code } = await driver.runJob({
      name: `policy-job-${jobId}`,
      entry: POLICY_JOB_RUNNER,
      runtime: true,
      env: {},
      secretEnv: { [POLICY_JOB_ENV]: JSON.stringify({ source, input, limits, ...(query ? { query } : {}) }) },
      timeoutMs: JOB_TIMEOUT_MS,
      onLine: (line) => {
        const r = resultOfLine(line);
        if (r) result = r;
        else said.push(line.slice(0, 500));
      },
    });
    return (
      result ??
      failed(`the policy job's pod ended (code ${code}) without a result: ${said.slice(-3).join(" | ")}`)
    );
  } catch (err) {
    return failed(`the policy job could not run: ${(err as Error).message}`);
  }
}

/** Compile, load, init, eval, dispose; the logs of init and eval are kept, whichever fails. */
export async function runPolicyOnce(
  source: { code: string; settings: object; parameters: object },
  input: unknown,
  limits: Partial<SandboxLimits>,
  sandbox: SandboxProcess | undefined,
  /** What the policy gets as `ctx.query`; none without it. */
  query?: PolicyQuery,
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
    return { ok: false, error: policyErrorInfo(err as Error), logs: [], durationMs: took() };
  }
  try {
    const init = await instance.init(source.settings, source.parameters);
    if (!init.ok)
      return { ok: false, error: policyErrorInfo(init.error), logs: init.logs, durationMs: took() };
    const r = await instance.eval(input, query ? { query } : {});
    const logs = [...init.logs, ...r.logs];
    return r.ok
      ? { ok: true, output: r.value, logs, durationMs: took() }
      : { ok: false, error: policyErrorInfo(r.error), logs, durationMs: took() };
  } finally {
    instance.dispose();
  }
}
