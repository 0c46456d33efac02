import type { TPolicyJobRecord } from "@aios/contracts";

type JobStatus = TPolicyJobRecord["status"];

/**
 * A job as the console receives it: tRPC types an `unknown` field of the output as optional, so
 * `input` and `output` may be absent from the type (never from the API's answer).
 */
export type PolicyJob = Omit<TPolicyJobRecord, "input" | "output"> &
  Partial<Pick<TPolicyJobRecord, "input" | "output">>;

/** A job is over once it succeeded or failed; until then its page and the list refresh fast. */
export const isJobFinished = (status: JobStatus) => status === "succeeded" || status === "failed";

/** How often to refetch jobs: fast while one is pending or running, else slowly (new jobs, others' submits). */
export function jobsRefetchInterval(jobs: readonly Pick<TPolicyJobRecord, "status">[] | undefined): number {
  return jobs?.some((j) => !isJobFinished(j.status)) ? 1_000 : 10_000;
}

/** Wall time from the agent taking the job to its result; null until it finished. */
export function jobDurationMs(job: Pick<TPolicyJobRecord, "startedAt" | "finishedAt">): number | null {
  if (!job.startedAt || !job.finishedAt) return null;
  return Math.max(0, Date.parse(job.finishedAt) - Date.parse(job.startedAt));
}
