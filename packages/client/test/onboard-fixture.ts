import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import { afterAll, beforeAll } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { type KubePeer, startKubePeer } from "../../../scripts/kube-peer/index";
import { runCli } from "./cli-io";

/**
 * What the tests of `aios cluster onboard` and `offboard` share: an API in token mode, an admin
 * token, a real Kubernetes API server (testpeers/kubernetes) of the file's own, and the commands.
 */
export const queueUrl = "redis://127.0.0.1:6379/0";
export const SELECTOR = (cluster: string) =>
  `app.kubernetes.io/managed-by=aios-onboard,aios.dev/cluster=${cluster}`;

export function useOnboarding() {
  const api = useApiServer({ auth: "token" });
  const cluster = `onb-${Date.now().toString(36)}`;
  const ctx = {
    api,
    cluster,
    admin: "",
    peer: undefined as unknown as KubePeer,
    objects: undefined as unknown as KubernetesObjectApi,
    core: undefined as unknown as CoreV1Api,
    /** A folder of the file's own (kubeconfigs it writes). */
    dir: "",
    run: (args: string[], token?: string): ReturnType<typeof runCli> =>
      runCli(api.url, args, token ?? ctx.admin),
    onboardArgs: (extra: string[] = []): string[] => [
      "cluster",
      "onboard",
      "--kubeconfig",
      ctx.peer.kubeconfigPath,
      "--cluster-id",
      cluster,
      "--image",
      "registry.example/aios:1.2.3",
      "--queue-url",
      queueUrl,
      "--api-url",
      "http://aios-api.aios:4000",
      ...extra,
    ],
    /** What onboarding made for a cluster and is there (not being deleted), as `Kind ns/name`. */
    async labelled(clusterId = cluster): Promise<string[]> {
      const found: string[] = [];
      for (const [apiVersion, kind] of [
        ["v1", "Namespace"],
        ["v1", "ServiceAccount"],
        ["rbac.authorization.k8s.io/v1", "Role"],
        ["rbac.authorization.k8s.io/v1", "RoleBinding"],
        ["v1", "Secret"],
        ["apps/v1", "DaemonSet"],
      ] as const) {
        const list = await ctx.objects.list(
          apiVersion,
          kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          SELECTOR(clusterId),
        );
        for (const o of list.items)
          if (!o.metadata?.deletionTimestamp)
            found.push(
              `${kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`,
            );
      }
      return found.sort();
    },
    joinTokensOf: (clusterId: string): Promise<number> =>
      api.database.db.apiToken.count({ where: { role: "join", scope: clusterId } }),
  };

  beforeAll(async () => {
    ctx.admin = (await api.services.tokens.issue({ name: "onboard admin", role: "admin" })).token;
    ctx.peer = await startKubePeer({ nodes: 0 });
    const kc = new KubeConfig();
    kc.loadFromString(ctx.peer.kubeconfig);
    ctx.objects = KubernetesObjectApi.makeApiClient(kc);
    ctx.core = kc.makeApiClient(CoreV1Api);
    ctx.dir = mkdtempSync(join(tmpdir(), "aios-onboard-"));
  }, 120_000);

  afterAll(async () => {
    await ctx.peer?.stop();
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}
