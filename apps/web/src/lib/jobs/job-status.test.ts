import { describe, expect, it } from "vitest";
import { isJobFinished, jobDurationMs, jobsRefetchInterval } from "./job-status";

describe("job status", () => {
  it("is finished once succeeded or failed", () => {
    expect(["pending", "running", "succeeded", "failed"].map((s) => isJobFinished(s as never))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it("refetches fast while a job is pending or running, slowly otherwise", () => {
    expect(jobsRefetchInterval([{ status: "succeeded" }, { status: "running" }])).toBe(1_000);
    expect(jobsRefetchInterval([{ status: "succeeded" }, { status: "failed" }])).toBe(10_000);
    expect(jobsRefetchInterval(undefined)).toBe(10_000);
  });

  it("measures from start to finish, and has no duration before it finished", () => {
    expect(
      jobDurationMs({ startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "2026-01-01T00:00:01.250Z" }),
    ).toBe(1250);
    expect(jobDurationMs({ startedAt: "2026-01-01T00:00:00.000Z", finishedAt: null })).toBeNull();
  });
});
