import type { V1NetworkPolicy, V1OwnerReference } from "@kubernetes/client-node";
import { labelValueOf, MANAGED_BY, MANAGER, ownerNameOf, type PodSettings } from "./pod-spec";

/** The label every agent pod carries (k8s/base/agent.yaml). */
export const AGENT_POD_LABEL = { "app.kubernetes.io/name": "aios-agent" };

/**
 * A block's NetworkPolicy: its instances accept connections, on their port, from its own executor
 * and from the agents (management commands and parameters), from nothing else. A namespace-wide
 * policy cannot say "this instance's own executor" (a selector cannot refer to the selected pod's
 * labels), so the driver makes one per block, named and owned like the block's object: removing
 * the block removes it. Policies add up: with the production overlay's (instances reached by
 * agents only), an instance is reached by its own executor and the agents. `agentNamespace`: where
 * the agents run; unset, the agents' peer is left out (executors only).
 */
export function blockPolicyOf(
  s: PodSettings,
  blockId: string,
  ownerReferences: V1OwnerReference[],
): V1NetworkPolicy {
  const block = labelValueOf(blockId);
  const ofBlock = (component: string) => ({
    [MANAGED_BY]: MANAGER,
    "aios.dev/block": block,
    "app.kubernetes.io/component": component,
  });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: ownerNameOf({ kind: "block", id: blockId }),
      namespace: s.namespace,
      labels: {
        "app.kubernetes.io/part-of": "aios",
        "app.kubernetes.io/component": "block-policy",
        [MANAGED_BY]: MANAGER,
        "aios.dev/cluster": labelValueOf(s.clusterId),
        "aios.dev/block": block,
      },
      ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
    },
    spec: {
      podSelector: { matchLabels: ofBlock("instance") },
      policyTypes: ["Ingress"],
      ingress: [
        {
          _from: [
            { podSelector: { matchLabels: ofBlock("executor") } },
            ...(s.agentNamespace
              ? [
                  {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": s.agentNamespace } },
                    podSelector: { matchLabels: AGENT_POD_LABEL },
                  },
                ]
              : []),
          ],
          ports: [{ port: "http", protocol: "TCP" }],
        },
      ],
    },
  };
}
