import type { TPolicyFunctionRecord } from "@aios/contracts";
import type { RecordView } from "@/components/registry/record-detail";
import { StatusBadge } from "@/components/ui/badge";
import { RecordLink } from "@/components/ui/record-link";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";
import { FunctionMgmtCard } from "./function-mgmt-card";
import { InvokeCard } from "./invoke-card";
import { RemoveFunction } from "./remove-function";
import { ReplicasCard } from "./replicas-card";

/**
 * A function's page (execution type 4): status and removal, its replicas with scaling, a call
 * (its output, error and logs) and management commands.
 */
export function functionView(f: TPolicyFunctionRecord): RecordView {
  return {
    title: f.name,
    subtitle: "Policy function: a stateful policy running as replicas on a cluster",
    actions: (
      <div className="flex items-center gap-3">
        <StatusBadge status={f.status} testId="status" />
        {f.status !== "removing" ? <RemoveFunction name={f.name} /> : null}
      </div>
    ),
    doc: { settings: f.settings, parameters: f.parameters, replicaStates: f.replicaStates },
    docTitle: "The settings and parameters it was deployed with, and the replicas its agent reported",
    fields: [
      {
        label: "Policy",
        mono: true,
        value: <RecordLink href={routes.policy(f.policyRuleURI)}>{f.policyRuleURI}</RecordLink>,
      },
      {
        label: "Cluster",
        mono: true,
        value: f.clusterId ? <RecordLink href={routes.cluster(f.clusterId)}>{f.clusterId}</RecordLink> : null,
      },
      { label: "Replicas", value: <span data-testid="desired-replicas">{f.replicas} desired</span> },
      {
        label: "Autoscaling",
        value: (
          <span data-testid="autoscaling">
            {f.autoscaling
              ? `${f.autoscaling.minReplicas}–${f.autoscaling.maxReplicas} replicas, ${f.autoscaling.targetInFlight} in flight per replica, down after ${f.autoscaling.scaleDownSeconds} s`
              : "off"}
          </span>
        ),
      },
      { label: "Revision", value: f.revision },
      { label: "Created", value: formatDateTime(f.createdAt) },
      { label: "Updated", value: formatDateTime(f.updatedAt) },
    ],
    sections: (
      <>
        <ReplicasCard fn={f} />
        <div className="grid gap-6 lg:grid-cols-2">
          <InvokeCard fn={f} />
          <FunctionMgmtCard fn={f} />
        </div>
      </>
    ),
  };
}
