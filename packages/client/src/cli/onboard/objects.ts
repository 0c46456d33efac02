/**
 * The Kubernetes objects `aios cluster onboard` makes in a cluster, as pure functions of its
 * settings: the agent's namespace and the blocks' namespace, the agent's service account, its Role
 * and RoleBinding in the blocks' namespace (exactly the Kubernetes driver's calls, as k8s/base's
 * agent-rbac.yaml), the Secret with what the agent joins with, and the agent's DaemonSet (its
 * settings as k8s/base's agent.yaml). Every object carries the labels `offboard` finds it by.
 */

/** What onboarding writes, the least client-node's object API needs. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export const MANAGED_BY = "aios-onboard";
export const CLUSTER_LABEL = "aios.dev/cluster";

/** The labels of every object onboarding makes for `clusterId`. */
export const onboardLabels = (clusterId: string): Record<string, string> => ({
  "app.kubernetes.io/managed-by": MANAGED_BY,
  [CLUSTER_LABEL]: clusterId,
});

/** The label selector of every object onboarding made for `clusterId`. */
export const onboardSelector = (clusterId: string) =>
  `app.kubernetes.io/managed-by=${MANAGED_BY},${CLUSTER_LABEL}=${clusterId}`;

export const AGENT_NAME = "aios-agent";
export const AGENT_ROLE = "aios-agent-blocks";
export const JOIN_SECRET = "aios-agent-join";

/** The Secret's keys, each the agent's variable of that name. */
export const SECRET_KEYS = ["AIOS_JOIN_TOKEN", "AIOS_API_URL", "AIOS_QUEUE_URL"] as const;
export type TJoinSecret = Record<(typeof SECRET_KEYS)[number], string>;

export interface OnboardSettings {
  clusterId: string;
  /** Where the agent runs (its service account, Secret and DaemonSet). */
  namespace: string;
  /** Where the driver makes the blocks' pods; the agent's Role is there and nowhere else. */
  blocksNamespace: string;
  /** The AIOS image: the agent runs from it, and so do the pods it makes. */
  image: string;
  /** `redis` or `postgres`: the backend of AIOS_QUEUE_URL. */
  queueBackend: "redis" | "postgres";
}

/**
 * Exactly the Kubernetes driver's calls in the blocks' namespace (k8s/base/agent-rbac.yaml, which
 * k8s/test/agent-rbac.int.test.ts checks against the driver).
 */
export const AGENT_RULES = [
  { apiGroups: [""], resources: ["pods"], verbs: ["create", "delete", "list", "watch"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  {
    apiGroups: [""],
    resources: ["secrets"],
    verbs: ["create", "get", "update", "delete", "list", "watch"],
  },
  { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "get", "delete"] },
  { apiGroups: [""], resources: ["services"], verbs: ["create", "get", "update"] },
  { apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "get", "update", "delete"] },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "delete"] },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["create", "get", "update"] },
];

/** Where the repository is in the image (the Dockerfile's WORKDIR). */
const IMAGE_REPO_ROOT = "/app";

export function namespaceObjects(s: OnboardSettings): KubeObject[] {
  const labels = { ...onboardLabels(s.clusterId), "app.kubernetes.io/part-of": "aios" };
  const names = s.namespace === s.blocksNamespace ? [s.namespace] : [s.namespace, s.blocksNamespace];
  return names.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } }));
}

/** The join Secret, its values base64-encoded (`data`: applying it again compares equal). */
export function joinSecret(s: OnboardSettings, values: TJoinSecret): KubeObject {
  const data = Object.fromEntries(
    SECRET_KEYS.map((k) => [k, Buffer.from(values[k], "utf8").toString("base64")]),
  );
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: JOIN_SECRET, namespace: s.namespace, labels: onboardLabels(s.clusterId) },
    type: "Opaque",
    data,
  };
}

/** The values of a join Secret read back; null when one is missing. */
export function joinSecretValues(secret: { data?: Record<string, string> } | null): TJoinSecret | null {
  const data = secret?.data ?? {};
  const values: Partial<TJoinSecret> = {};
  for (const k of SECRET_KEYS) {
    const v = data[k];
    if (!v) return null;
    values[k] = Buffer.from(v, "base64").toString("utf8");
  }
  return values as TJoinSecret;
}

export function serviceAccount(s: OnboardSettings): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: AGENT_NAME, namespace: s.namespace, labels: onboardLabels(s.clusterId) },
  };
}

export function agentRole(s: OnboardSettings): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: AGENT_ROLE, namespace: s.blocksNamespace, labels: onboardLabels(s.clusterId) },
    rules: AGENT_RULES,
  };
}

export function agentRoleBinding(s: OnboardSettings): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: AGENT_ROLE, namespace: s.blocksNamespace, labels: onboardLabels(s.clusterId) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: AGENT_ROLE },
    subjects: [{ kind: "ServiceAccount", name: AGENT_NAME, namespace: s.namespace }],
  };
}

const fromSecret = (key: (typeof SECRET_KEYS)[number]) => ({
  name: key,
  valueFrom: { secretKeyRef: { name: JOIN_SECRET, key } },
});
const fromField = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** The agent's environment: k8s/base/agent.yaml's, with the join Secret instead of an agent token. */
export function agentEnv(s: OnboardSettings) {
  return [
    fromSecret("AIOS_API_URL"),
    { name: "AIOS_CLUSTER_ID", value: s.clusterId },
    { name: "AIOS_AUTH", value: "token" },
    fromSecret("AIOS_JOIN_TOKEN"),
    { name: "AIOS_QUEUE_BACKEND", value: s.queueBackend },
    fromSecret("AIOS_QUEUE_URL"),
    fromField("AIOS_NODE_ID", "spec.nodeName"),
    // What runs in the agent's own pod (policy functions' replicas) is reached at the pod's address.
    fromField("AIOS_PUBLIC_HOSTNAME", "status.podIP"),
    fromField("AIOS_BIND_HOST", "status.podIP"),
    { name: "AIOS_HOME", value: "/var/lib/aios/home" },
    { name: "AIOS_WORKLOAD_DIR", value: "/var/lib/aios/workloads" },
    { name: "AIOS_DRIVER", value: "kubernetes" },
    { name: "AIOS_K8S_NAMESPACE", value: s.blocksNamespace },
    fromField("AIOS_K8S_NODE_NAME", "spec.nodeName"),
    { name: "AIOS_K8S_IMAGE", value: s.image },
    { name: "AIOS_K8S_IMAGE_REPO_ROOT", value: IMAGE_REPO_ROOT },
    fromField("AIOS_K8S_AGENT_NAMESPACE", "metadata.namespace"),
  ];
}

/** One agent per node (k8s/README.md says why a DaemonSet). */
export function agentDaemonSet(s: OnboardSettings): KubeObject {
  const labels = onboardLabels(s.clusterId);
  const podLabels = { ...labels, "app.kubernetes.io/name": AGENT_NAME, "app.kubernetes.io/part-of": "aios" };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: AGENT_NAME, namespace: s.namespace, labels: podLabels },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": AGENT_NAME, [CLUSTER_LABEL]: s.clusterId } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: AGENT_NAME,
          containers: [
            {
              name: "agent",
              image: s.image,
              command: ["node", "--no-node-snapshot", "--import", "tsx", "apps/agents/src/main.ts"],
              env: agentEnv(s),
              volumeMounts: [
                { name: "state", mountPath: "/var/lib/aios" },
                { name: "tmp", mountPath: "/tmp" },
              ],
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
            },
          ],
          volumes: [
            { name: "state", emptyDir: {} },
            { name: "tmp", emptyDir: {} },
          ],
        },
      },
    },
  };
}

/**
 * What onboarding applies before it has a join token, in order: namespaces first, then the
 * agent's identity and rights (so a cluster that refuses them costs no join token).
 */
export function accessObjects(s: OnboardSettings): KubeObject[] {
  return [...namespaceObjects(s), serviceAccount(s), agentRole(s), agentRoleBinding(s)];
}

/** Then the join Secret and, last, the DaemonSet (its pods need the account and the Secret). */
export function agentObjects(s: OnboardSettings, secret: TJoinSecret): KubeObject[] {
  return [joinSecret(s, secret), agentDaemonSet(s)];
}

/** The kinds offboarding removes, in its order: the workload first, namespaces last. */
export const OFFBOARD_KINDS = [
  { apiVersion: "apps/v1", kind: "DaemonSet" },
  { apiVersion: "v1", kind: "Secret" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
  { apiVersion: "v1", kind: "ServiceAccount" },
  { apiVersion: "v1", kind: "Namespace" },
] as const;

/** `Kind namespace/name` (or `Kind name`), as onboarding reports an object. */
export const objectRef = (o: { kind?: string; metadata?: { name?: string; namespace?: string } }) =>
  `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;
