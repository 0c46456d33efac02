import type { Logger } from "@aios/service-kit";
import type { KeptTokenStore } from "../../agent-identity";
import type { TAgentEnv } from "../../env";
import { keptTokenSecret } from "./kept-token-secret";
import { connectKube } from "./kube-api";
import { createKubernetesDriver, type KubernetesDriver } from "./kubernetes-driver";

/** The kubernetes driver as the agent's environment configures it (AIOS_K8S_*). */
export function kubernetesDriverOf(
  env: TAgentEnv,
  repoRoot: string,
  runtimeEnv: Record<string, string>,
  log: Logger,
  /** A fetch token for a blob, from the API (`agents.work.assetFetchToken`). */
  assetFetchToken: (sha256: string) => Promise<string>,
): KubernetesDriver {
  const api = kubeOf(env);
  const nodeName = env.AIOS_K8S_NODE_NAME ?? env.nodeId;
  log.info("workloads run as pods", { namespace: env.AIOS_K8S_NAMESPACE, node: nodeName });
  return createKubernetesDriver({
    api,
    namespace: env.AIOS_K8S_NAMESPACE,
    nodeName,
    clusterId: env.AIOS_CLUSTER_ID,
    image: env.AIOS_K8S_IMAGE as string,
    imagePullPolicy: env.AIOS_K8S_IMAGE_PULL_POLICY,
    repoRoot,
    imageRepoRoot: env.AIOS_K8S_IMAGE_REPO_ROOT,
    port: env.AIOS_K8S_POD_PORT,
    runtimeEnv,
    maxBodyMb: env.AIOS_MAX_BODY_MB,
    ...(env.AIOS_K8S_GPU_RESOURCE !== "none" ? { gpuResource: env.AIOS_K8S_GPU_RESOURCE } : {}),
    ...(env.AIOS_K8S_AGENT_NAMESPACE ? { agentNamespace: env.AIOS_K8S_AGENT_NAMESPACE } : {}),
    assetsUrl: env.AIOS_K8S_ASSETS_URL ?? env.AIOS_API_URL,
    assetFetchToken,
    onError: (message) => log.warn(message),
  });
}

const kubeOf = (env: TAgentEnv) =>
  connectKube({
    ...(env.AIOS_K8S_KUBECONFIG ? { kubeconfig: env.AIOS_K8S_KUBECONFIG } : {}),
    ...(env.AIOS_K8S_CONTEXT ? { context: env.AIOS_K8S_CONTEXT } : {}),
  });

/** Where an agent on Kubernetes keeps its agent token beyond its pod (kept-token-secret.ts). */
export function kubernetesTokenStore(env: TAgentEnv): KeptTokenStore {
  return keptTokenSecret(
    kubeOf(env),
    env.AIOS_K8S_NAMESPACE,
    env.AIOS_CLUSTER_ID,
    env.AIOS_K8S_NODE_NAME ?? env.nodeId,
  );
}
