import {
  ApiException,
  type CoordinationV1Api,
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Lease,
  type V1Node,
} from "@kubernetes/client-node";
import { kubeMicroTime, kubeTime } from "./times";

/** The label that tells a process kubelet's node from kwok's simulated ones. */
export const processKubeletLabel = "aios.dev/test-kubelet";

export interface NodeShape {
  nodeName: string;
  cpu: string;
  memory: string;
  gpus: number;
  pods: number;
  kubeletPort: number;
  /** When the conditions took their values: their lastTransitionTime, the same at every report. */
  since: string;
}

const leaseNamespace = "kube-node-lease";
const leaseSeconds = 40;
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

function nodeStatus(shape: NodeShape) {
  const resources: Record<string, string> = {
    cpu: shape.cpu,
    memory: shape.memory,
    pods: String(shape.pods),
    ...(shape.gpus > 0 ? { "nvidia.com/gpu": String(shape.gpus) } : {}),
  };
  const now = kubeTime();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: shape.since,
  });
  return {
    capacity: resources,
    allocatable: resources,
    // InternalIP only: the API server reaches a kubelet at its first address of the types it
    // prefers (Hostname first by default), and the node name resolves to nothing.
    addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
    daemonEndpoints: { kubeletEndpoint: { Port: shape.kubeletPort } },
    nodeInfo: {
      architecture: process.arch === "x64" ? "amd64" : process.arch,
      operatingSystem: "linux",
      kernelVersion: "",
      osImage: "process kubelet",
      containerRuntimeVersion: "process://1",
      kubeletVersion: "v1.34.4-process",
      kubeProxyVersion: "",
      machineID: "",
      systemUUID: "",
      bootID: "",
    },
    conditions: [
      condition(
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
      ),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ],
  };
}

/** Creates the Node (or takes over one of the same name) and writes its status. */
export async function registerNode(core: CoreV1Api, shape: NodeShape): Promise<V1Node> {
  const labels = {
    [processKubeletLabel]: "process",
    "kubernetes.io/hostname": shape.nodeName,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": process.arch === "x64" ? "amd64" : process.arch,
  };
  try {
    await core.createNode({ body: { metadata: { name: shape.nodeName, labels }, spec: {} } });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 409)) throw e;
    await core.patchNode({ name: shape.nodeName, body: { metadata: { labels } } }, strategic);
  }
  return postNodeStatus(core, shape);
}

/** The kubelet's periodic status report: fresh heartbeat times on its conditions. */
export function postNodeStatus(core: CoreV1Api, shape: NodeShape): Promise<V1Node> {
  return core.patchNodeStatus({ name: shape.nodeName, body: { status: nodeStatus(shape) } }, strategic);
}

/** Renews (or creates) the node's Lease, the heartbeat the node controller watches. */
export async function renewLease(coordination: CoordinationV1Api, node: V1Node): Promise<void> {
  const name = node.metadata!.name!;
  const spec = {
    holderIdentity: name,
    leaseDurationSeconds: leaseSeconds,
    // Text on purpose (see kubeMicroTime); the client passes strings through unchanged.
    renewTime: kubeMicroTime() as unknown as Date,
  };
  try {
    await coordination.patchNamespacedLease({ name, namespace: leaseNamespace, body: { spec } }, merge);
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 404)) throw e;
    const body: V1Lease = {
      metadata: {
        name,
        namespace: leaseNamespace,
        ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata!.uid! }],
      },
      spec,
    };
    await coordination.createNamespacedLease({ namespace: leaseNamespace, body });
  }
}
