/**
 * Kubernetes' NetworkPolicy ingress rules, evaluated for one connection: the semantics that
 * network plugins implement (networking.k8s.io/v1), for the tests of the production overlay's
 * policies. ipBlock peers are not modelled (the overlay has none).
 */

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }>;
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: Array<{ from?: Peer[]; ports?: Array<{ port?: number | string; protocol?: string }> }>;
}
export interface PolicyObject {
  metadata: { namespace?: string };
  spec: NetworkPolicySpec;
}

/** A pod: its namespace (and that namespace's labels), its labels and its named container ports. */
export interface PodAt {
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
  ports?: Record<string, number>;
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const ok =
      e.operator === "In"
        ? has && (e.values ?? []).includes(value as string)
        : e.operator === "NotIn"
          ? !has || !(e.values ?? []).includes(value as string)
          : e.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

function peerMatches(peer: Peer, policyNamespace: string, from: PodAt): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, from.namespaceLabels)) return false;
    return peer.podSelector ? selects(peer.podSelector, from.labels) : true;
  }
  // A podSelector alone selects pods of the policy's own namespace.
  return from.namespace === policyNamespace && selects(peer.podSelector ?? {}, from.labels);
}

/** Whether `from` may open a TCP connection to `to` on its port `port` (a number) under `policies`. */
export function ingressAllowed(policies: PolicyObject[], from: PodAt, to: PodAt, port: number): boolean {
  const applying = policies.filter(
    (p) =>
      (p.metadata.namespace ?? "default") === to.namespace &&
      (p.spec.policyTypes ?? ["Ingress"]).includes("Ingress") &&
      selects(p.spec.podSelector, to.labels),
  );
  if (applying.length === 0) return true;
  return applying.some((p) =>
    (p.spec.ingress ?? []).some((rule) => {
      const peerOk =
        !rule.from ||
        rule.from.length === 0 ||
        rule.from.some((peer) => peerMatches(peer, to.namespace, from));
      const portOk =
        !rule.ports ||
        rule.ports.length === 0 ||
        rule.ports.some(
          (r) =>
            (r.protocol ?? "TCP") === "TCP" &&
            (r.port === undefined ||
              r.port === port ||
              (typeof r.port === "string" && to.ports?.[r.port] === port)),
        );
      return peerOk && portOk;
    }),
  );
}
