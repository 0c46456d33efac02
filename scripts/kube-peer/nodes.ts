/** The annotation by which kwok (started with a selector on it) takes a node as one of its own. */
export const kwokNodeAnnotation = "kwok.x-k8s.io/node";

export interface FakeNodeShape {
  cpu: string;
  memory: string;
  gpus: number;
  pods: number;
}

/**
 * A Node for kwok to keep alive: no taint, so that the scheduler places pods on it like on any
 * node; its GPUs as the `nvidia.com/gpu` extended resource, as the NVIDIA device plugin reports them.
 */
export function fakeNode(name: string, shape: FakeNodeShape) {
  const resources = {
    cpu: shape.cpu,
    memory: shape.memory,
    pods: String(shape.pods),
    ...(shape.gpus > 0 ? { "nvidia.com/gpu": String(shape.gpus) } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [kwokNodeAnnotation]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node-role.kubernetes.io/agent": "",
        type: "kwok",
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion: "fake",
        kubeProxyVersion: "fake",
      },
    },
  };
}
