/**
 * A policy job (execution type 3) run as a job of the cluster (a Kubernetes Job, policy-run.ts):
 * reads its work from AIOS_POLICY_JOB (a Secret only this pod reads), runs the policy once in a
 * fresh isolate of a sandbox child, and prints the result as its last line (policy-job-io.ts).
 * Its `ctx.query` goes to the API with the job's metrics key (`query` of the work), when given.
 * The exit code is 0 whenever a result was printed, also a policy's failure: that is the result.
 */

import { type MetricsQueryTarget, remoteMetricsQuery } from "@aios/policy-runtime";
import { POLICY_JOB_ENV, RESULT_PREFIX } from "./policy-job-io";
import { runPolicyOnce } from "./policy-run";

const work = JSON.parse(process.env[POLICY_JOB_ENV] ?? "null") as {
  source: { code: string; settings: object; parameters: object };
  input: unknown;
  limits?: { cpuTimeMs?: number; memoryMb?: number };
  query?: MetricsQueryTarget;
} | null;
if (!work?.source) {
  console.error(`${POLICY_JOB_ENV} holds no policy job`);
  process.exit(2);
}
const query = work.query ? remoteMetricsQuery(work.query) : undefined;
const result = await runPolicyOnce(work.source, work.input, work.limits ?? {}, undefined, query);
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
