"use client";

import { ListChecks } from "lucide-react";
import { SubmitJob } from "@/components/jobs/submit-job";
import { JOB_TABLE } from "@/components/registry/job-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { CLI } from "@/lib/cli";
import { jobsRefetchInterval } from "@/lib/jobs/job-status";
import { useTRPC } from "@/trpc/react";

export default function JobsPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="Jobs"
      description="Policy jobs (execution type 3): a policy run once on a cluster's agent, newest first."
      listTitle="Recent jobs"
      noun="job"
      queryOptions={trpc.policies.jobs.queryOptions(
        { limit: 200 },
        { refetchInterval: (q) => jobsRefetchInterval(q.state.data) },
      )}
      table={JOB_TABLE}
      empty={{
        icon: ListChecks,
        title: "No jobs yet",
        description: "Submit one below, or with the CLI:",
        command: CLI.submitJob,
      }}
    >
      <SubmitJob />
    </RegistryListPage>
  );
}
