import { readFileSync } from "node:fs";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { ImageConfig } from "../../../../scripts/process-kubelet/index";
import { type AgentProcess, startClusterAgent, waitUntil } from "../agent-process";
import { AIOS_TEST_IMAGE, repoRoot, startProcessNodePeer, until } from "./kube-test-kit";

/**
 * Where the Kubernetes scenarios run. By default: the test peer (a real API server and controllers
 * from pinned Go modules) with one node played by the process kubelet. With `KUBECONFIG` and
 * `AIOS_LIVE_IMAGE` both set: a live cluster (k3s, kind, …; see k8s/README.md), in a namespace of
 * the test's own, made and deleted by it. Both are needed, so a KUBECONFIG left in a shell never
 * sends the tests to a cluster by itself.
 */
export interface ClusterUnderTest {
  live: boolean;
  /** The kubeconfig file the agent is given, and its text. */
  kubeconfigPath: string;
  kubeconfig: string;
  /** The node the agent's pods are bound to. */
  nodeName: string;
  namespace: string;
  /** The AIOS image, and where the repository is in it. */
  image: string;
  imageRepoRoot: string;
  /** The agent's variables that point it at this cluster (AIOS_K8S_*). */
  agentEnv: Record<string, string>;
  /** An image of the echo component (examples/components/echo/Dockerfile); null: none to run. */
  echoImage: string | null;
  core: CoreV1Api;
  apps: AppsV1Api;
  stop(): Promise<void>;
}

/** The live cluster's settings, when the environment names one. */
export const liveCluster = (): { kubeconfigPath: string; image: string } | null => {
  const kubeconfigPath = process.env.KUBECONFIG?.split(":")[0];
  const image = process.env.AIOS_LIVE_IMAGE;
  return kubeconfigPath && image ? { kubeconfigPath, image } : null;
};

/** The echo component's image can run: on the peer always, on a live cluster when one is named. */
export const runsEchoImage = () => liveCluster() === null || Boolean(process.env.AIOS_LIVE_ECHO_IMAGE);

export async function clusterUnderTest(peer: {
  nodeName: string;
  podAddressPrefix: string;
  /** The process kubelet's images besides the AIOS one (the echo component's among them). */
  images: Record<string, ImageConfig>;
}): Promise<ClusterUnderTest> {
  const live = liveCluster();
  if (live) return await liveClusterUnderTest(live.kubeconfigPath, live.image);
  const namespace = "aios";
  const node = await startProcessNodePeer({ ...peer, namespace });
  return {
    live: false,
    kubeconfigPath: node.peer.kubeconfigPath,
    kubeconfig: node.peer.kubeconfig,
    nodeName: peer.nodeName,
    namespace,
    image: AIOS_TEST_IMAGE,
    imageRepoRoot: repoRoot,
    agentEnv: {
      AIOS_K8S_KUBECONFIG: node.peer.kubeconfigPath,
      AIOS_K8S_NODE_NAME: peer.nodeName,
      AIOS_K8S_NAMESPACE: namespace,
      AIOS_K8S_IMAGE: AIOS_TEST_IMAGE,
      AIOS_K8S_IMAGE_REPO_ROOT: repoRoot,
    },
    echoImage: "example/echo:1.0" in peer.images ? "example/echo:1.0" : null,
    core: node.core,
    apps: node.apps,
    stop: () => node.stop(),
  };
}

/**
 * A live cluster: the node is `AIOS_LIVE_NODE` or the first Ready one; the AIOS image is
 * `AIOS_LIVE_IMAGE` (the repository at `AIOS_LIVE_IMAGE_REPO_ROOT`, default /app), pulled as
 * `AIOS_LIVE_IMAGE_PULL_POLICY` says (default IfNotPresent); the echo component's image is
 * `AIOS_LIVE_ECHO_IMAGE` (unset: the image scenario is skipped).
 */
async function liveClusterUnderTest(kubeconfigPath: string, image: string): Promise<ClusterUnderTest> {
  const kubeconfig = readFileSync(kubeconfigPath, "utf8");
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const nodeName =
    process.env.AIOS_LIVE_NODE ??
    (await until(
      "a Ready node in the live cluster",
      async () =>
        (
          await core.listNode()
        ).items.find((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
          ?.metadata?.name,
    ));
  const namespace = `aios-test-${Date.now().toString(36)}`;
  await core.createNamespace({
    body: { metadata: { name: namespace, labels: { "aios.dev/test": "live" } } },
  });
  const imageRepoRoot = process.env.AIOS_LIVE_IMAGE_REPO_ROOT ?? "/app";
  return {
    live: true,
    kubeconfigPath,
    kubeconfig,
    nodeName,
    namespace,
    image,
    imageRepoRoot,
    agentEnv: {
      AIOS_K8S_KUBECONFIG: kubeconfigPath,
      AIOS_K8S_NODE_NAME: nodeName,
      AIOS_K8S_NAMESPACE: namespace,
      AIOS_K8S_IMAGE: image,
      AIOS_K8S_IMAGE_REPO_ROOT: imageRepoRoot,
      AIOS_K8S_IMAGE_PULL_POLICY: process.env.AIOS_LIVE_IMAGE_PULL_POLICY ?? "IfNotPresent",
    },
    echoImage: process.env.AIOS_LIVE_ECHO_IMAGE ?? null,
    core,
    apps: kc.makeApiClient(AppsV1Api),
    async stop() {
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    },
  };
}

/**
 * A cluster agent on the Kubernetes driver of `cluster`, its block watch every 300 ms, once it has
 * registered its node (`nodesOf` lists the cluster's nodes as the API has them).
 */
export async function startKubernetesAgent(
  cluster: ClusterUnderTest,
  apiUrl: string,
  clusterId: string,
  nodesOf: (clusterId: string) => Promise<unknown[]>,
): Promise<AgentProcess> {
  const agent = startClusterAgent(apiUrl, clusterId, {
    AIOS_DRIVER: "kubernetes",
    ...cluster.agentEnv,
    AIOS_BLOCK_WATCH_MS: "300",
  });
  await waitUntil("the agent to register", async () => (await nodesOf(clusterId)).length === 1, 60_000);
  return agent;
}
