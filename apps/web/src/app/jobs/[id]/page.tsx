"use client";

import { useQuery } from "@tanstack/react-query";
import { jobView } from "@/components/jobs/job-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { isJobFinished } from "@/lib/jobs/job-status";
import { useTRPC } from "@/trpc/react";

export default function JobPage() {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  // Followed every second until it finishes; a finished job never changes again.
  const job = useQuery(
    trpc.policies.getJob.queryOptions(
      { id },
      { refetchInterval: (q) => (q.state.data && isJobFinished(q.state.data.status) ? false : 1_000) },
    ),
  );
  return <RecordDetail back={{ href: "/jobs", label: "Jobs" }} query={job} view={jobView} />;
}
