import { type TPolicyCallResult, ZPolicyCallResult } from "@aios/contracts";

/** The runner of a policy job run as a job of the driver (policy-job-main.ts), in the repository. */
export const POLICY_JOB_RUNNER = "apps/agents/src/jobs/policy-job-main.ts";
/** Its work: `{source: {code, settings, parameters}, input, limits}` as JSON. */
export const POLICY_JOB_ENV = "AIOS_POLICY_JOB";
/** The runner's last line: this, then the result as JSON. */
export const RESULT_PREFIX = "AIOS_POLICY_RESULT ";

/** The result a line of the runner carries, or null for any other line (or one that is not a result). */
export function resultOfLine(line: string): TPolicyCallResult | null {
  if (!line.startsWith(RESULT_PREFIX)) return null;
  try {
    const parsed = ZPolicyCallResult.safeParse(JSON.parse(line.slice(RESULT_PREFIX.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
