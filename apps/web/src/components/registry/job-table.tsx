import { CELL, type TableSpec } from "@/components/ui/data-table";
import type { PolicyJob } from "@/lib/jobs/job-status";
import { routes } from "@/lib/routes";
import { clusterColumn, dateColumn, keyColumn, linkColumn, statusColumn } from "./columns";

/** Policy jobs (execution type 3), newest first as the API lists them. */
export const JOB_TABLE: TableSpec<PolicyJob> = {
  rowKey: (j) => j.id,
  rowHref: (j) => routes.job(j.id),
  testIdPrefix: "job-row-",
  columns: [
    keyColumn("Job", (j) => j.id),
    { header: "Name", className: CELL.text, cell: (j) => (j.name === j.policyRuleURI ? "—" : j.name) },
    linkColumn("Policy", (j) => j.policyRuleURI, routes.policy),
    clusterColumn(),
    statusColumn((j) => (j.error ? `${j.error.kind}: ${j.error.message}` : null)),
    dateColumn("Created", (j) => j.createdAt),
    dateColumn("Finished", (j) => j.finishedAt),
  ],
};
