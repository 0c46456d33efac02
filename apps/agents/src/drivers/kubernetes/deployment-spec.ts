import { createHash } from "node:crypto";
import type { V1Deployment, V1OwnerReference, V1Pod, V1Service } from "@kubernetes/client-node";
import type { WorkloadKind, WorkloadSpec } from "../driver";
import { LABELS_ANNOTATION, labelsOf, type PodSettings, podOf, WORKLOAD_ANNOTATION } from "./pod-spec";

/**
 * The platform's runtimes (a block's executor, a vDAG controller, a policy function's replica) run
 * as a Deployment of one pod with a Service in front: Kubernetes replaces the pod when it is deleted or evicted,
 * the Service gives it a stable in-cluster name (`<workload>.<namespace>.svc`), and NetworkPolicies
 * can name it. A component's instances stay bare pods, one per instance, started by the agent.
 */
export const runsAsDeployment = (kind: WorkloadKind) => kind !== "instance";

/** The label that selects a Deployment's pods (and its Service's endpoints): the Deployment's name. */
export const WORKLOAD_LABEL = "aios.dev/workload";
/**
 * On the pod template: a hash of the workload's tokens. A start with new tokens changes the
 * template, so Kubernetes replaces the pod (the old one holds the old tokens in its environment).
 */
export const TOKENS_ANNOTATION = "aios.dev/tokens";

export function tokensHashOf(spec: { controlToken?: string | null; dataToken?: string | null }): string {
  return createHash("sha256")
    .update(JSON.stringify([spec.controlToken ?? null, spec.dataToken ?? null]))
    .digest("hex")
    .slice(0, 16);
}

/**
 * The Deployment of a runtime: one replica, replaced by Recreate (never two executors of one block
 * at once: each runs the block's autoscaler), its pod the same as a bare pod's (pod-spec.ts), bound
 * to this agent's node. `name` is a DNS-1123 name (`podNameOf`), also its tokens Secret's
 * base and its Service's name.
 */
export function deploymentOf(
  s: PodSettings,
  spec: WorkloadSpec,
  program: string | null,
  name: string,
  ownerReferences: V1OwnerReference[] = [],
): V1Deployment {
  const pod: V1Pod = podOf(s, spec, program, name);
  const labels = labelsOf(s, spec.kind, spec.owner);
  const annotations = {
    [WORKLOAD_ANNOTATION]: spec.name,
    [LABELS_ANNOTATION]: JSON.stringify(spec.labels ?? {}),
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: s.namespace,
      labels,
      annotations,
      ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
    },
    spec: {
      replicas: 1,
      strategy: { type: "Recreate" },
      revisionHistoryLimit: 1,
      selector: { matchLabels: { [WORKLOAD_LABEL]: name } },
      template: {
        metadata: {
          labels: { ...labels, [WORKLOAD_LABEL]: name },
          annotations: { ...annotations, [TOKENS_ANNOTATION]: tokensHashOf(spec) },
        },
        spec: { ...pod.spec, containers: pod.spec?.containers ?? [] },
      },
    },
  };
}

/** The runtime's Service: its pod's port under the Deployment's name, owned by the Deployment. */
export function serviceOf(
  s: PodSettings,
  spec: WorkloadSpec,
  name: string,
  deploymentUid: string,
): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name,
      namespace: s.namespace,
      labels: labelsOf(s, spec.kind, spec.owner),
      annotations: { [WORKLOAD_ANNOTATION]: spec.name },
      ownerReferences: [deploymentReferenceOf(name, deploymentUid)],
    },
    spec: {
      type: "ClusterIP",
      selector: { [WORKLOAD_LABEL]: name },
      ports: [{ name: "http", port: s.port, targetPort: "http", protocol: "TCP" }],
    },
  };
}

export const deploymentReferenceOf = (name: string, uid: string): V1OwnerReference => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  name,
  uid,
});
