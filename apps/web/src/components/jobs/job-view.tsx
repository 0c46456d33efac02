import { formatMs } from "@/components/blocks/executor-status";
import { PolicyError } from "@/components/policy-runs/policy-error";
import { PolicyLogs } from "@/components/policy-runs/policy-logs";
import type { RecordView } from "@/components/registry/record-detail";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { RecordLink } from "@/components/ui/record-link";
import { formatDateTime } from "@/lib/format";
import { isJobFinished, jobDurationMs, type PolicyJob } from "@/lib/jobs/job-status";
import { routes } from "@/lib/routes";

/** A policy job's page (execution type 3): status, where and when it ran, its result and its logs. */
export function jobView(j: PolicyJob): RecordView {
  const finished = isJobFinished(j.status);
  return {
    title: j.id,
    subtitle: j.name === j.policyRuleURI ? "Policy job: a policy run once on a cluster" : j.name,
    actions: <StatusBadge status={j.status} testId="status" />,
    doc: { input: j.input, settings: j.settings, parameters: j.parameters },
    docTitle:
      "The input, settings and parameters it was submitted with (the policy's defaults fill the rest)",
    fields: [
      {
        label: "Policy",
        mono: true,
        value: <RecordLink href={routes.policy(j.policyRuleURI)}>{j.policyRuleURI}</RecordLink>,
      },
      {
        label: "Cluster",
        mono: true,
        value: j.clusterId ? <RecordLink href={routes.cluster(j.clusterId)}>{j.clusterId}</RecordLink> : null,
      },
      { label: "Created", value: formatDateTime(j.createdAt) },
      { label: "Started", value: formatDateTime(j.startedAt) },
      { label: "Finished", value: formatDateTime(j.finishedAt) },
      { label: "Duration", value: finished ? formatMs(jobDurationMs(j)) : null },
    ],
    sections: (
      <div className="grid gap-6 lg:grid-cols-2">
        <Card className="overflow-hidden" data-testid="job-result">
          <CardHeader
            title="Result"
            description={
              finished ? "What the policy returned, or why it failed." : "Waiting for the cluster's agent…"
            }
          />
          <CardBody className="space-y-3">
            {j.error ? <PolicyError error={j.error} testId="job-error" /> : null}
            {j.status === "succeeded" ? (
              <CodeBlock value={j.output} maxHeight="20rem" testId="job-output" />
            ) : !finished ? (
              <p className="text-sm text-zinc-500" data-testid="job-waiting">
                The job is {j.status}; this page refreshes until it finishes.
              </p>
            ) : null}
          </CardBody>
        </Card>
        <Card className="overflow-hidden" data-testid="job-logs">
          <CardHeader
            title={`Logs (${j.logs.length})`}
            description="What the policy logged during init and eval; the agent reports them with the result."
          />
          <CardBody>
            {finished ? (
              <PolicyLogs logs={j.logs} className="max-h-96" testId="job-log-lines" />
            ) : (
              <p className="text-xs text-zinc-400">No logs until the job finishes.</p>
            )}
          </CardBody>
        </Card>
      </div>
    ),
  };
}
